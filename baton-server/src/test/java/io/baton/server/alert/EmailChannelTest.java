package io.baton.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.config.AlertsConfig;
import io.baton.testkit.SmtpMailbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmailChannelTest {

    @TempDir
    Path dir;

    private SmtpMailbox mailbox;
    private Path passwordFile;

    @BeforeEach
    void startMailbox() throws Exception {
        mailbox = SmtpMailbox.start(dir.resolve("smtp"), "baton", "mail-pass");
        passwordFile = dir.resolve("smtp.password");
        Files.writeString(passwordFile, "mail-pass\n");
    }

    @AfterEach
    void stopMailbox() {
        mailbox.close();
    }

    private AlertsConfig.Email config(Path trustFile) {
        return config(trustFile, 0);
    }

    private AlertsConfig.Email config(Path trustFile, int retries) {
        return new AlertsConfig.Email("localhost", mailbox.port(), AlertsConfig.Tls.STARTTLS, "baton", passwordFile, trustFile,
                "baton@example.com", List.of("ops@example.com"), Duration.ofSeconds(5), retries, Duration.ofMillis(50));
    }

    private static Notice resolved() {
        Alert alert = Alert.ofService(AlertKind.RUN_FAILED, "billing", "n1", 9, "run 9 of service billing succeeded", Instant.now());
        return new Notice(Notice.Status.RESOLVED, alert, Instant.parse("2026-01-05T10:00:00Z"), 4, false,
                new Notice.Route(false, List.of("owner@example.com", "ops@example.com")), Instant.parse("2026-01-05T11:00:00Z"));
    }

    @Test
    void sendsOverStartTls() throws Exception {
        new EmailChannel(config(mailbox.trustFile())).send(resolved());

        List<SmtpMailbox.Mail> mails = mailbox.messages();
        assertThat(mails).extracting(SmtpMailbox.Mail::to).containsExactlyInAnyOrder("owner@example.com", "ops@example.com");
        assertThat(mails.getFirst().subject()).isEqualTo("[Baton] RESOLVED run-failed: service billing");
        assertThat(mails.getFirst().text()).contains("Status:   resolved").contains("Run:      9")
                .contains("run 9 of service billing succeeded");
    }

    @Test
    void sendsOverImplicitTls() throws Exception {
        try (SmtpMailbox implicit = SmtpMailbox.start(dir.resolve("smtps"), "baton", "mail-pass", true)) {
            AlertsConfig.Email config = new AlertsConfig.Email("localhost", implicit.port(), AlertsConfig.Tls.IMPLICIT, "baton",
                    passwordFile, implicit.trustFile(), "baton@example.com", List.of("ops@example.com"), Duration.ofSeconds(5), 0,
                Duration.ofMillis(10));

            new EmailChannel(config).send(resolved());

            assertThat(implicit.messages()).hasSize(2);
        }
    }

    @Test
    void startTlsClientRejectedByImplicitServer() throws Exception {
        try (SmtpMailbox implicit = SmtpMailbox.start(dir.resolve("smtps"), "baton", "mail-pass", true)) {
            AlertsConfig.Email config = new AlertsConfig.Email("localhost", implicit.port(), AlertsConfig.Tls.STARTTLS, "baton",
                    passwordFile, implicit.trustFile(), "baton@example.com", List.of("ops@example.com"), Duration.ofSeconds(2), 0,
                    Duration.ofMillis(10));

            assertThatThrownBy(() -> new EmailChannel(config).send(resolved())).isInstanceOf(AlertChannel.ChannelException.class);
            assertThat(implicit.messages()).isEmpty();
        }
    }

    @Test
    void untrustedCertificateRejected() {
        // Without the trust file the JVM's default trust store applies, which does not contain the test's certificate.
        EmailChannel channel = new EmailChannel(config(null));

        assertThatThrownBy(() -> channel.send(resolved())).isInstanceOf(AlertChannel.ChannelException.class)
                .hasMessageContaining("localhost:" + mailbox.port());
        assertThat(mailbox.messages()).isEmpty();
    }

    @Test
    void wrongPasswordRejected() throws Exception {
        Files.writeString(passwordFile, "wrong\n");

        assertThatThrownBy(() -> new EmailChannel(config(mailbox.trustFile())).send(resolved()))
                .isInstanceOf(AlertChannel.ChannelException.class)
                .hasMessageNotContaining("wrong");
        assertThat(mailbox.messages()).isEmpty();
    }

    @Test
    void retriesUntilServerAccepts() throws Exception {
        mailbox.rejectLogins(2);

        new EmailChannel(config(mailbox.trustFile(), 3)).send(resolved());

        assertThat(mailbox.rejectedLogins()).as("logins rejected before the one accepted").isEqualTo(2);
        assertThat(mailbox.messages()).extracting(SmtpMailbox.Mail::to).containsExactlyInAnyOrder("owner@example.com", "ops@example.com");
    }

    @Test
    void givesUpAfterRetries() throws Exception {
        mailbox.rejectLogins(5);
        EmailChannel channel = new EmailChannel(config(mailbox.trustFile(), 1));

        assertThatThrownBy(() -> channel.send(resolved())).isInstanceOf(AlertChannel.ChannelException.class)
                .hasMessageContaining("localhost:" + mailbox.port()).hasMessageContaining("failed 2 time(s)");
        assertThat(mailbox.rejectedLogins()).as("attempts: the first and one retry").isEqualTo(2);
        assertThat(mailbox.messages()).isEmpty();
    }
}
