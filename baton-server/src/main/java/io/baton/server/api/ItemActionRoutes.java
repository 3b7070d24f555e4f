package io.baton.server.api;

import io.baton.core.journal.ItemSelection;
import io.baton.core.journal.Journal;
import io.baton.core.journal.OperatorAction;
import io.baton.core.journal.OperatorActions;
import io.baton.core.journal.WorkItemState;
import io.baton.core.journal.WorkItems;
import io.baton.core.journal.WorkItems.ItemRecord;
import io.baton.server.api.ApiServer.ApiException;
import io.baton.server.service.ServiceManager;
import io.baton.server.service.WorkItemActions;
import io.baton.server.service.WorkItemActions.ItemOutcome;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * API endpoints of the operator actions on work items:
 * <ul>
 *   <li>{@code GET /api/items/{id}}: one work item as stored in the journal;</li>
 *   <li>{@code POST /api/items/{id}/{action}}: acts on one item; 404 for an unknown item, 409 when its state
 *       or its files do not allow the action or a run of its service is in progress;</li>
 *   <li>{@code POST /api/items/{action}} with a filter body: acts on every matching item, or lists them
 *       with {@code dryRun}; 400 names the invalid field;</li>
 *   <li>{@code GET /api/actions?service=&limit=}: the latest recorded actions on work items.</li>
 * </ul>
 * The actions record themselves, one row per item, so the audit after-handler adds no row for them; a dry run
 * gets no row. The caller is recorded as the authenticated {@link Principal}'s name, with its remote address.
 */
final class ItemActionRoutes {

    /** Body of a filter call. Times are ISO-8601 instants or local dates of the node's time zone. */
    record FilterRequest(String service, String state, String since, String until, Boolean all, Boolean dryRun) {
    }

    private final Supplier<ServiceManager> services;
    private final Supplier<Journal> journal;

    ItemActionRoutes(Supplier<ServiceManager> services, Supplier<Journal> journal) {
        this.services = services;
        this.journal = journal;
    }

    void register(Javalin app) {
        app.get("/api/items", this::listItems);
        app.get("/api/items/{id}", this::showItem);
        app.post("/api/items/{id}/{action}", this::actOnItem);
        app.post("/api/items/{action}", this::actOnFilter);
        app.get("/api/actions", this::listActions);
    }

