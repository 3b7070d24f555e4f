package io.baton.server.api;

import io.baton.core.auth.Role;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The logins of the web console, kept in this node's memory. A browser logs in once with a password and then
 * sends the session's cookie, so that the password hash, which is slow by design, is not checked on every call.
 *
 * <p>A session ends after {@link #IDLE} without a call, {@link #LIFETIME} after its login, at logout, or when
 * the node restarts. It also carries a second secret, the CSRF token, that the console sends in a header with
 * every call that changes something: another site can make the browser send the cookie, but cannot read the
 * token. Sessions are not shared between nodes: after a failover the operator logs in on the new active node.
 */
final class ConsoleSessions {

    /** Name of the cookie that carries the session id. */
    static final String COOKIE = "baton_session";

    /** Request header that must carry the session's CSRF token on every call but GET and HEAD. */
    static final String CSRF_HEADER = "X-Baton-Csrf";

    static final Duration IDLE = Duration.ofMinutes(30);
    static final Duration LIFETIME = Duration.ofHours(12);

    /** Maximum number of sessions; past it the least recently used one ends, so a login loop cannot fill the memory. */
    static final int MAX_SESSIONS = 1_000;

    /**
     * One login.
     *
     * @param passwordHash the hash of the user's password at login; a session ends when the password changes
     */
    record Session(String id, String csrf, String user, Role role, String passwordHash, Instant createdAt) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Instant> lastSeen = new LinkedHashMap<>();

    synchronized Session create(String user, Role role, String passwordHash, Instant now) {
        prune(now);
        while (sessions.size() >= MAX_SESSIONS) {
            Iterator<String> eldest = sessions.keySet().iterator();
            lastSeen.remove(eldest.next());
            eldest.remove();
        }
        Session s = new Session(randomId(), randomId(), user, role, passwordHash, now);
        sessions.put(s.id(), s);
        lastSeen.put(s.id(), now);
        return s;
    }

    /** Returns the live session with this id and marks it used, or null when it is unknown, ended or expired. */
    synchronized Session find(String id, Instant now) {
        Session s = sessions.get(id);
        if (s == null) {
            return null;
        }
        if (expired(s, now)) {
            remove(id);
            return null;
        }
        lastSeen.put(id, now);
        return s;
    }

    synchronized void remove(String id) {
        sessions.remove(id);
        lastSeen.remove(id);
    }

    synchronized int size() {
        return sessions.size();
    }

    private boolean expired(Session s, Instant now) {
        Instant seen = lastSeen.getOrDefault(s.id(), s.createdAt());
        return !now.isBefore(seen.plus(IDLE)) || !now.isBefore(s.createdAt().plus(LIFETIME));
    }

    private void prune(Instant now) {
        sessions.values().removeIf(s -> {
            boolean expired = expired(s, now);
            if (expired) {
                lastSeen.remove(s.id());
            }
            return expired;
        });
    }

    private String randomId() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
