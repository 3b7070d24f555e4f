package io.baton.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void fifthFailureStartsRefusals() {
        LoginThrottle throttle = new LoginThrottle();
        for (int i = 0; i < LoginThrottle.MAX_FAILURES - 1; i++) {
            assertThat(throttle.recordFailure("10.0.0.1", "alice", T0.plusSeconds(i))).as("failure " + (i + 1) + " starts refusals").isFalse();
            assertThat(throttle.retryAfter("10.0.0.1", "alice", T0.plusSeconds(i))).as("wait after failure " + (i + 1)).isZero();
        }

        assertThat(throttle.recordFailure("10.0.0.1", "alice", T0.plusSeconds(4))).as("fifth failure starts refusals").isTrue();
        assertThat(throttle.retryAfter("10.0.0.1", "alice", T0.plusSeconds(4))).as("wait after the fifth failure")
                .isEqualTo(Duration.ofSeconds(56));
    }

    @Test
    void refusalsEndAfterWindow() {
        LoginThrottle throttle = new LoginThrottle();
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            throttle.recordFailure("10.0.0.1", "alice", T0);
        }

        assertThat(throttle.retryAfter("10.0.0.1", "alice", T0.plusSeconds(59))).as("wait one second before the end").isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.retryAfter("10.0.0.1", "alice", T0.plus(LoginThrottle.WINDOW))).as("wait at the end of the window").isZero();
    }

    @Test
    void userThrottledFromAnyAddress() {
        LoginThrottle throttle = new LoginThrottle();
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            throttle.recordFailure("10.0.0." + i, "alice", T0);
        }

        assertThat(throttle.retryAfter("10.0.0.99", "alice", T0)).as("alice from a new address").isPositive();
        assertThat(throttle.retryAfter("10.0.0.99", "bob", T0)).as("bob from a new address").isZero();
    }

    @Test
    void addressThrottledForAnyUser() {
        LoginThrottle throttle = new LoginThrottle();
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            throttle.recordFailure("10.0.0.1", "user" + i, T0);
        }

        assertThat(throttle.retryAfter("10.0.0.1", "someone-else", T0)).as("a new name from the same address").isPositive();
        assertThat(throttle.retryAfter("10.0.0.1", null, T0)).as("a bearer token from the same address").isPositive();
        assertThat(throttle.retryAfter("10.0.0.2", "someone-else", T0)).as("a new name from another address").isZero();
    }

    @Test
    void failuresSpreadOverWindowsNeverThrottle() {
        LoginThrottle throttle = new LoginThrottle();
        for (int i = 0; i < 20; i++) {
            // One failure every 15 s keeps at most four within any minute.
            Instant at = T0.plusSeconds(15L * i);
            throttle.recordFailure("10.0.0.1", "alice", at);
            assertThat(throttle.retryAfter("10.0.0.1", "alice", at)).as("wait after failure " + (i + 1)).isZero();
        }
    }

    @Test
    void keysBounded() {
        LoginThrottle throttle = new LoginThrottle();
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            throttle.recordFailure("10.0.0.1", "alice", T0);
        }
        for (int i = 0; i <= LoginThrottle.MAX_KEYS; i++) {
            throttle.recordFailure("192.168." + (i / 256) + "." + (i % 256), null, T0);
        }

        // The oldest address was dropped to bound the memory; the user name, in its own map, still counts.
        assertThat(throttle.retryAfter("10.0.0.1", null, T0)).as("dropped address").isZero();
        assertThat(throttle.retryAfter("10.0.0.2", "alice", T0)).as("alice").isPositive();
    }

    @Test
    void addressAndUserWaitsApart() {
        LoginThrottle throttle = new LoginThrottle();
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            throttle.recordFailure("10.0.0." + i, "alice", T0);
        }

        assertThat(throttle.userWait("alice", T0)).as("alice, failed from five addresses").isPositive();
        assertThat(throttle.addressWait("10.0.0.1", T0)).as("one of those addresses").isZero();
        assertThat(throttle.retryAfter("10.0.0.1", "alice", T0)).as("alice from one of those addresses").isPositive();
    }
}
