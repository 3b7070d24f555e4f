package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.NodeProcess;
import io.baton.testkit.Signals;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node works through 2,000 files while the test kills it with {@code kill -9} at random moments:
 * some rounds the worker only, some the daemon only, some both. Afterwards every input has exactly
 * one output with the right content, and the journal, staging and processes agree.
 */
class CrashConsistencyIT {

    static final int FILES = 2000;
    static final int MIN_KILLS = 21;

    @TempDir
    Path tmp;

    @Test
    void everyInputProcessedOnceAcrossKills() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path inbox = cluster.data.resolve("inbox");
            Files.createDirectories(inbox);
            Map<String, String> expected = new HashMap<>();
            for (int i = 0; i < FILES; i++) {
                String name = String.format("drop-%05d.txt", i);
                String content = "delivery " + i + "\n" + "x".repeat(100 + i % 300) + "\n";
                Files.writeString(inbox.resolve(name), content, StandardCharsets.UTF_8);
                expected.put(name, content);
            }
            Path svc = cluster.serviceFolder("crashy", """
                    name: crashy
                    autoStart: true
                    restart: { automatic: true, minimumUptime: 0s }
                    jvm: { heap: 64m, options: ["-XX:TieredStopAtLevel=1"] }
                    schedule: { every: 300ms }
                    source: { path: inbox, maxFilesPerRun: 150 }
                    process:
                      - type: class
                        class: io.baton.testkit.steps.SlowCopyStep
                        settings: { delayMillis: "8" }
                    targets: [ { path: outbox, name: "{name}" } ]
                    onSuccess: { archive: "archive/{yyyy}/{MM}/{dd}" }
                    onFailure: { retries: 100, backoff: 0s }
                    """);

            NodeProcess node = cluster.node("crash-a");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            assertThat(node.cli("deploy", svc.toString()).exitCode()).isZero();
            node.cli("start", "crashy");

            Random random = new Random(20261204L);
            int kills = 0;
            int[] byKind = new int[3];
            java.util.Set<Long> killedWorkers = new java.util.HashSet<>();
            while (kills < MIN_KILLS || remaining(inbox) > 0) {
                if (kills >= MIN_KILLS + 30) {
                    break;
                }
                Thread.sleep(200 + random.nextInt(900));
                if (remaining(inbox) == 0 && kills >= MIN_KILLS) {
                    break;
                }
                int kind = kills < 3 ? kills : random.nextInt(3);
                if (kills >= MIN_KILLS) {
                    // Enough kills: let the node finish the remaining files undisturbed.
                    NodeProcess.await(Duration.ofMinutes(3), "all inputs to be processed", () -> remaining(inbox) == 0);
                    break;
                }
                switch (kind) {
                    case 0 -> killedWorkers.addAll(killWorkers(cluster.data));
                    case 1 -> node.kill9();
                    default -> {
                        killedWorkers.addAll(killWorkers(cluster.data));
                        node.kill9();
                    }
                }
                byKind[kind]++;
                kills++;
                if (!node.process().isAlive()) {
                    node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
                    if (!"RUNNING".equals(node.get("/api/services/crashy").path("state").asText())) {
                        node.cli("start", "crashy");
                    }
                } else {
                    NodeProcess.await(Duration.ofSeconds(30), "the worker to be restarted", () -> {
                        var service = node.tryGet("/api/services/crashy");
                        return "RUNNING".equals(service.path("state").asText()) && service.path("workerPid").canConvertToLong()
                                && !killedWorkers.contains(service.path("workerPid").asLong());
                    });
                }
            }
            NodeProcess.await(Duration.ofMinutes(3), "all inputs to be processed", () -> remaining(inbox) == 0);
            NodeProcess.await(Duration.ofSeconds(30), "the last run to end",
                    () -> !node.tryGet("/api/services/crashy").path("runInProgress").asBoolean(true));

            node.signal("TERM");
            assertThat(node.awaitExit(Duration.ofSeconds(60))).as("exit status after SIGTERM").isZero();

            assertThat(kills).as("kills").isGreaterThanOrEqualTo(MIN_KILLS);
            assertThat(byKind[0]).as("kills of the worker alone").isPositive();
            assertThat(byKind[1]).as("kills of the daemon alone").isPositive();
            assertThat(byKind[2]).as("kills of daemon and worker together").isPositive();
            assertOutputs(cluster.data.resolve("outbox"), expected);
            assertArchivedOnce(cluster.data.resolve("archive"));
            assertThat(Signals.workersOf(cluster.data)).as("orphan workers").isEmpty();
            assertThat(filesUnder(cluster.data.resolve("work"))).as("files left in staging").isEmpty();

            assertThat(cluster.query("SELECT count(*) FROM items").get(0).get(0)).as("journal items").isEqualTo(Integer.toString(FILES));
            assertThat(cluster.query("SELECT state, count(*) FROM items GROUP BY state"))
                    .as("item states").containsExactly(List.of("DISPOSED", Integer.toString(FILES)));
            assertThat(cluster.query("SELECT count(*) FROM actions WHERE state NOT IN ('DONE')").get(0).get(0))
                    .as("unfinished publish actions").isEqualTo("0");
            assertThat(cluster.query("SELECT count(*) FROM runs WHERE state = 'RUNNING'").get(0).get(0))
                    .as("runs left running").isEqualTo("0");
            assertThat(cluster.query("SELECT count(*) FROM runs WHERE state = 'ABANDONED'").get(0).get(0))
                    .as("runs abandoned by recovery").isNotEqualTo("0");
        }
    }

    /** Kills every worker process group on the data directory; returns their pids. */
    private static List<Long> killWorkers(Path data) throws IOException, InterruptedException {
        List<Long> pids = new java.util.ArrayList<>();
        for (ProcessHandle worker : Signals.workersOf(data)) {
            Signals.sendToGroup("KILL", worker.pid());
            pids.add(worker.pid());
        }
        return pids;
    }

    private static long remaining(Path inbox) {
        try (Stream<Path> s = Files.list(inbox)) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static void assertOutputs(Path outbox, Map<String, String> expected) throws IOException {
        List<Path> outputs = filesUnder(outbox);
        assertThat(outputs).as("outputs").hasSize(expected.size());
        for (Path out : outputs) {
            String name = out.getFileName().toString();
            assertThat(expected).as("output without an input").containsKey(name);
            assertThat(Files.readString(out)).as("content of " + name).isEqualTo(expected.get(name));
        }
    }

    private static void assertArchivedOnce(Path archive) throws IOException {
        Map<String, Integer> perInput = new HashMap<>();
        for (Path p : filesUnder(archive)) {
            String name = p.getFileName().toString().replaceAll("\\.run-\\d+", "");
            perInput.merge(name, 1, Integer::sum);
        }
        assertThat(perInput).as("archived inputs").hasSize(FILES);
        assertThat(perInput.values()).as("archive copies per input").allMatch(n -> n == 1);
    }

    /** Regular files under a folder; files that vanish during the walk, as they do while a node works, are left out. */
    static List<Path> filesUnder(Path root) {
        List<Path> files = new java.util.ArrayList<>();
        if (!Files.exists(root)) {
            return files;
        }
        try {
            Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        files.add(file);
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new AssertionError("cannot list " + root, e);
        }
        return files;
    }
}
