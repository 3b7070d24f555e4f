package io.baton.server.api;

import io.baton.core.journal.Journal;
import io.baton.core.journal.RunStats;
import io.javalin.Javalin;
import java.time.Instant;
import java.util.function.Supplier;

/** {@code GET /api/stats}: files, bytes and runs per service and hour, and run durations, for the console's charts. */
final class StatsRoutes {

    /** Maximum window of a chart, in hours: one week. */
    static final int MAX_HOURS = 168;

    private final Supplier<Journal> journal;

    StatsRoutes(Supplier<Journal> journal) {
        this.journal = journal;
    }

    void register(Javalin app) {
        app.get("/api/stats", ctx -> {
            int hours = ctx.queryParamAsClass("hours", Integer.class).check(n -> n > 0 && n <= MAX_HOURS, "between 1 and " + MAX_HOURS)
                    .getOrDefault(24);
            String service = ctx.queryParam("service");
            String onlyService = service == null || service.isBlank() ? null : service;
            ctx.json(journal.get().call(c -> RunStats.lastHours(c, hours, onlyService, Instant.now())));
        });
    }
}
