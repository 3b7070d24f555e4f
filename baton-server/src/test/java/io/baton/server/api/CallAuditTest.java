package io.baton.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.journal.OperatorActions.Outcome;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How the audit after-handler names a call, decides its outcome and bounds the rows of calls without a valid token. */
class CallAuditTest {

    @Test
    void managementCallsNamedByRoute() {
        assertThat(ManagementCall.of("POST", "/api/services")).isEqualTo(new ManagementCall("deploy", null, null, true));
        assertThat(ManagementCall.of("DELETE", "/api/services/orders")).isEqualTo(new ManagementCall("undeploy", "orders", null, true));
        for (String action : new String[] {"start", "stop", "kill", "pause", "resume", "trigger", "rollback"}) {
            assertThat(ManagementCall.of("POST", "/api/services/orders/" + action)).as(action)
                    .isEqualTo(new ManagementCall(action, "orders", null, true));
        }
        assertThat(ManagementCall.of("POST", "/api/switchover")).isEqualTo(new ManagementCall("switch-over", null, null, true));
        assertThat(ManagementCall.of("POST", "/api/takeover")).isEqualTo(new ManagementCall("takeover", null, null, true));
        assertThat(ManagementCall.of("POST", "/api/node/stop")).isEqualTo(new ManagementCall("node-stop", null, null, true));
        assertThat(ManagementCall.of("POST", "/api/items/12/retry")).isEqualTo(new ManagementCall("retry", null, 12L, true));
        assertThat(ManagementCall.of("POST", "/api/items/x/retry")).as("invalid item id")
                .isEqualTo(new ManagementCall("retry", null, null, true));
        assertThat(ManagementCall.of("POST", "/api/items/release")).isEqualTo(new ManagementCall("release", null, null, true));
        assertThat(ManagementCall.of("POST", "/api/users")).isEqualTo(new ManagementCall("user-add", null, null, true));
        assertThat(ManagementCall.of("PUT", "/api/users/carol/password")).isEqualTo(new ManagementCall("user-password", null, null, true));
        assertThat(ManagementCall.of("DELETE", "/api/users/carol")).isEqualTo(new ManagementCall("user-remove", null, null, true));
        assertThat(ManagementCall.of("POST", "/api/tokens")).isEqualTo(new ManagementCall("token-create", null, null, true));
        assertThat(ManagementCall.of("DELETE", "/api/tokens/nightly")).isEqualTo(new ManagementCall("token-revoke", null, null, true));
        assertThat(ManagementCall.of("GET", "/api/users")).as("a read of the users")
                .isEqualTo(new ManagementCall("GET /api/users", null, null, false));
    }

    @Test
    void settingsCallsNamedByRoute() {
        assertThat(ManagementCall.of("PUT", "/api/services/orders/settings/region"))
                .isEqualTo(new ManagementCall("set-setting", "orders", null, true));
        assertThat(ManagementCall.of("DELETE", "/api/services/orders/settings/region"))
                .isEqualTo(new ManagementCall("unset-setting", "orders", null, true));
        assertThat(ManagementCall.of("PUT", "/api/services/orders/flags")).isEqualTo(new ManagementCall("set-flags", "orders", null, true));
        assertThat(ManagementCall.of("PUT", "/api/variables/HOST")).isEqualTo(new ManagementCall("set-variable", null, null, true));
        assertThat(ManagementCall.of("DELETE", "/api/variables/HOST")).isEqualTo(new ManagementCall("unset-variable", null, null, true));
        assertThat(ManagementCall.of("GET", "/api/variables/HOST").management()).as("a read").isFalse();
    }

    @Test
    void unknownCallsKeepMethodAndPath() {
        assertThat(ManagementCall.of("PUT", "/api/settings/x")).as("a write added later")
                .isEqualTo(new ManagementCall("PUT /api/settings/x", null, null, true));
        assertThat(ManagementCall.of("GET", "/api/services/orders")).as("a read")
                .isEqualTo(new ManagementCall("GET /api/services/orders", null, null, false));
    }

