package io.baton.server.api;

import io.baton.core.journal.Journal;
import io.baton.core.journal.OperatorActions;
import io.baton.core.journal.OperatorActions.Outcome;
import io.baton.server.api.ApiServer.ApiException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /api/audit?service=&action=&outcome=&since=&limit=}: the audit trail of management actions,
 * newest first. {@code since} is an ISO-8601 instant or a date of the node's time zone; {@code limit}
 * defaults to 50.
 */
final class AuditRoutes {

    private final Supplier<Journal> journal;

    AuditRoutes(Supplier<Journal> journal) {
        this.journal = journal;
    }

    void register(Javalin app) {
        app.get("/api/audit", this::list);
    }

    private void list(Context ctx) {
        OperatorActions.Query query = new OperatorActions.Query(blankToNull(ctx.queryParam("service")), actions(ctx.queryParam("action")),
                outcome(ctx.queryParam("outcome")), since(ctx.queryParam("since")), ItemActionRoutes.limit(ctx.queryParam("limit")));
        ctx.json(journal.get().call(c -> OperatorActions.find(c, query)));
    }

    private static List<String> actions(String text) {
        String action = blankToNull(text);
        return action == null ? List.of() : List.of(action);
    }

    private static Outcome outcome(String text) {
        String label = blankToNull(text);
        if (label == null) {
            return null;
        }
        Outcome outcome = Outcome.fromLabel(label);
        if (outcome == null) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid outcome '" + text
                    + "': expected done, refused or failed", "outcome");
        }
        return outcome;
    }

    private static Instant since(String text) {
        return ItemActionRoutes.time("since", text, false);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
