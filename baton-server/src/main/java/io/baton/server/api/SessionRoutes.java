package io.baton.server.api;

import io.baton.server.api.ApiServer.ApiException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's login: {@code POST /api/session} checks a user's password and sets the session cookie
 * ({@link ConsoleSessions}), {@code GET /api/session} says who is logged in, and {@code DELETE /api/session}
 * logs out. The cookie is HttpOnly, SameSite=Strict, and Secure when the API serves HTTPS.
 */
final class SessionRoutes {

    private static final Logger log = LoggerFactory.getLogger(SessionRoutes.class);

    static final String PATH = "/api/session";

    /** Request header the console sends with every call, so that a 401 carries no Basic challenge. */
    static final String CONSOLE_HEADER = "X-Baton-Console";

    /** Context attribute with the console session a call logged in with. */
    static final String SESSION_ATTRIBUTE = "baton.session";

    /** The body of a login. */
    record LoginRequest(String user, String password) {
    }

    private final Authenticator authenticator;
    private final String nodeId;
    private final Supplier<String> nodeRole;

    SessionRoutes(Authenticator authenticator, String nodeId, Supplier<String> nodeRole) {
        this.authenticator = authenticator;
        this.nodeId = nodeId;
        this.nodeRole = nodeRole;
    }

    static boolean isLogin(Context ctx) {
        return ctx.method() == HandlerType.POST && PATH.equals(ctx.path());
    }

    /** Returns whether the call is a logout, which changes only the caller's own session, so that a viewer may log out too. */
    static boolean isLogout(Context ctx) {
        return ctx.method() == HandlerType.DELETE && PATH.equals(ctx.path());
    }

    void register(Javalin app) {
        app.post(PATH, this::login);
        app.get(PATH, ctx -> ctx.json(view(Principal.of(ctx), ctx.attribute(SESSION_ATTRIBUTE))));
        app.delete(PATH, ctx -> {
            ConsoleSessions.Session session = ctx.attribute(SESSION_ATTRIBUTE);
            if (session != null) {
                authenticator.endSession(session.id());
                log.info("Node {} ended the console session of user {} from {} at logout", nodeId, session.user(), CallerAddress.of(ctx));
            }
            ctx.header("Set-Cookie", cookie(ctx, "", 0));
            ctx.json(Map.of("message", "Logged out"));
        });
    }

    private void login(Context ctx) {
        LoginRequest req = JsonBody.parse(ctx, LoginRequest.class);
        if (req == null || req.user() == null || req.user().isBlank() || req.password() == null) {
            String missing = req == null || req.user() == null || req.user().isBlank() ? "user" : "password";
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "a login needs a JSON body with user and password, such as"
                    + " {\"user\": \"alice\", \"password\": \"...\"}; " + missing + " is missing", missing);
        }
        Principal principal = authenticator.passwordLogin(ctx, req.user(), req.password().toCharArray());
        ctx.attribute(Principal.ATTRIBUTE, principal);

        ConsoleSessions.Session session = authenticator.startSession(principal);
        ctx.header("Set-Cookie", cookie(ctx, session.id(), ConsoleSessions.LIFETIME.toSeconds()));
        log.info("Node {} started a console session for user {} ({}) from {}", nodeId, principal.name(),
                principal.role().name().toLowerCase(), CallerAddress.of(ctx));
        ctx.json(view(principal, session));
    }

    private Map<String, Object> view(Principal principal, ConsoleSessions.Session session) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", principal.name());
        m.put("role", principal.role().name().toLowerCase());
        m.put("kind", principal.kind().name().toLowerCase());
        m.put("csrf", session == null ? null : session.csrf());
        m.put("nodeId", nodeId);
        m.put("nodeRole", nodeRole.get());
        return m;
    }

    private static String cookie(Context ctx, String value, long maxAgeSeconds) {
        return ConsoleSessions.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + (ctx.req().isSecure() ? "; Secure" : "");
    }
}
