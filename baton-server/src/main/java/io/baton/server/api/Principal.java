package io.baton.server.api;

import io.baton.core.auth.Role;
import io.baton.core.journal.OperatorActions.Actor;
import io.javalin.http.Context;

/**
 * The authenticated caller of an API request, set by {@link Authenticator} as the request attribute
 * {@value #ATTRIBUTE} before any {@code /api} handler runs.
 *
 * @param name the user name, the API token's name, {@value #NODE_TOKEN} for the node's own token, or
 *     {@code api-token of NODE} for the own token of the passive node NODE that forwarded the call
 */
public record Principal(String name, Role role, Kind kind) {

    /** Context attribute that contains the principal of an {@code /api} request. */
    public static final String ATTRIBUTE = "baton.principal";

    /** Name of the holder of the node's own token in {@code run/api.token}, as audit records show it. */
    public static final String NODE_TOKEN = "api-token";

    /** Login method of the caller. */
    public enum Kind {
        /** HTTP Basic with a user's password. */
        USER,
        /** A bearer token: an API token, or the node's own token. */
        TOKEN
    }

    static final Principal NODE = new Principal(NODE_TOKEN, Role.OPERATOR, Kind.TOKEN);

    /** Returns the caller that logged in on node {@code nodeId} with its own token and whose call that node forwarded. */
    static Principal nodeTokenOf(String nodeId) {
        return new Principal(NODE_TOKEN + " of " + nodeId, Role.OPERATOR, Kind.TOKEN);
    }

    /** Returns the principal of an {@code /api} request; throws when no authenticator ran, which is a routing bug. */
    public static Principal of(Context ctx) {
        Principal p = ctx.attribute(ATTRIBUTE);
        if (p == null) {
            throw new IllegalStateException("no authenticated principal on " + ctx.method() + " " + ctx.path()
                    + "; the route is outside /api, where the authenticator runs");
        }
        return p;
    }

    /** Returns the caller as the operator-actions journal records it: the principal's name and the remote address. */
    public static Actor actor(Context ctx) {
        return new Actor(of(ctx).name(), CallerAddress.of(ctx));
    }
}
