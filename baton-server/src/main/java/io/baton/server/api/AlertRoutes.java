package io.baton.server.api;

import io.baton.core.config.Durations;
import io.baton.server.alert.AlertEngine;
import io.baton.server.alert.AlertKind;
import io.baton.server.alert.Notice;
import io.baton.server.alert.Silence;
import io.baton.server.api.ApiServer.ApiException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /api/alerts}: the node's open alerts and its latest notices. {@code GET /api/silences},
 * {@code POST /api/silences} with {@code {kind, service, for, reason}}, and {@code DELETE /api/silences/{id}}:
 * the silences of the cluster. Writes need the operator role, which the authenticator checks for every
 * call other than GET.
 */
final class AlertRoutes {

    /** Maximum duration of a silence, so that a forgotten one cannot hide alerts for good. */
    static final Duration MAX_SILENCE = Duration.ofDays(30);

    private final Supplier<AlertEngine> engine;
    private final BooleanSupplier active;
    private final Supplier<String> nodeId;

    /** @param active whether this node is active: only the active node writes the silences, as it is the only writer of the data directory */
    AlertRoutes(Supplier<AlertEngine> engine, BooleanSupplier active, Supplier<String> nodeId) {
        this.engine = engine;
        this.active = active;
        this.nodeId = nodeId;
    }

    void register(Javalin app) {
        app.get("/api/alerts", ctx -> ctx.json(Map.of("open", engine.get().openAlerts(),
                "recent", engine.get().recentNotices().stream().map(AlertRoutes::noticeView).toList(),
                "droppedNotices", engine.get().droppedNotices(), "failedDeliveries", engine.get().failedDeliveries())));
        app.get("/api/silences", ctx -> ctx.json(engine.get().silences().active(Instant.now()).stream().map(AlertRoutes::silenceView).toList()));
        app.post("/api/silences", this::add);
        app.delete("/api/silences/{id}", this::remove);
    }

    private void add(Context ctx) throws IOException {
        requireActive();
        Map<?, ?> body = JsonBody.parse(ctx, Map.class);
        String kind = text(body, "kind");
        String service = text(body, "service");
        String reason = text(body, "reason");
        String forText = text(body, "for");
        if (kind != null && AlertKind.fromText(kind) == null) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid alert kind '" + kind + "': expected one of "
                    + AlertKind.texts(), "kind");
        }
        if (kind == null && service == null) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "a silence needs a kind, a service or both;"
                    + " name what to silence with --kind or --service", "service");
        }
        Duration duration = forText == null ? null : Durations.parseOrNull(forText);
        if (duration == null || duration.isZero() || duration.isNegative() || duration.compareTo(MAX_SILENCE) > 0) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid duration '" + forText + "': expected "
                    + Durations.EXPECTED + ", at most 30d", "for");
        }
        if (reason == null) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "a silence needs a reason, such as the maintenance"
                    + " window it covers", "reason");
        }
        Instant now = Instant.now();
        Silence silence = engine.get().silences().add(kind, service, now.plus(duration), reason, Principal.of(ctx).name(), now);
        ctx.status(HttpStatus.CREATED).json(silenceView(silence));
    }

    private void remove(Context ctx) throws IOException {
        requireActive();
        String id = ctx.pathParam("id");
        if (!engine.get().silences().remove(id, Instant.now())) {
            throw new ApiException(ErrorCode.NOT_FOUND, "silence " + id + " does not exist or has ended;"
                    + " list the silences with: baton silence list", "id");
        }
        ctx.json(Map.of("message", "silence " + id + " removed"));
    }

    private void requireActive() {
        if (!active.getAsBoolean()) {
            throw new ApiException(ErrorCode.PASSIVE, "node " + nodeId.get() + " is not the active node, and only"
                    + " the active node writes silences; run the command on the active node (baton cluster shows which one it is)");
        }
    }

    private static String text(Map<?, ?> body, String key) {
        Object v = body.get(key);
        return v == null || v.toString().isBlank() ? null : v.toString().trim();
    }

    private static Map<String, Object> silenceView(Silence s) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", s.id());
        view.put("kind", s.kind());
        view.put("service", s.service());
        view.put("until", s.until().toString());
        view.put("reason", s.reason());
        view.put("createdBy", s.createdBy());
        view.put("createdAt", s.createdAt().toString());
        return view;
    }

    private static Map<String, Object> noticeView(Notice n) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("status", n.status().text());
        view.put("kind", n.alert().kind().text());
        view.put("severity", n.alert().severity().text());
        view.put("service", n.alert().service());
        view.put("node", n.alert().node());
        view.put("run", n.alert().run() == 0 ? null : n.alert().run());
        view.put("message", n.alert().message());
        view.put("since", n.since().toString());
        view.put("repeats", n.repeats());
        view.put("silenced", n.silenced());
        view.put("at", n.at().toString());
        List<String> channels = new java.util.ArrayList<>(List.of("log"));
        if (!n.silenced() && n.route().webhook()) {
            channels.add("webhook");
        }
        if (!n.silenced() && !n.route().emailTo().isEmpty()) {
            channels.add("email");
        }
        view.put("channels", channels);
        return view;
    }
}
