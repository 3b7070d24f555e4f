package io.baton.server.api;

import io.baton.server.api.ApiServer.ApiException;
import io.javalin.http.Context;

/** Maps a JSON request body to a class for the routes that need an object, not the JSON literal {@code null}. */
final class JsonBody {

    private JsonBody() {
    }

    /**
     * Parses the body as {@code type}. Malformed JSON or a wrong shape propagates as Jackson's exception, which
     * {@link ApiServer} reports as 400. The body {@code null} is rejected here as 400 {@code invalid_request},
     * because Javalin's mapper fails on it with a NullPointerException, which would be reported as 500.
     */
    static <T> T parse(Context ctx, Class<T> type) {
        if (ctx.body().strip().equals("null")) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "the request body is the JSON literal null; send a JSON object as"
                    + " the request schema of " + ctx.method() + " " + ctx.endpointHandlerPath() + " in GET /api/openapi.yaml describes");
        }
        return ctx.bodyAsClass(type);
    }
}
