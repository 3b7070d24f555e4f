package io.baton.core.auth;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The public views of users and tokens, as the API returns them and the CLI prints them: names, roles
 * and times, never a password hash or a token hash.
 */
public final class AccountViews {

    private AccountViews() {
    }

    public static Map<String, Object> user(UserAccount user) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", user.name());
        m.put("role", user.role().text());
        m.put("createdAt", user.createdAt());
        return m;
    }

    public static Map<String, Object> token(ApiToken token, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", token.name());
        m.put("role", token.role().text());
        m.put("createdAt", token.createdAt());
        m.put("expiresAt", token.expiresAt());
        m.put("expired", token.isExpiredAt(now));
        return m;
    }
}