    @Test
    void outcomeFollowsStatusAndErrorCode() {
        assertThat(CallAudit.outcome(200, null)).isEqualTo(Outcome.DONE);
        assertThat(CallAudit.outcome(201, null)).isEqualTo(Outcome.DONE);
        assertThat(CallAudit.outcome(400, new ApiError("invalid_parameter", "m", "timeout"))).isEqualTo(Outcome.REFUSED);
        assertThat(CallAudit.outcome(401, new ApiError("unauthorized", "m", null))).isEqualTo(Outcome.REFUSED);
        assertThat(CallAudit.outcome(404, new ApiError("not_found", "m", null))).isEqualTo(Outcome.REFUSED);
        assertThat(CallAudit.outcome(409, new ApiError("conflict", "m", null))).isEqualTo(Outcome.REFUSED);
        assertThat(CallAudit.outcome(409, new ApiError("switchover_failed", "m", null))).isEqualTo(Outcome.FAILED);
        assertThat(CallAudit.outcome(409, new ApiError("start_failed", "m", null))).isEqualTo(Outcome.FAILED);
        assertThat(CallAudit.outcome(500, new ApiError("internal", "m", null))).isEqualTo(Outcome.FAILED);
    }

    @Test
    void anonymousRowsBoundedPerWindow() {
        AtomicLong now = new AtomicLong(1_000);
        AnonymousCallLimit limit = new AnonymousCallLimit(3, Duration.ofSeconds(60), now::get);

        for (int i = 0; i < 3; i++) {
            AnonymousCallLimit.Decision d = limit.next();
            assertThat(d.record()).as("call %d within the bound", i).isTrue();
            assertThat(d.leftOutBefore()).isZero();
        }
        for (int i = 0; i < 5; i++) {
            assertThat(limit.next().record()).as("call %d over the bound", i).isFalse();
        }
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(limit.next().record()).as("call before the window ends").isFalse();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        AnonymousCallLimit.Decision next = limit.next();

        assertThat(next.record()).as("first call of the next window").isTrue();
        assertThat(next.leftOutBefore()).as("calls left out").isEqualTo(6);
        assertThat(limit.next().leftOutBefore()).as("count reported once").isZero();
    }

    @Test
    void anonymousBurstAcrossMinuteBounded() {
        AtomicLong now = new AtomicLong(1_000);
        AnonymousCallLimit limit = new AnonymousCallLimit(3, Duration.ofSeconds(60), now::get);

        // The burst starts 50 s after the limit was created and lasts 20 s, across the 60 s mark.
        now.addAndGet(Duration.ofSeconds(50).toNanos());
        for (int i = 0; i < 3; i++) {
            assertThat(limit.next().record()).as("call %d of the burst within the bound", i).isTrue();
        }
        for (int second = 51; second <= 70; second++) {
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            assertThat(limit.next().record()).as("call at %d s, within 60 s of 3 recorded rows", second).isFalse();
        }

        now.addAndGet(Duration.ofSeconds(40).toNanos());
        AnonymousCallLimit.Decision next = limit.next();
        assertThat(next.record()).as("call 60 s after the first rows of the burst").isTrue();
        assertThat(next.leftOutBefore()).as("calls left out").isEqualTo(20);
    }

    @Test
    void anonymousRowsFreedOneByOne() {
        long t0 = 1_000;
        AtomicLong now = new AtomicLong(t0);
        AnonymousCallLimit limit = new AnonymousCallLimit(3, Duration.ofSeconds(60), now::get);

        // Rows at 0 s, 30 s and 50 s fill the bound, and each frees its place 60 s after it was recorded.
        for (int second : new int[] {0, 30, 50}) {
            now.set(t0 + Duration.ofSeconds(second).toNanos());
            assertThat(limit.next().record()).as("row at %d s", second).isTrue();
        }
        now.set(t0 + Duration.ofSeconds(60).toNanos());
        assertThat(limit.next().record()).as("first call at 60 s").isTrue();
        assertThat(limit.next().record()).as("second call at 60 s").isFalse();
        now.set(t0 + Duration.ofSeconds(89).toNanos());
        assertThat(limit.next().record()).as("call at 89 s").isFalse();
        now.set(t0 + Duration.ofSeconds(90).toNanos());
        assertThat(limit.next().record()).as("call at 90 s").isTrue();
    }
}
