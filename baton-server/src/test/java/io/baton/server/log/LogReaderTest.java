package io.baton.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Log files as the node's logback pattern writes them, read back with filters. */
class LogReaderTest {

    @TempDir
    Path logs;

    private static final String NODE_A = """
            2026-12-05T04:00:00.000Z INFO  node=node-a service=- run=- [main] NodeDaemon - Node node-a started
            2026-12-05T04:00:02.000Z WARN  node=node-a service=orders run=7 [run-orders] RunExecutor - Run 7 of service orders retried a.csv
            2026-12-05T04:00:03.000Z ERROR node=node-a service=orders run=7 [run-orders] RunExecutor - Run 7 of service orders failed
            java.io.IOException: disk full
            \tat io.baton.Example.write(Example.java:1)
            """;
    private static final String NODE_B = """
            2026-12-05T04:00:01.000Z INFO  node=node-b service=- run=- [main] NodeDaemon - Node node-b started
            """;

    @Test
    void nodeLogsMergedByTime() throws Exception {
        Files.writeString(logs.resolve("node-node-a.log"), NODE_A);
        Files.writeString(logs.resolve("node-node-b.log"), NODE_B);
        Files.writeString(logs.resolve("service-orders.log"), NODE_A.lines().skip(1).reduce("", (a, b) -> a + b + "\n"));

        LogReader.Result all = new LogReader(logs).read(query(null, null, null, null, 100));

        assertThat(all.entries()).extracting(LogEntry::node).containsExactly("node-a", "node-b", "node-a", "node-a");
        assertThat(all.entries().get(3).message()).isEqualTo("Run 7 of service orders failed\njava.io.IOException: disk full\n"
                + "\tat io.baton.Example.write(Example.java:1)");
        assertThat(all.entries().get(3).file()).isEqualTo("node-node-a.log");
        assertThat(all.truncated()).isFalse();
    }

    @Test
    void filtersNarrowEntries() throws Exception {
        Files.writeString(logs.resolve("node-node-a.log"), NODE_A);
        Files.writeString(logs.resolve("node-node-b.log"), NODE_B);
        Files.writeString(logs.resolve("service-orders.log"), NODE_A.lines().skip(1).reduce("", (a, b) -> a + b + "\n"));
        LogReader reader = new LogReader(logs);

        assertThat(reader.read(query("orders", null, null, null, 100)).entries()).extracting(LogEntry::file)
                .containsOnly("service-orders.log").hasSize(2);
        assertThat(reader.read(query(null, null, "WARN", null, 100)).entries()).extracting(LogEntry::level).containsExactly("WARN", "ERROR");
        assertThat(reader.read(query(null, "node-b", null, null, 100)).entries()).extracting(LogEntry::node).containsExactly("node-b");
        assertThat(reader.read(query(null, null, null, "DISK FULL", 100)).entries()).extracting(LogEntry::level).containsExactly("ERROR");
        assertThat(reader.read(query(null, null, null, null, 2)).entries()).as("the newest two").extracting(LogEntry::level)
                .containsExactly("WARN", "ERROR");
        assertThat(reader.read(new LogQuery(null, null, null, null, Instant.parse("2026-12-05T04:00:01.500Z"),
                Instant.parse("2026-12-05T04:00:03Z"), null, 100)).entries()).extracting(LogEntry::level).containsExactly("WARN");
    }

    @Test
    void everyLogReadsNodeAndServiceLogs() throws Exception {
        Files.writeString(logs.resolve("node-node-a.log"), NODE_A);
        Files.writeString(logs.resolve("service-orders.log"), NODE_A.lines().skip(1).reduce("", (a, b) -> a + b + "\n"));
        LogReader reader = new LogReader(logs);

        Files.writeString(logs.resolve("service-billing.log"),
                "2026-12-05T04:00:04.000Z INFO  node=node-a service=billing run=3 [worker] Step - only in the service log\n");

        List<LogEntry> every = reader.read(query(LogQuery.EVERY_LOG, null, null, null, 100)).entries();

        assertThat(every).extracting(e -> e.message().lines().findFirst().orElseThrow()).as("a line in the node log and the service log shows once")
                .containsExactly("Node node-a started", "Run 7 of service orders retried a.csv", "Run 7 of service orders failed",
                        "only in the service log");
        assertThat(reader.read(query(null, null, null, null, 100)).entries()).extracting(LogEntry::file)
                .as("without a service: the node logs only").containsOnly("node-node-a.log");
    }

