package io.baton.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * Cluster-wide settings from {@code BATON_DATA/cluster.yaml}.
 *
 * <p>The lease timings must leave a node time to notice that it cannot renew and to kill its workers
 * before any other node may take over: {@code leaseDuration >= renewDeadline + pollInterval +
 * workerKillTime + drift margin}. Anything tighter could let two nodes write at once.
 */
public record ClusterConfig(String name, Duration leaseDuration, Duration renewInterval, Duration renewDeadline,
        Duration pollInterval, boolean sameHost, RetentionConfig retention, AlertsConfig alerts) {

    /** Time allowed to kill every worker process group once the renew deadline has passed. */
    public static final Duration WORKER_KILL_TIME = Duration.ofSeconds(1);

    /** Allowance for the rates of two machines' monotonic clocks to differ, as a share of the lease. */
    public static final double CLOCK_DRIFT_SHARE = 0.02;

    public static final String DEFAULT_YAML = """
            # Cluster-wide settings, shared by every node that uses this data directory.
            # A node reads this file when it starts: restart each node for a change to take effect.
            name: baton
            lease:
              # A passive node takes over after this much silence from the active node.
              duration: 8s
              # How often the active node renews its lease.
              renewInterval: 1s
              # Past this time without a successful renewal, the active node kills its workers
              # and stops publishing (self-fencing).
              renewDeadline: 4s
              # How often a passive node reads the lease.
              pollInterval: 500ms
            journal:
              # SQLite on the shared directory, with a rollback journal (the only backend of this version).
              backend: shared-fs
              # true only when every node runs on the same host; allows faster SQLite settings.
              sameHost: false
            retention:
              # Finished work items, runs, schedule slots and operator actions older than 'keep'
              # are deleted from the journal, every 'every', at most 'batchSize' rows per transaction.
              journal: { keep: 30d, every: 1h, batchSize: 500 }
              # The journal file is compacted (SQLite VACUUM) this often.
              compaction: { every: 24h }
              # Each log rolls over daily and at maxSize; rolled-over files are kept for maxHistory
              # days and up to totalSize per log.
              logs: { maxHistory: 14, maxSize: 100MB, totalSize: 2GB }
              # Staging folders of runs that ended are removed this often.
              staging: { every: 10m }
              # Archive and quarantine folders of services with a 'keepFor' are expired this often.
              expiry: { every: 1h }
              # Each deploy or rollback of a service adds a version; the oldest are removed
              # beyond this many per service, never the current one.
              versions: { keep: 20 }
            # Alerts always go to the log; uncomment webhook or email to send them on (see docs/operations.md).
            alerts:
              # An open condition that repeats is notified again at most this often, with its count.
              repeatInterval: 1h
              # Less free space than this on the data directory raises an alert.
              diskSpace: { minFreePercent: 10, every: 1m }
              # webhook: { url: https://alerts.example.com/baton, secretHeader: X-Baton-Secret, secretFile: /etc/baton/webhook.secret }
              # email: { host: smtp.example.com, port: 587, tls: starttls, user: baton, passwordFile: /etc/baton/smtp.password,
              #          from: baton@example.com, to: [ops@example.com] }
              # routes:
              #   - { service: "billing-*", channels: [email], email: [billing-owner@example.com] }
            """;

    public static ClusterConfig parse(Path file, String yaml) {
        YamlFields root = YamlFields.parse(file.toString(), yaml);
        root.rejectUnknown(Set.of("name", "lease", "journal", "retention", "alerts"));

        YamlFields lease = root.object("lease");
        lease.rejectUnknown(Set.of("duration", "renewInterval", "renewDeadline", "pollInterval"));
        Duration duration = lease.duration("duration", Duration.ofSeconds(8), Duration.ofMillis(500));
        Duration renewInterval = lease.duration("renewInterval", Duration.ofSeconds(1), Duration.ofMillis(50));
        Duration renewDeadline = lease.duration("renewDeadline", Duration.ofSeconds(4), Duration.ofMillis(100));
        Duration pollInterval = lease.duration("pollInterval", Duration.ofMillis(500), Duration.ofMillis(50));

        YamlFields journal = root.object("journal");
        journal.rejectUnknown(Set.of("backend", "sameHost"));
        String backend = journal.string("backend", "shared-fs");
        if (!backend.equals("shared-fs")) {
            throw journal.error("backend", backend, "'shared-fs' (the only journal backend of this version)");
        }

        if (renewInterval.multipliedBy(2).compareTo(renewDeadline) > 0) {
            throw lease.error("renewDeadline", Durations.format(renewDeadline),
                    "at least twice renewInterval (" + Durations.format(renewInterval) + "), so one slow renewal does not fence the node");
        }
        Duration minimum = minimumLease(renewDeadline, pollInterval, duration);
        if (duration.compareTo(minimum) < 0) {
            throw lease.error("duration", Durations.format(duration),
                    "at least renewDeadline + pollInterval + " + Durations.format(WORKER_KILL_TIME)
                            + " to kill workers + 2% clock drift = " + minimum.toMillis() + "ms");
        }
        return new ClusterConfig(root.string("name", "baton"), duration, renewInterval, renewDeadline, pollInterval,
                journal.bool("sameHost", false), RetentionConfig.parse(root.object("retention")),
                AlertsConfig.parse(root.object("alerts")));
    }

    /** Returns the shortest {@code leaseDuration} these timings allow; see the class comment. */
    public Duration minimumLeaseDuration() {
        return minimumLease(renewDeadline, pollInterval, leaseDuration);
    }

    /**
     * Returns how long a worker waits without a ping from its daemon before it exits. The daemon pings
     * every 250 ms, so the bound leaves room for a few missed pings on a loaded machine. It is shorter
     * than {@code leaseDuration} whenever the timings pass {@link #parse}, so a worker of a dead daemon
     * exits before another node may take over.
     */
    public Duration workerSilenceBound() {
        return Duration.ofMillis(Math.max(750, renewDeadline.toMillis() - 500));
    }

    static Duration minimumLease(Duration renewDeadline, Duration pollInterval, Duration duration) {
        long driftMillis = (long) Math.ceil(duration.toMillis() * CLOCK_DRIFT_SHARE);
        return renewDeadline.plus(pollInterval).plus(WORKER_KILL_TIME).plusMillis(driftMillis);
    }
}
