package io.baton.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigTest {

    @TempDir
    Path data;

    private ClusterConfig parse(String yaml) throws IOException {
        Path file = data.resolve("cluster.yaml");
        Files.writeString(file, yaml);
        return ClusterConfig.parse(file, Files.readString(file));
    }

    private ConfigException rejected(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml));
    }

    private static String lease(String duration, String renewInterval, String renewDeadline, String pollInterval) {
        return "lease:\n  duration: " + duration + "\n  renewInterval: " + renewInterval
                + "\n  renewDeadline: " + renewDeadline + "\n  pollInterval: " + pollInterval + "\n";
    }

    @Test
    void defaultYamlParses() throws IOException {
        ClusterConfig c = parse(ClusterConfig.DEFAULT_YAML);

        assertThat(c.name()).isEqualTo("baton");
        assertThat(c.leaseDuration()).isEqualTo(Duration.ofSeconds(8));
        assertThat(c.renewInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.renewDeadline()).isEqualTo(Duration.ofSeconds(4));
        assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.sameHost()).isFalse();
    }

    @Test
    void absentSectionsGetDefaults() throws IOException {
        ClusterConfig c = parse("name: prod\n");

        assertThat(c.name()).isEqualTo("prod");
        assertThat(c.leaseDuration()).isEqualTo(Duration.ofSeconds(8));
        assertThat(c.renewInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.renewDeadline()).isEqualTo(Duration.ofSeconds(4));
        assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.sameHost()).isFalse();
    }

    @Test
    void sameHostParses() throws IOException {
        ClusterConfig c = parse("journal:\n  sameHost: true\n");

        assertThat(c.sameHost()).isTrue();
    }

    @Test
    void shortLeaseRejectedWithNumbers() {
        // 10 s + 1 s + 1 s + ceil(2% of 12 s) = 12240 ms
        ConfigException e = rejected(lease("12s", "2s", "10s", "1s"));

        assertThat(e.field()).isEqualTo("lease.duration");
        assertThat(e.getMessage()).contains("cluster.yaml");
        assertThat(e.getMessage()).contains("'12s'");
        assertThat(e.getMessage()).contains("at least renewDeadline + pollInterval + 1s to kill workers + 2% clock drift = 12240ms");
    }

    @Test
    void leaseOneMillisecondBelowMinimumRejected() {
        // ceil(2% of 12244 ms) = 245 ms, so the minimum is 12245 ms.
        ConfigException e = rejected(lease("12244ms", "2s", "10s", "1s"));

        assertThat(e.field()).isEqualTo("lease.duration");
        assertThat(e.getMessage()).contains("= 12245ms");
    }

    @Test
    void leaseAtMinimumAccepted() throws IOException {
        ClusterConfig c = parse(lease("12245ms", "2s", "10s", "1s"));

        assertThat(c.leaseDuration()).isEqualTo(Duration.ofMillis(12245));
    }

    @Test
    void shortTestTimingsAccepted() throws IOException {
        // 300 + 50 + 1000 + ceil(2% of 1400) = 1378 ms
        ClusterConfig c = parse(lease("1400ms", "100ms", "300ms", "50ms"));

        assertThat(c.leaseDuration()).isEqualTo(Duration.ofMillis(1400));
    }

    @Test
    void deadlineBelowTwoRenewalsRejected() {
        ConfigException e = rejected(lease("30s", "2s", "3s", "1s"));

        assertThat(e.field()).isEqualTo("lease.renewDeadline");
        assertThat(e.getMessage()).contains("'3s'");
        assertThat(e.getMessage()).contains("at least twice renewInterval (2s)");
    }

    @Test
    void deadlineOfExactlyTwoRenewalsAccepted() throws IOException {
        ClusterConfig c = parse(lease("30s", "2s", "4s", "1s"));

        assertThat(c.renewDeadline()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void otherJournalBackendRejected() {
        ConfigException e = rejected("journal:\n  backend: postgres\n");

        assertThat(e.field()).isEqualTo("journal.backend");
        assertThat(e.getMessage()).contains("'postgres'");
        assertThat(e.getMessage()).contains("'shared-fs'");
    }

    @Test
    void unknownLeaseFieldRejected() {
        ConfigException e = rejected("lease:\n  renewTimeout: 5s\n");

        assertThat(e.field()).isEqualTo("lease.renewTimeout");
        assertThat(e.getMessage()).contains("is unknown");
    }

    @Test
    void pollIntervalBelowMinimumRejected() {
        ConfigException e = rejected(lease("15s", "2s", "10s", "10ms"));

        assertThat(e.field()).isEqualTo("lease.pollInterval");
        assertThat(e.getMessage()).contains("at least 50ms");
    }
    @Test
    void retentionDefaultsWhenAbsent() throws IOException {
        ClusterConfig c = parse("name: prod\n");

        assertThat(c.retention()).isEqualTo(RetentionConfig.DEFAULTS);
    }

    @Test
    void defaultYamlStatesRetentionDefaults() throws IOException {
        assertThat(parse(ClusterConfig.DEFAULT_YAML).retention()).isEqualTo(RetentionConfig.DEFAULTS);
        for (String setting : new String[] {"keep:", "every:", "batchSize:", "maxHistory:", "maxSize:", "totalSize:"}) {
            assertThat(ClusterConfig.DEFAULT_YAML).as("default cluster.yaml lists " + setting).contains(setting);
        }
    }

    @Test
    void retentionSettingsParse() throws IOException {
        RetentionConfig r = parse("""
                retention:
                  journal: { keep: 7d, every: 30m, batchSize: 200 }
                  compaction: { every: 12h }
                  logs: { maxHistory: 30, maxSize: 10MB, totalSize: 1GB }
                  staging: { every: 5m }
                  expiry: { every: 2h }
                  versions: { keep: 5 }
                """).retention();

        assertThat(r.journalKeep()).isEqualTo(Duration.ofDays(7));
        assertThat(r.journalEvery()).isEqualTo(Duration.ofMinutes(30));
        assertThat(r.journalBatchSize()).isEqualTo(200);
        assertThat(r.compactionEvery()).isEqualTo(Duration.ofHours(12));
        assertThat(r.logMaxHistory()).isEqualTo(30);
        assertThat(r.logMaxSize()).isEqualTo("10MB");
        assertThat(r.logTotalSize()).isEqualTo("1GB");
        assertThat(r.stagingEvery()).isEqualTo(Duration.ofMinutes(5));
        assertThat(r.expiryEvery()).isEqualTo(Duration.ofHours(2));
        assertThat(r.versionsKeep()).isEqualTo(5);
    }

    @Test
    void retentionVersionsKeepZeroRejected() {
        ConfigException e = rejected("retention:\n  versions: { keep: 0 }\n");

        assertThat(e.field()).isEqualTo("retention.versions.keep");
        assertThat(e.getMessage()).contains("'0'");
    }

    @Test
    void retentionBadSizeRejected() {
        ConfigException e = rejected("retention:\n  logs: { maxSize: 100 megabytes }\n");

        assertThat(e.field()).isEqualTo("retention.logs.maxSize");
        assertThat(e.getMessage()).contains("'100 megabytes'").contains("a size such as 500KB, 100MB or 2GB");
    }

    @Test
    void retentionTotalBelowMaxSizeRejected() {
        ConfigException e = rejected("retention:\n  logs: { maxSize: 100MB, totalSize: 50MB }\n");

        assertThat(e.field()).isEqualTo("retention.logs.totalSize");
        assertThat(e.getMessage()).contains("at least maxSize (100MB)");
    }

    @Test
    void retentionUnknownFieldRejected() {
        ConfigException e = rejected("retention:\n  journal: { keepFor: 30d }\n");

        assertThat(e.field()).isEqualTo("retention.journal.keepFor");
        assertThat(e.getMessage()).contains("is unknown");
    }

    @Test
    void retentionIntervalBelowOneSecondRejected() {
        ConfigException e = rejected("retention:\n  staging: { every: 500ms }\n");

        assertThat(e.field()).isEqualTo("retention.staging.every");
        assertThat(e.getMessage()).contains("at least 1s");
    }
}
