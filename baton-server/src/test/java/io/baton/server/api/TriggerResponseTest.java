package io.baton.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.server.service.ServiceRuntime.TriggerResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TriggerResponseTest {

    @Test
    void knownRunIdNamed() {
        Map<String, Object> body = TriggerResponse.of("orders", 42);

        assertThat(body).containsEntry("runId", 42L);
        assertThat(body.get("message")).isEqualTo("run 42 of service orders started; see baton run 42");
    }

    @Test
    void unknownRunIdPointsToRuns() {
        Map<String, Object> body = TriggerResponse.of("orders", 0);

        assertThat(body).containsEntry("runId", null);
        assertThat((String) body.get("message")).contains("not recorded yet").endsWith("see baton runs orders");
    }

    @Test
    void runIdWaitEndsWithZero() {
        TriggerResult pending = new TriggerResult(true, "run started", new CompletableFuture<>());

        assertThat(pending.awaitRunId(Duration.ofMillis(50))).isZero();
    }

    @Test
    void recordedRunIdReturned() {
        TriggerResult recorded = new TriggerResult(true, "run started", CompletableFuture.completedFuture(7L));

        assertThat(recorded.awaitRunId(Duration.ofSeconds(5))).isEqualTo(7);
    }
}
