package io.baton.server.api;

import io.baton.core.journal.ItemHistory;
import io.baton.core.journal.Journal;
import io.baton.core.journal.Lineage;
import io.baton.core.journal.LineageQuery;
import io.baton.core.journal.WorkItemState;
import io.baton.server.api.ApiServer.ApiException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API endpoints of the lineage of inputs:
 * <ul>
 *   <li>{@code GET /api/lineage?service=&name=|glob=|sha256=&since=&until=&state=&limit=}: the histories of the
 *       matching work items, oldest first;</li>
 *   <li>{@code GET /api/items/{id}/lineage}: the history of one work item;</li>
 *   <li>{@code GET /api/lineage/export?format=jsonl|csv&…}: the same histories as JSON Lines (one item a line)
 *       or CSV (one event a row), written as they are read, a batch of items at a time.</li>
 * </ul>
 */
final class LineageRoutes {

    private static final Logger log = LoggerFactory.getLogger(LineageRoutes.class);

    /** Number of items read from the journal in one call while exporting, so that an export never keeps all of them in memory. */
    private static final int EXPORT_BATCH = 100;

    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 100_000;

    private final Supplier<Journal> journal;

    LineageRoutes(Supplier<Journal> journal) {
        this.journal = journal;
    }

    void register(Javalin app) {
        app.get("/api/lineage", this::find);
        app.get("/api/lineage/export", this::export);
        app.get("/api/items/{id}/lineage", this::showItem);
    }

    private void find(Context ctx) {
        LineageQuery query = query(ctx);
        List<ItemHistory> items = journal.get().call(c -> {
            List<ItemHistory> out = new ArrayList<>();
            for (long id : Lineage.find(c, query)) {
                out.add(Lineage.history(c, id));
            }
            return out;
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("query", query.describe());
        body.put("matched", items.size());
        body.put("items", items);
        ctx.json(body);
    }

    private void showItem(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid work item id '" + ctx.pathParam("id")
                    + "': expected a number, as listed by baton lineage --name NAME", "item");
        }
        ItemHistory history = journal.get().call(c -> Lineage.history(c, id));
        if (history == null) {
            throw new ApiException(ErrorCode.NOT_FOUND, "work item " + id + " is not in the journal;"
                    + " find items with: baton lineage --name NAME");
        }
        ctx.json(history);
    }

    private void export(Context ctx) throws IOException {
        String format = ctx.queryParam("format") == null ? "jsonl" : ctx.queryParam("format").trim().toLowerCase(Locale.ROOT);
        if (!format.equals("jsonl") && !format.equals("csv")) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid format '" + ctx.queryParam("format")
                    + "': expected jsonl or csv", "format");
        }
        LineageQuery query = query(ctx);
        List<Long> ids = journal.get().call(c -> Lineage.find(c, query));

        ctx.contentType(format.equals("csv") ? "text/csv; charset=utf-8" : "application/x-ndjson");
        Writer out = new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8));
        if (format.equals("csv")) {
            LineageCsv.writeHeader(out);
        }
        for (int from = 0; from < ids.size(); from += EXPORT_BATCH) {
            List<Long> batch = ids.subList(from, Math.min(ids.size(), from + EXPORT_BATCH));
            List<ItemHistory> histories = journal.get().call(c -> {
                List<ItemHistory> read = new ArrayList<>();
                for (long id : batch) {
                    read.add(Lineage.history(c, id));
                }
                return read;
            });
            for (ItemHistory h : histories) {
                if (format.equals("csv")) {
                    LineageCsv.writeRows(out, h);
                } else {
                    out.write(ctx.jsonMapper().toJsonString(h, ItemHistory.class));
                    out.write('\n');
                }
            }
        }
        out.flush();
        log.info("Exported the lineage of {} work item(s) as {} ({})", ids.size(), format, query.describe());
    }

    private static LineageQuery query(Context ctx) {
        String name = text(ctx, "name");
        String glob = text(ctx, "glob");
        String sha256 = text(ctx, "sha256");
        int given = (name == null ? 0 : 1) + (glob == null ? 0 : 1) + (sha256 == null ? 0 : 1);
        if (given > 1) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "name, glob and sha256 exclude each other;"
                    + " give one of them", "name");
        }
        if (sha256 != null && !sha256.matches("[0-9a-fA-F]{64}")) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid sha256 '" + sha256
                    + "': expected 64 hexadecimal digits, as printed by sha256sum", "sha256");
        }
        Instant since = ItemActionRoutes.time("since", ctx.queryParam("since"), false);
        Instant until = ItemActionRoutes.time("until", ctx.queryParam("until"), true);
        if (since != null && until != null && !since.isBefore(until)) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "until (" + until + ") must be later than since ("
                    + since + ")", "until");
        }
        return new LineageQuery(text(ctx, "service"), name, glob, sha256, since, until, state(text(ctx, "state")), limit(ctx));
    }

    private static String text(Context ctx, String parameter) {
        String value = ctx.queryParam(parameter);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static WorkItemState state(String text) {
        if (text == null) {
            return null;
        }
        WorkItemState state = WorkItemState.parse(text.toUpperCase(Locale.ROOT));
        if (state == WorkItemState.UNKNOWN) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid state '" + text + "': expected one of "
                    + java.util.Arrays.stream(WorkItemState.values()).filter(s -> s != WorkItemState.UNKNOWN).map(Enum::name).toList(), "state");
        }
        return state;
    }

    private static int limit(Context ctx) {
        return QueryParameters.wholeNumber("limit", ctx.queryParam("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT);
    }
}
