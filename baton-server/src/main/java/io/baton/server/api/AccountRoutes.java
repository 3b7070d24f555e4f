package io.baton.server.api;

import io.baton.core.auth.AccountException;
import io.baton.core.auth.AccountStore;
import io.baton.core.auth.AccountViews;
import io.baton.core.auth.Accounts;
import io.baton.core.auth.ApiToken;
import io.baton.core.auth.PasswordHash;
import io.baton.core.auth.Role;
import io.baton.core.config.Durations;
import io.baton.server.api.ApiServer.ApiException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API endpoints of users and API tokens. Responses never contain a password or a password hash; a token's
 * secret appears once, in the response that creates it, and only its SHA-256 is stored.
 * <ul>
 *   <li>{@code GET /api/users}, {@code POST /api/users} with {@code {"name", "role", "password"}},
 *       {@code PUT /api/users/{name}/password} with {@code {"password"}}, {@code DELETE /api/users/{name}};</li>
 *   <li>{@code GET /api/tokens}, {@code POST /api/tokens} with {@code {"name", "role", "expires"}} (a duration
 *       such as 30d, or null for no expiry), {@code DELETE /api/tokens/{name}}.</li>
 * </ul>
 */
final class AccountRoutes {

    private static final Logger log = LoggerFactory.getLogger(AccountRoutes.class);

    /** Body of a user creation. */
    record NewUser(String name, String role, String password) {
    }

    /** Body of a password change. */
    record NewPassword(String password) {
    }

    /** Body of a token creation. */
    record NewToken(String name, String role, String expires) {
    }

    private final String nodeId;
    private final AccountStore store;
    private final Clock clock;

    AccountRoutes(String nodeId, AccountStore store, Clock clock) {
        this.nodeId = nodeId;
        this.store = store;
        this.clock = clock;
    }

    void register(Javalin app) {
        app.get("/api/users", ctx -> ctx.json(store.read().users().stream().map(AccountViews::user).toList()));
        app.post("/api/users", this::addUser);
        app.put("/api/users/{name}/password", this::changePassword);
        app.delete("/api/users/{name}", this::removeUser);
        app.get("/api/tokens", ctx -> ctx.json(store.read().tokens().stream().map(t -> AccountViews.token(t, clock.instant())).toList()));
        app.post("/api/tokens", this::createToken);
        app.delete("/api/tokens/{name}", this::revokeToken);
    }

    private void addUser(Context ctx) throws IOException {
        NewUser req = body(ctx, NewUser.class, "{\"name\": NAME, \"role\": \"operator\" or \"viewer\", \"password\": PASSWORD}");
        CallAudit.target(ctx, req.name());
        Role role = Role.parse(req.role());
        PasswordHash hash = PasswordHash.create(password(req.password()));
        Accounts updated = store.update(a -> a.withUser(req.name(), role, hash, clock.instant()));
        log.info("Node {} added user {} with role {} (requested by {} from {})", nodeId, req.name(), role.text(),
                Principal.of(ctx).name(), CallerAddress.of(ctx));
        ctx.status(HttpStatus.CREATED).json(AccountViews.user(updated.user(req.name()).orElseThrow()));
    }

    private void changePassword(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        CallAudit.target(ctx, name);
        PasswordHash hash = PasswordHash.create(password(body(ctx, NewPassword.class, "{\"password\": PASSWORD}").password()));
        store.update(a -> a.withPassword(name, hash));
        log.info("Node {} changed the password of user {} (requested by {} from {})", nodeId, name, Principal.of(ctx).name(), CallerAddress.of(ctx));
        ctx.json(Map.of("message", "Password of user " + name + " changed"));
    }

    private void removeUser(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        CallAudit.target(ctx, name);
        store.update(a -> a.withoutUser(name));
        log.info("Node {} removed user {} (requested by {} from {})", nodeId, name, Principal.of(ctx).name(), CallerAddress.of(ctx));
        ctx.json(Map.of("message", "User " + name + " removed"));
    }

    private void createToken(Context ctx) throws IOException {
        NewToken req = body(ctx, NewToken.class, "{\"name\": NAME, \"role\": \"operator\" or \"viewer\", \"expires\": DURATION or null}");
        CallAudit.target(ctx, req.name());
        Role role = Role.parse(req.role());
        Instant now = clock.instant();
        ApiToken.Issued issued = ApiToken.issue(req.name(), role, lifetime(req.expires()), now);
        store.update(a -> a.withToken(issued.token()));
        log.info("Node {} created API token {} with role {}, expiring {} (requested by {} from {})", nodeId, req.name(), role.text(),
                issued.token().expiresAt() == null ? "never" : issued.token().expiresAt(), Principal.of(ctx).name(), CallerAddress.of(ctx));

        Map<String, Object> body = AccountViews.token(issued.token(), now);
        body.put("token", issued.secret());
        ctx.status(HttpStatus.CREATED).json(body);
    }

    private void revokeToken(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        CallAudit.target(ctx, name);
        store.update(a -> a.withoutToken(name));
        log.info("Node {} revoked API token {} (requested by {} from {})", nodeId, name, Principal.of(ctx).name(), CallerAddress.of(ctx));
        ctx.json(Map.of("message", "API token " + name + " revoked"));
    }

    /** Parses a JSON request body; a missing or malformed one is a 400 that shows the expected shape, never the body. */
    private <T> T body(Context ctx, Class<T> type, String expected) {
        try {
            T value = ctx.bodyAsClass(type);
            if (value != null) {
                return value;
            }
        } catch (Exception e) {
            // Javalin's JSON mapper throws Jackson's checked exceptions undeclared, so this catches Exception.
            // Only the exception's class: a parser message may quote the body, and so a password.
            log.debug("Node {} rejected the body of {} {} as {}: {}", nodeId, ctx.method(), ctx.path(), type.getSimpleName(),
                    e.getClass().getSimpleName());
        }
        throw new ApiException(ErrorCode.INVALID_REQUEST, "the request body is missing or not valid JSON; expected " + expected);
    }

    private static char[] password(String password) {
        if (password == null) {
            throw new AccountException(AccountException.Reason.INVALID, "password", "the request has no password");
        }
        return password.toCharArray();
    }

    /** Parses the lifetime of a new token, or returns null for none. */
    private static Duration lifetime(String expires) {
        if (expires == null || expires.isBlank()) {
            return null;
        }
        Duration lifetime = Durations.parseOrNull(expires);
        if (lifetime == null || lifetime.isZero()) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid expires '" + expires + "': expected "
                    + Durations.EXPECTED + ", or none for a token that does not expire", "expires");
        }
        return lifetime;
    }

    /** Maps a rejected change to the API's error body: 400, 404 or 409 with the field at fault. */
    static void handle(AccountException e, Context ctx) {
        ErrorCode code = switch (e.reason()) {
            case INVALID -> ErrorCode.INVALID_PARAMETER;
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case CONFLICT -> ErrorCode.CONFLICT;
        };
        ApiServer.error(ctx, code, e.getMessage(), e.field());
    }
}
