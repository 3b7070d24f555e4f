package io.baton.server.api;

import io.javalin.http.Context;

/**
 * The address of an API caller as logs and the audit trail show it: the remote address of the
 * connection, or for a call that a passive node forwarded, the caller's own address and that node.
 */
final class CallerAddress {

    private static final String ATTRIBUTE = "baton.callerAddress";

    private CallerAddress() {
    }

    static String of(Context ctx) {
        String forwarded = ctx.attribute(ATTRIBUTE);
        return forwarded == null ? ctx.ip() : forwarded;
    }

    static void forwarded(Context ctx, ForwardedCall call) {
        ctx.attribute(ATTRIBUTE, call.auditAddress());
    }
}
