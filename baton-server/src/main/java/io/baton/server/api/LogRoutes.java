package io.baton.server.api;

import io.baton.server.api.ApiServer.ApiException;
import io.baton.server.log.LogQuery;
import io.baton.server.log.LogReader;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * {@code GET /api/logs?service=&node=&run=&level=&since=&until=&contains=&limit=}: the newest log entries
 * that match, oldest first, from the logs every node writes into the data directory. Without
 * {@code service}, the node logs (of one node with {@code node}); with it, that service's log. {@code level}
 * is the lowest level shown; {@code limit} defaults to 200. Any node serves it, because the logs are on the
 * shared data directory.
 */
final class LogRoutes {

    private static final int DEFAULT_LIMIT = 200;

    private final LogReader reader;

    LogRoutes(Path logsFolder) {
        this.reader = new LogReader(logsFolder);
    }

    void register(Javalin app) {
        app.get("/api/logs", this::list);
    }

    private void list(Context ctx) throws IOException {
        Instant since = ItemActionRoutes.time("since", ctx.queryParam("since"), false);
        Instant until = ItemActionRoutes.time("until", ctx.queryParam("until"), true);
        String limit = ctx.queryParam("limit");
        String service = LogQuery.EVERY_LOG.equals(ctx.queryParam("service")) ? LogQuery.EVERY_LOG : id(ctx, "service");
        LogQuery query = new LogQuery(service, id(ctx, "node"), id(ctx, "run"), level(ctx.queryParam("level")), since, until,
                blankToNull(ctx.queryParam("contains")), limit == null || limit.isBlank() ? DEFAULT_LIMIT : ItemActionRoutes.limit(limit));
        ctx.json(reader.read(query));
    }

    /** Returns an id filter; ids are names of letters, digits, '.', '_' and '-', as services and nodes are named. */
    private static String id(Context ctx, String field) {
        String value = blankToNull(ctx.queryParam(field));
        if (value != null && !value.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid " + field + " '" + value
                    + "': expected a name of letters, digits, '.', '_' and '-'", field);
        }
        return value;
    }

    private static String level(String text) {
        String value = blankToNull(text);
        if (value == null) {
            return null;
        }
        String level = value.toUpperCase(Locale.ROOT);
        if (!LogQuery.LEVELS.contains(level)) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid level '" + value + "': expected one of "
                    + String.join(", ", LogQuery.LEVELS), "level");
        }
        return level;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
