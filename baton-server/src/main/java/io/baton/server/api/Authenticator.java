package io.baton.server.api;

import io.baton.core.auth.AccountStore;
import io.baton.core.auth.Accounts;
import io.baton.core.auth.ApiToken;
import io.baton.core.auth.PasswordHash;
import io.baton.core.auth.Role;
import io.baton.core.auth.UserAccount;
import io.baton.server.api.ApiServer.ApiException;
import io.baton.server.cluster.ClusterSecret;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every {@code /api} request and checks its role, before the route's handler runs.
 *
 * <p>A request logs in with a bearer token (the node's own token from {@code run/api.token}, or an API
 * token from the users file) or with HTTP Basic and a user's password. The result is a {@link Principal}
 * in the request attribute {@value Principal#ATTRIBUTE}. A viewer may only call GET and HEAD. Failed
 * logins are counted by {@link LoginThrottle}; a throttled caller gets 429 with {@code Retry-After}
 * before its password is checked. Logs name the address and the user, never a password or a token.
 *
 * <p>A call that a passive node forwarded ({@link ForwardedCall}) must carry a valid signature. It then
 * logs in with the caller's own credentials, or, when the caller used the forwarding node's own token,
 * as {@code api-token of NODE}. Its address is the caller's, followed by {@code via NODE}.
 */
final class Authenticator {

    private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

    private static final String LOGIN_HINT = "send a bearer token (the baton command reads run/api.token of its node; scripts use"
            + " a token from: baton token create) or HTTP Basic with a user name and password (add users with: baton user add)";

    private final String nodeId;
    private final byte[] nodeToken;
    private final AccountStore store;
    private final ClusterSecret clusterSecret;
    private final LoginThrottle throttle = new LoginThrottle();
    private final Clock clock;
    private final PasswordHash decoy = PasswordHash.decoy();
    private final ConsoleSessions sessions = new ConsoleSessions();

    /** @param clusterSecret the key that forwarded calls are signed with, or null to reject every forwarded call */
    Authenticator(String nodeId, byte[] nodeToken, AccountStore store, ClusterSecret clusterSecret, Clock clock) {
        this.nodeId = nodeId;
        this.nodeToken = nodeToken.clone();
        this.store = store;
        this.clusterSecret = clusterSecret;
        this.clock = clock;
    }

    /** Sets the principal of an {@code /api} request, or throws a 401, 403 or 429 {@link ApiException}; runs as the before-handler. */
    void handle(Context ctx) {
        if (SessionRoutes.isLogin(ctx)) {
            // The login of the console checks the password itself, from the request body.
            return;
        }
        ForwardedCall forwarded = forwardedCall(ctx);
        Principal principal = forwarded != null && forwarded.nodeToken() ? Principal.nodeTokenOf(forwarded.forwardedBy()) : login(ctx);
        ctx.attribute(Principal.ATTRIBUTE, principal);

        if (principal.role() == Role.VIEWER && !isReadOnly(ctx.method()) && !SessionRoutes.isLogout(ctx)) {
            log.warn("Node {} rejected {} {} from {}: {} {} has the viewer role", nodeId, ctx.method(), ctx.path(), CallerAddress.of(ctx),
                    principal.kind().name().toLowerCase(), principal.name());
            throw new ApiException(ErrorCode.FORBIDDEN, principal.kind().name().toLowerCase() + " " + principal.name()
                    + " has the viewer role, which may only read (GET); ask an operator, or log in as a user or token with the operator role");
        }
    }

    /** Checks the headers of a call forwarded by a passive node and takes its caller's address; returns null for a direct call. */
    private ForwardedCall forwardedCall(Context ctx) {
        if (ctx.header(ForwardedCall.BY) == null) {
            return null;
        }
        if (clusterSecret == null) {
            throw new ApiException(ErrorCode.UNAUTHORIZED, "node " + nodeId + " cannot check calls forwarded by node "
                    + ctx.header(ForwardedCall.BY) + " because it could not read state/" + ClusterSecret.FILE_NAME + "; see its log");
        }
        ForwardedCall call;
        try {
            call = ForwardedCall.verify(clusterSecret, ctx.method().name(), pathAndQuery(ctx), ctx::header, clock.instant());
        } catch (IllegalArgumentException e) {
            log.warn("Node {} rejected {} {} from {}: {}", nodeId, ctx.method(), ctx.path(), ctx.ip(), e.getMessage());
            throw new ApiException(ErrorCode.UNAUTHORIZED, e.getMessage());
        }
        CallerAddress.forwarded(ctx, call);
        return call;
    }

    /** Returns the path and query of a request as the client sent them, which is what a forwarded call's signature covers. */
    static String pathAndQuery(Context ctx) {
        String query = ctx.queryString();
        return query == null || query.isEmpty() ? ctx.path() : ctx.path() + "?" + query;
    }

    private static boolean isReadOnly(HandlerType method) {
        return method == HandlerType.GET || method == HandlerType.HEAD;
    }

    private Principal login(Context ctx) {
        String header = ctx.header("Authorization");
        if ((header == null || header.isBlank()) && ctx.cookie(ConsoleSessions.COOKIE) != null) {
            return session(ctx, ctx.cookie(ConsoleSessions.COOKIE));
        }
        if (header == null || header.isBlank()) {
            throw unauthorized(ctx, "a login is required: " + LOGIN_HINT);
        }
        if (startsWithIgnoreCase(header, "Bearer ")) {
            return bearer(ctx, header.substring(7).trim());
        }
        if (startsWithIgnoreCase(header, "Basic ")) {
            return basic(ctx, header.substring(6).trim());
        }
        throw unauthorized(ctx, "unsupported Authorization scheme: " + LOGIN_HINT);
    }

    private Principal bearer(Context ctx, String secret) {
        if (MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8), nodeToken)) {
            return Principal.NODE;
        }
        Instant now = clock.instant();

        // A valid token is accepted even from a throttled address: a token cannot be guessed, and on one host
        // every client shares 127.0.0.1, so one user's wrong passwords must not lock out every script.
        Optional<ApiToken> found = accounts().tokenWithHash(ApiToken.hashOf(secret));
        if (found.isEmpty()) {
            rejectWhileThrottled(ctx, null, now);
            fail(ctx, null, now, "an unknown or revoked bearer token");
            throw unauthorized(ctx, "the bearer token is not valid: it is unknown or was revoked; " + LOGIN_HINT);
        }
        ApiToken token = found.get();
        if (token.isExpiredAt(now)) {
            fail(ctx, null, now, "API token " + token.name() + ", which expired at " + token.expiresAt());
            throw unauthorized(ctx, "API token " + token.name() + " expired at " + token.expiresAt()
                    + "; create a new one with: baton token create");
        }
        return new Principal(token.name(), token.role(), Principal.Kind.TOKEN);
    }

    private Principal basic(Context ctx, String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unauthorized(ctx, "the HTTP Basic credentials are not valid Base64 of NAME:PASSWORD");
        }
        int colon = decoded.indexOf(':');
        if (colon < 1) {
            throw unauthorized(ctx, "the HTTP Basic credentials have no user name; send NAME:PASSWORD");
        }
        return passwordLogin(ctx, decoded.substring(0, colon), decoded.substring(colon + 1).toCharArray());
    }

    /** Checks a user's password, counting failures against the address and the user; throws a 401 or 429 {@link ApiException}. */
    Principal passwordLogin(Context ctx, String user, char[] password) {
        Instant now = clock.instant();
        rejectWhileThrottled(ctx, user, now);

        Optional<UserAccount> account = accounts().user(user);
        boolean matches;
        if (account.isPresent()) {
            matches = account.get().password().matches(password);
        } else {
            // Spend the time of a check for an unknown name too, so that the response time does not reveal which names exist.
            decoy.matches(password);
            matches = false;
        }
        if (!matches) {
            fail(ctx, user, now, account.isPresent() ? "a wrong password" : "an unknown user name");
            // The console's login form needs no word on tokens and HTTP Basic, which only scripts use.
            throw unauthorized(ctx, "the user name or password is wrong; " + (SessionRoutes.isLogin(ctx)
                    ? "check both, or ask an operator to set a new password with: baton user passwd " + user : LOGIN_HINT));
        }
        return new Principal(user, account.get().role(), Principal.Kind.USER);
    }

    /** Starts a console session for a user who just logged in with a password. */
    ConsoleSessions.Session startSession(Principal user) {
        UserAccount account = accounts().user(user.name()).orElseThrow(() -> new ApiException(ErrorCode.UNAUTHORIZED,
                "user " + user.name() + " was removed during the login; ask an operator"));
        return sessions.create(user.name(), account.role(), account.password().hash(), clock.instant());
    }

    /** Returns the live console session with this id, or null. */
    ConsoleSessions.Session findSession(String id) {
        return id == null ? null : sessions.find(id, clock.instant());
    }

    void endSession(String id) {
        sessions.remove(id);
    }

    /**
     * Logs in with a console session. The user's account is read again on every call, so a removed user, a
     * changed password or a changed role takes effect at once. A call that changes something must carry the
     * session's CSRF token.
     */
    private Principal session(Context ctx, String id) {
        ConsoleSessions.Session session = sessions.find(id, clock.instant());
        if (session == null) {
            throw unauthorized(ctx, "the console session has ended (logged out, idle for " + ConsoleSessions.IDLE.toMinutes()
                    + " minutes, or the node restarted); log in again");
        }
        Optional<UserAccount> account = accounts().user(session.user());
        if (account.isEmpty() || !account.get().password().hash().equals(session.passwordHash())) {
            sessions.remove(id);
            throw unauthorized(ctx, "the console session of user " + session.user() + " has ended because the user was removed or"
                    + " its password changed; log in again");
        }
        if (!isReadOnly(ctx.method())) {
            String csrf = ctx.header(ConsoleSessions.CSRF_HEADER);
            if (csrf == null || !MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8), session.csrf().getBytes(StandardCharsets.UTF_8))) {
                log.warn("Node {} rejected {} {} from {} as user {}: the console session's CSRF token is missing or wrong", nodeId,
                        ctx.method(), ctx.path(), CallerAddress.of(ctx), session.user());
                throw new ApiException(ErrorCode.FORBIDDEN, "a call with the console's session cookie must carry its CSRF token in the "
                        + ConsoleSessions.CSRF_HEADER + " header; reload the console, or use a bearer token or HTTP Basic from scripts");
            }
        }
        ctx.attribute(SessionRoutes.SESSION_ATTRIBUTE, session);
        return new Principal(session.user(), account.get().role(), Principal.Kind.USER);
    }

    private Accounts accounts() {
        try {
            return store.read();
        } catch (IOException e) {
            log.error("Node {} cannot read the users file {}: {}", nodeId, store.file(), e.getMessage());
            throw new ApiException(ErrorCode.USERS_UNAVAILABLE, "the node cannot read its users file: "
                    + e.getMessage() + "; the node's own token in run/api.token still works");
        }
    }

    private void rejectWhileThrottled(Context ctx, String user, Instant now) {
        Duration wait = throttle.retryAfter(CallerAddress.of(ctx), user, now);
        if (wait.isZero() || wait.isNegative()) {
            return;
        }
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        log.debug("Node {} rejected a login from {}{} for {} s more after repeated failures", nodeId, CallerAddress.of(ctx),
                user == null ? "" : " as user " + user, seconds);
        ctx.header("Retry-After", Long.toString(seconds));
        throw new ApiException(ErrorCode.TOO_MANY_LOGINS, "too many failed logins " + throttledSubject(CallerAddress.of(ctx), user, now)
                + " within " + LoginThrottle.WINDOW.toSeconds() + " s; wait " + seconds + " s (Retry-After) and check the credentials");
    }

    /** Names what the throttle rejects: the caller's address, the user name from any address, or both. */
    private String throttledSubject(String address, String user, Instant now) {
        boolean byAddress = throttle.addressWait(address, now).isPositive();
        boolean byUser = user != null && throttle.userWait(user, now).isPositive();
        if (byAddress && byUser) {
            return "from address " + address + " and as user " + user;
        }
        if (byAddress) {
            return "from address " + address + (user == null ? "" : ", whatever the user name");
        }
        return "as user " + user + " from any address";
    }

    private void fail(Context ctx, String user, Instant now, String what) {
        boolean throttled = throttle.recordFailure(CallerAddress.of(ctx), user, now);
        log.warn("Node {} rejected a login from {}{} with {}: {} {}", nodeId, CallerAddress.of(ctx), user == null ? "" : " as user " + user,
                what, ctx.method(), ctx.path());
        if (throttled) {
            log.warn("Node {} rejects further logins from {}{} for up to {} s: {} failures within {} s", nodeId, CallerAddress.of(ctx),
                    user == null ? "" : " or as user " + user, LoginThrottle.WINDOW.toSeconds(), LoginThrottle.MAX_FAILURES,
                    LoginThrottle.WINDOW.toSeconds());
        }
    }

    private static ApiException unauthorized(Context ctx, String message) {
        // The console shows its own login form, so a Basic challenge would open the browser's password dialog as well.
        if (ctx.header(SessionRoutes.CONSOLE_HEADER) == null) {
            ctx.header("WWW-Authenticate", "Basic realm=\"baton\", charset=\"UTF-8\"");
        }
        return new ApiException(ErrorCode.UNAUTHORIZED, message);
    }

    private static boolean startsWithIgnoreCase(String text, String prefix) {
        return text.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}
