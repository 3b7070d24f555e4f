package io.baton.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.core.config.AlertsConfig;
import io.baton.testkit.WebhookReceiver;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookChannelTest {

    @TempDir
    Path dir;

    private AlertsConfig.Webhook config(String url, int retries) throws Exception {
        Path secret = dir.resolve("webhook.secret");
        Files.writeString(secret, "s3cret\n");
        return new AlertsConfig.Webhook(URI.create(url), Duration.ofSeconds(2), retries, Duration.ofMillis(20), "X-Baton-Secret", secret);
    }

    private static Notice notice() {
        Alert alert = Alert.ofService(AlertKind.FILE_QUARANTINED, "billing", "n1", 12, "in/a.csv was quarantined", Instant.now());
        return new Notice(Notice.Status.FIRING, alert, Instant.parse("2026-01-05T10:00:00Z"), 3, false, new Notice.Route(true, List.of()),
                Instant.parse("2026-01-05T10:05:00Z"));
    }

    @Test
    void retriesAfterServerError() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(1, "X-Baton-Secret")) {
            new WebhookChannel(config(receiver.url(), 2)).send(notice());

            assertThat(receiver.requests()).isEqualTo(2);
            assertThat(receiver.secrets()).containsOnly("s3cret");
            JsonNode json = new ObjectMapper().readTree(receiver.bodies().getFirst());
            assertThat(json.path("status").asText()).isEqualTo("firing");
            assertThat(json.path("kind").asText()).isEqualTo("file-quarantined");
            assertThat(json.path("severity").asText()).isEqualTo("warning");
            assertThat(json.path("service").asText()).isEqualTo("billing");
            assertThat(json.path("node").asText()).isEqualTo("n1");
            assertThat(json.path("run").asLong()).isEqualTo(12);
            assertThat(json.path("message").asText()).isEqualTo("in/a.csv was quarantined");
            assertThat(json.path("since").asText()).isEqualTo("2026-01-05T10:00:00Z");
            assertThat(json.path("repeats").asInt()).isEqualTo(3);
        }
    }

    @Test
    void failsAfterLastRetry() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(100, "X-Baton-Secret")) {
            AlertsConfig.Webhook config = config(receiver.url(), 1);

            assertThatThrownBy(() -> new WebhookChannel(config).send(notice()))
                    .isInstanceOf(AlertChannel.ChannelException.class)
                    .hasMessageContaining("failed 2 time(s)")
                    .hasMessageContaining("HTTP status 500")
                    .hasMessageNotContaining("s3cret");
            assertThat(receiver.requests()).isEqualTo(2);
        }
    }

    @Test
    void silentReceiverTimesOut() throws Exception {
        // Accepts connections into its backlog and never answers, like a hung receiver.
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/hook");
            AlertsConfig.Webhook hung = new AlertsConfig.Webhook(url, Duration.ofMillis(300), 0, Duration.ofMillis(10), null, null);
            long started = System.nanoTime();

            assertThatThrownBy(() -> new WebhookChannel(hung).send(notice())).isInstanceOf(AlertChannel.ChannelException.class)
                    .hasMessageContaining("timed out");

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        }
    }
}
