package io.baton.server.api;

import io.javalin.config.JavalinConfig;
import io.javalin.event.HandlerMetaInfo;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The HTTP routes of the API as Javalin registered them, served by {@code GET /api/routes}, so that a
 * client or a test can enumerate every endpoint, including ones added later.
 */
final class RouteList {

    /** One route: the HTTP method and the path pattern, such as {@code /api/services/{name}}. */
    record Route(String method, String path) {
    }

    private final List<Route> routes = new CopyOnWriteArrayList<>();

    /** Collects every HTTP handler that Javalin adds; before and after handlers are not routes. */
    void listen(JavalinConfig cfg) {
        cfg.events.handlerAdded(this::add);
    }

    private void add(HandlerMetaInfo info) {
        if (info.getHttpMethod().isHttpMethod()) {
            routes.add(new Route(info.getHttpMethod().name(), info.getPath()));
        }
    }

    List<Route> routes() {
        return List.copyOf(routes);
    }
}
