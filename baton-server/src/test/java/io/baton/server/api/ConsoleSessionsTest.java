package io.baton.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.auth.Role;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When console sessions end: idle, at the end of their lifetime, and when too many are open. */
class ConsoleSessionsTest {

    private static final Instant T0 = Instant.parse("2026-12-05T08:00:00Z");

    private final ConsoleSessions sessions = new ConsoleSessions();

    @Test
    void idleSessionEndsAndUseKeepsItAlive() {
        ConsoleSessions.Session used = sessions.create("alice", Role.OPERATOR, "h", T0);
        ConsoleSessions.Session idle = sessions.create("bob", Role.VIEWER, "h", T0);

        Instant almost = T0.plus(ConsoleSessions.IDLE).minusSeconds(1);
        assertThat(sessions.find(used.id(), almost)).isNotNull();

        Instant later = T0.plus(ConsoleSessions.IDLE).plusSeconds(1);
        assertThat(sessions.find(used.id(), later)).as("used a second before the idle limit").isNotNull();
        assertThat(sessions.find(idle.id(), later)).as("idle for the whole limit").isNull();
    }

    @Test
    void sessionEndsAfterItsLifetimeEvenWhenUsed() {
        ConsoleSessions.Session s = sessions.create("alice", Role.OPERATOR, "h", T0);
        Instant t = T0;
        while (t.isBefore(T0.plus(ConsoleSessions.LIFETIME).minus(Duration.ofMinutes(10)))) {
            t = t.plus(Duration.ofMinutes(10));
            assertThat(sessions.find(s.id(), t)).as("at %s", t).isNotNull();
        }

        assertThat(sessions.find(s.id(), T0.plus(ConsoleSessions.LIFETIME))).isNull();
    }

    @Test
    void oldestSessionEndsWhenTheLimitIsReached() {
        ConsoleSessions.Session first = sessions.create("u0", Role.VIEWER, "h", T0);
        for (int i = 1; i < ConsoleSessions.MAX_SESSIONS; i++) {
            sessions.create("u" + i, Role.VIEWER, "h", T0);
        }
        ConsoleSessions.Session extra = sessions.create("extra", Role.VIEWER, "h", T0);

        assertThat(sessions.size()).isEqualTo(ConsoleSessions.MAX_SESSIONS);
        assertThat(sessions.find(first.id(), T0)).isNull();
        assertThat(sessions.find(extra.id(), T0)).isNotNull();
        assertThat(extra.id()).isNotEqualTo(extra.csrf()).hasSizeGreaterThanOrEqualTo(43);
    }
}