    /** Lists the newest items in one state, such as the quarantine, of one service or of all. */
    private void listItems(Context ctx) {
        String stateText = ctx.queryParam("state");
        WorkItemState state = stateText == null || stateText.isBlank() ? null : WorkItemState.parse(stateText.trim().toUpperCase(Locale.ROOT));
        if (state == null || state == WorkItemState.UNKNOWN) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "state must name a work item state, such as QUARANTINED or FAILED;"
                    + " got '" + (stateText == null ? "" : stateText) + "'", "state");
        }
        String service = ctx.queryParam("service");
        String onlyService = service == null || service.isBlank() ? null : service;
        int limit = limit(ctx.queryParam("limit"));
        ctx.json(journal.get().call(c -> WorkItems.latestInState(c, onlyService, state, limit)));
    }

    private void showItem(Context ctx) {
        long id = itemId(ctx);
        ItemRecord item = journal.get().call(c -> WorkItems.find(c, id));
        if (item == null) {
            throw new ApiException(ErrorCode.NOT_FOUND, "work item " + id + " is not in the journal");
        }
        ctx.json(item);
    }

    private void actOnItem(Context ctx) {
        OperatorAction action = action(ctx);
        long id = itemId(ctx);
        ItemOutcome outcome = services.get().itemActions().act(action, id, CallAudit.caller(ctx));
        CallAudit.recordedByHandler(ctx);
        if (outcome.refusal() != null) {
            throw switch (outcome.refusal()) {
                case NOT_FOUND -> new ApiException(ErrorCode.NOT_FOUND, outcome.detail());
                case CONFLICT -> new ApiException(ErrorCode.CONFLICT, outcome.detail());
                case FAILED -> new ApiException(ErrorCode.ACTION_FAILED, outcome.detail());
            };
        }
        ctx.json(outcome);
    }

    private void actOnFilter(Context ctx) {
        OperatorAction action = action(ctx);
        FilterRequest request = JsonBody.parse(ctx, FilterRequest.class);
        ItemSelection selection = selection(action, request);
        WorkItemActions actions = services.get().itemActions();

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", action.label());
        body.put("filter", selection.describe());
        if (Boolean.TRUE.equals(request.dryRun())) {
            CallAudit.notAnAction(ctx);
            List<ItemRecord> items = actions.preview(action, selection);
            body.put("dryRun", true);
            body.put("matched", items.size());
            body.put("items", items);
        } else {
            List<ItemOutcome> outcomes = actions.act(action, selection, CallAudit.caller(ctx));
            CallAudit.recordedByHandler(ctx);
            long refused = outcomes.stream().filter(o -> o.refusal() != null).count();
            body.put("dryRun", false);
            body.put("matched", outcomes.size());
            body.put("done", outcomes.size() - refused);
            body.put("refused", refused);
            body.put("items", outcomes);
        }
        ctx.json(body);
    }

    private void listActions(Context ctx) {
        String service = ctx.queryParam("service");
        int limit = limit(ctx.queryParam("limit"));
        OperatorActions.Query query = new OperatorActions.Query(service, ManagementCall.ITEM_ACTIONS, null, null, limit);
        List<OperatorActions.Entry> entries = journal.get().call(c -> OperatorActions.find(c, query));
        ctx.json(entries);
    }

    private static long itemId(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid work item id '" + ctx.pathParam("id")
                    + "': expected a number, as listed by baton run RUN_ID", "item");
        }
    }

    static int limit(String text) {
        return QueryParameters.wholeNumber("limit", text, 50, 1, 10_000);
    }

    private static OperatorAction action(Context ctx) {
        OperatorAction action = OperatorAction.fromLabel(ctx.pathParam("action"));
        if (action == null) {
            throw new ApiException(ErrorCode.NOT_FOUND, "unknown work item action '" + ctx.pathParam("action")
                    + "'; expected retry, release or reprocess");
        }
        return action;
    }

    private ItemSelection selection(OperatorAction action, FilterRequest r) {
        String service = r.service() == null || r.service().isBlank() ? null : r.service().trim();
        if (service == null && !Boolean.TRUE.equals(r.all())) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "a filter without a service would act on the"
                    + " items of every service; name the service, or confirm with all (--all)", "service");
        }
        if (service != null && services.get().get(service) == null) {
            throw new ApiException(ErrorCode.NOT_FOUND, "service " + service
                    + " is not deployed; list services with: baton services");
        }
        WorkItemState state = state(action, r.state());
        Instant since = time("since", r.since(), false);
        Instant until = time("until", r.until(), true);
        if (since != null && until != null && !since.isBefore(until)) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "until (" + until + ") must be later than since ("
                    + since + ")", "until");
        }
        return new ItemSelection(service, state, since, until);
    }

    private static WorkItemState state(OperatorAction action, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        WorkItemState state = WorkItemState.parse(text.trim().toUpperCase(java.util.Locale.ROOT));
        if (!action.allowedStates().contains(state)) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid state '" + text + "': "
                    + action.label() + " applies only to items that are " + action.allowedText(), "state");
        }
        return state;
    }

    /**
     * Parses an ISO-8601 instant ({@code 2026-03-01T10:00:00Z}) or a local date of the node's time zone. A
     * date stands for the start of that day; as an {@code until} bound, for the start of the next day, so
     * that the day itself is included.
     */
    static Instant time(String field, String text, boolean endOfDay) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.trim();
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notAnInstant) {
            try {
                LocalDate day = LocalDate.parse(value);
                return (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneId.systemDefault()).toInstant();
            } catch (DateTimeParseException e) {
                throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid " + field + " '" + text
                        + "': expected an ISO-8601 instant such as 2026-03-01T10:00:00Z or a date such as 2026-03-01", field);
            }
        }
    }

}
