package io.baton.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertsConfigTest {

    @TempDir
    Path data;

    private AlertsConfig parse(String alertsYaml) throws IOException {
        Path file = data.resolve("cluster.yaml");
        Files.writeString(file, "alerts:\n" + alertsYaml.indent(2));
        return ClusterConfig.parse(file, Files.readString(file)).alerts();
    }

    private ConfigException rejected(String alertsYaml) {
        return assertThrows(ConfigException.class, () -> parse(alertsYaml));
    }

    @Test
    void absentSectionLogsOnly() throws IOException {
        Path file = data.resolve("cluster.yaml");
        AlertsConfig c = ClusterConfig.parse(file, "name: prod\n").alerts();

        assertThat(c.webhook()).isNull();
        assertThat(c.email()).isNull();
        assertThat(c.repeatInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(c.diskMinFreePercent()).isEqualTo(10);
    }

    @Test
    void fullSectionParses() throws IOException {
        AlertsConfig c = parse("""
                repeatInterval: 15m
                diskSpace: { minFreePercent: 5, every: 30s }
                webhook: { url: "https://alerts.example.com/baton", retries: 2, secretHeader: X-Secret, secretFile: /etc/baton/hook }
                email: { host: smtp.example.com, tls: implicit, user: baton, passwordFile: /etc/baton/smtp, from: baton@example.com, to: ops@example.com }
                routes:
                  - { service: "billing-*", channels: [email], email: [owner@example.com] }
                """);

        assertThat(c.repeatInterval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.diskCheckEvery()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.webhook().retries()).isEqualTo(2);
        assertThat(c.email().port()).as("implicit TLS defaults to port 465").isEqualTo(465);
        assertThat(c.email().to()).containsExactly("ops@example.com");
        assertThat(c.email().retries()).as("e-mail retries by default").isEqualTo(3);
        assertThat(c.email().backoff()).as("e-mail backoff by default").isEqualTo(java.time.Duration.ofSeconds(1));
        assertThat(c.routes()).singleElement().extracting(AlertRoute::email).isEqualTo(List.of("owner@example.com"));
    }

    @Test
    void fileOfItsOwnParses() {
        Path file = data.resolve("monitor-alerts.yaml");
        String section = "repeatInterval: 10m\nwebhook: { url: \"https://alerts.example.com/baton\" }\n";

        AlertsConfig own = AlertsConfig.parse(file, section);
        AlertsConfig fromClusterYaml = AlertsConfig.parse(file, "name: prod\nlease: { duration: 8s }\nalerts:\n" + section.indent(2));

        assertThat(own.repeatInterval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(own.webhook().url()).hasToString("https://alerts.example.com/baton");
        assertThat(fromClusterYaml).as("the alerts section of a cluster.yaml").isEqualTo(own);
        ConfigException invalid = assertThrows(ConfigException.class, () -> AlertsConfig.parse(file, "webhook: { url: ftp://x }\n"));
        assertThat(invalid.getMessage()).contains("monitor-alerts.yaml").contains("webhook.url").contains("ftp://x");
    }

    @Test
    void invalidFieldsNamed() {
        assertThat(rejected("webhook: { url: ftp://x }\n").field()).isEqualTo("alerts.webhook.url");
        assertThat(rejected("webhook: { url: https://x, secretHeader: X-S }\n").field()).isEqualTo("alerts.webhook.secretFile");
        assertThat(rejected("email: { host: h, tls: ssl, from: a@b, to: c@d }\n").field()).isEqualTo("alerts.email.tls");
        assertThat(rejected("email: { host: h, from: a@b, to: nobody }\n").field()).isEqualTo("alerts.email.to");
        assertThat(rejected("email: { host: h, from: a@b, to: c@d, retries: 21 }\n").field()).isEqualTo("alerts.email.retries");
        assertThat(rejected("email: { host: h, from: a@b, to: c@d, backoff: 1ms }\n").field()).isEqualTo("alerts.email.backoff");
        assertThat(rejected("routes: [ { service: x, channels: [webhook] } ]\n").getMessage()).contains("alerts.routes[0].channels")
                .contains("alerts.webhook");
        assertThat(rejected("repeatInterval: soon\n").field()).isEqualTo("alerts.repeatInterval");
        assertThat(rejected("channels: [log]\n").field()).isEqualTo("alerts.channels");
    }

    @Test
    void routeGlobMatchesServices() {
        AlertRoute route = new AlertRoute("billing-*", List.of("run-failed"), List.of(), List.of());

        assertThat(route.matches("run-failed", "billing-eu")).isTrue();
        assertThat(route.matches("run-failed", "orders")).isFalse();
        assertThat(route.matches("file-quarantined", "billing-eu")).isFalse();
        assertThat(route.matches("run-failed", null)).as("node alerts").isFalse();
    }
}
