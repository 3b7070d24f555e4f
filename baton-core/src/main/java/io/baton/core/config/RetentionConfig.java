package io.baton.core.config;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Housekeeping settings from the {@code retention} section of {@code cluster.yaml}: how long finished
 * journal records are kept, how often each housekeeping job runs, and how the logs roll over.
 *
 * @param journalKeep finished work items, runs, slots and operator actions older than this are deleted
 * @param journalEvery interval between two journal prunings
 * @param journalBatchSize maximum rows deleted in one journal transaction
 * @param compactionEvery interval between two journal compactions
 * @param stagingEvery interval between two collections of orphaned staging folders
 * @param expiryEvery interval between two expiries of archive and quarantine folders
 * @param logMaxHistory days of rolled-over log files kept per log
 * @param logMaxSize size at which a log file rolls over, in logback notation such as {@code 100MB}
 * @param logTotalSize maximum size of the rolled-over files of one log, in the same notation
 * @param versionsKeep maximum number of versions kept per service, the current one included; the oldest go first
 */
public record RetentionConfig(Duration journalKeep, Duration journalEvery, int journalBatchSize, Duration compactionEvery,
        Duration stagingEvery, Duration expiryEvery, int logMaxHistory, String logMaxSize, String logTotalSize, int versionsKeep) {

    public static final RetentionConfig DEFAULTS = new RetentionConfig(Duration.ofDays(30), Duration.ofHours(1), 500,
            Duration.ofHours(24), Duration.ofMinutes(10), Duration.ofHours(1), 14, "100MB", "2GB", 20);

    private static final Pattern SIZE = Pattern.compile("(\\d{1,9})(KB|MB|GB)");
    private static final String SIZE_EXPECTED = "a size such as 500KB, 100MB or 2GB";
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    /** Reads the {@code retention} mapping; absent fields get the {@link #DEFAULTS}. */
    static RetentionConfig parse(YamlFields retention) {
        retention.rejectUnknown(Set.of("journal", "compaction", "logs", "staging", "expiry", "versions"));

        YamlFields journal = retention.object("journal");
        journal.rejectUnknown(Set.of("keep", "every", "batchSize"));
        Duration keep = journal.duration("keep", DEFAULTS.journalKeep(), MIN_INTERVAL);
        Duration journalEvery = journal.duration("every", DEFAULTS.journalEvery(), MIN_INTERVAL);
        int batchSize = journal.integer("batchSize", DEFAULTS.journalBatchSize(), 10, 10_000);

        YamlFields compaction = retention.object("compaction");
        compaction.rejectUnknown(Set.of("every"));
        Duration compactionEvery = compaction.duration("every", DEFAULTS.compactionEvery(), MIN_INTERVAL);

        YamlFields staging = retention.object("staging");
        staging.rejectUnknown(Set.of("every"));
        Duration stagingEvery = staging.duration("every", DEFAULTS.stagingEvery(), MIN_INTERVAL);

        YamlFields expiry = retention.object("expiry");
        expiry.rejectUnknown(Set.of("every"));
        Duration expiryEvery = expiry.duration("every", DEFAULTS.expiryEvery(), MIN_INTERVAL);

        YamlFields logs = retention.object("logs");
        logs.rejectUnknown(Set.of("maxHistory", "maxSize", "totalSize"));
        int maxHistory = logs.integer("maxHistory", DEFAULTS.logMaxHistory(), 1, 3650);
        String maxSize = size(logs, "maxSize", DEFAULTS.logMaxSize());
        String totalSize = size(logs, "totalSize", DEFAULTS.logTotalSize());
        if (bytes(totalSize) < bytes(maxSize)) {
            throw logs.error("totalSize", totalSize, "at least maxSize (" + maxSize + "), or no rolled-over file could be kept");
        }

        YamlFields versions = retention.object("versions");
        versions.rejectUnknown(Set.of("keep"));
        int versionsKeep = versions.integer("keep", DEFAULTS.versionsKeep(), 1, 10_000);

        return new RetentionConfig(keep, journalEvery, batchSize, compactionEvery, stagingEvery, expiryEvery, maxHistory,
                maxSize, totalSize, versionsKeep);
    }

    private static String size(YamlFields f, String key, String fallback) {
        String text = f.string(key, fallback).trim();
        Matcher m = SIZE.matcher(text);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw f.error(key, text, SIZE_EXPECTED);
        }
        return text;
    }

    /** Returns the number of bytes of a size already checked against {@link #SIZE}; 1KB is 1024 bytes, as in logback. */
    static long bytes(String size) {
        Matcher m = SIZE.matcher(size);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: " + size);
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "KB" -> amount << 10;
            case "MB" -> amount << 20;
            default -> amount << 30;
        };
    }
}