    @Test
    void rolledFilesReadForSince() throws Exception {
        Files.writeString(logs.resolve("node-node-a.log"), NODE_A);
        Files.writeString(logs.resolve("node-node-a.2026-11-20.0.log"),
                "2026-11-20T10:00:00.000Z INFO  node=node-a service=- run=- [main] NodeDaemon - an old entry\n");
        LogReader reader = new LogReader(logs);

        assertThat(reader.read(query(null, null, null, "old entry", 100)).entries()).as("without since").isEmpty();
        assertThat(reader.read(new LogQuery(null, null, null, null, Instant.parse("2026-11-20T00:00:00Z"), null, "old entry", 100))
                .entries()).as("since the day of the rolled file").hasSize(1);
    }

    @Test
    void largeFileReadFromEnd() throws Exception {
        StringBuilder text = new StringBuilder();
        String line = "2026-12-05T04:00:00.000Z INFO  node=node-a service=- run=- [main] Filler - " + "x".repeat(1000) + "\n";
        while (text.length() < LogReader.MAX_BYTES_PER_FILE + 100_000) {
            text.append(line);
        }
        text.append("2026-12-05T05:00:00.000Z ERROR node=node-a service=- run=- [main] NodeDaemon - the last entry\n");
        Files.writeString(logs.resolve("node-node-a.log"), text);

        LogReader.Result result = new LogReader(logs).read(query(null, null, "ERROR", null, 10));

        assertThat(result.entries()).extracting(LogEntry::message).containsExactly("the last entry");
        assertThat(result.truncated()).isTrue();
    }

    @Test
    void threadNamesWithBracketsParse() throws Exception {
        Files.writeString(logs.resolve("node-node-a.log"), """
                2026-12-05T04:00:00.000Z INFO  node=node-a service=orders run=7 [run-orders] SftpSource - Connecting to sftp://127.0.0.1:2222
                2026-12-05T04:00:01.000Z WARN  node=node-a service=orders run=7 [sshd-SshClient[517c8044]-nio2-thread-2] HostKeyCheck - Accepted the new host key on first use
                2026-12-05T04:00:02.000Z WARN  node=node-a service=- run=- [pool [2] wörker ✓] Step - a thread with spaces and unicode
                2026-12-05T04:00:03.000Z ERROR node=node-a service=- run=- [a]b[[c] NodeDaemon - unbalanced brackets] Other - in the message
                java.lang.IllegalStateException: [inner] Cause - not an entry
                \tat io.baton.Example.run(Example.java:1)
                """);

        List<LogEntry> warnings = new LogReader(logs).read(query(null, null, "WARN", null, 100)).entries();

        assertThat(warnings).extracting(LogEntry::thread)
                .containsExactly("sshd-SshClient[517c8044]-nio2-thread-2", "pool [2] wörker ✓", "a]b[[c");
        assertThat(warnings).extracting(LogEntry::logger).containsExactly("HostKeyCheck", "Step", "NodeDaemon");
        assertThat(warnings.get(0).message()).isEqualTo("Accepted the new host key on first use");
        assertThat(warnings.get(0).run()).isEqualTo("7");
        assertThat(warnings.get(2).message()).as("a stack trace stays with its entry")
                .isEqualTo("unbalanced brackets] Other - in the message\njava.lang.IllegalStateException: [inner] Cause - not an entry\n"
                        + "\tat io.baton.Example.run(Example.java:1)");
    }

    private static LogQuery query(String service, String node, String level, String contains, int limit) {
        return new LogQuery(service, node, null, level, null, null, contains, limit);
    }
}
