package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 512 MB CSV through csv-to-jsonl in a worker with a 64 MB heap, while a second service on a 2 s
 * schedule keeps running: the file is streamed, the output has the right record count and checksum, and
 * the journal records the bytes and the duration.
 */
class BigFileIT {

    static final long TARGET_BYTES = 512L * 1024 * 1024;
    static final String PADDING = "x".repeat(80);

    @TempDir
    Path tmp;

    @Test
    void bigFileStreamsThroughSmallHeap() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path in = cluster.data.resolve("in");
            Path ticks = cluster.data.resolve("ticks");
            Files.createDirectories(in);
            Files.createDirectories(ticks);
            Path staged = cluster.data.resolve("big.csv.part");
            Expected expected = writeCsv(staged);

            NodeProcess node = cluster.node("big");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            cluster.deployAndStart(node, """
                    name: big
                    jvm: { heap: 64m }
                    schedule: { every: 1s }
                    source: { path: in }
                    process: [ { type: csv-to-jsonl } ]
                    targets: [ { path: out, name: "{basename}.jsonl" } ]
                    onSuccess: { delete: true }
                    """);
            cluster.deployAndStart(node, """
                    name: ticker
                    schedule: { every: 2s }
                    source: { path: ticks }
                    process: [ { type: copy } ]
                    targets: [ { path: ticks-out } ]
                    onSuccess: { delete: true }
                    """);
            Files.move(staged, in.resolve("big.csv"));

            // The service also runs every second with nothing to claim, and such a run gets no run record
            // and sets no last run. So the first run record is the one that claimed big.csv (or failed
            // trying), and the first last run with an id is that run once it has ended.
            NodeProcess.await(Duration.ofSeconds(30), "the big run to start", () -> !node.tryGet("/api/services/big/runs").path(0).isMissingNode());

            // Deliver a small file every second while the big one is processed.
            int delivered = 0;
            while (node.tryGet("/api/services/big").path("lastRun").path("runId").asLong() == 0) {
                Files.writeString(ticks.resolve("tick-" + delivered++ + ".txt"), "tick\n");
                Thread.sleep(1_000);
                assertThat(delivered).as("seconds until the big run ended").isLessThan(300);
            }

            JsonNode bigRun = node.get("/api/services/big").path("lastRun");
            assertThat(bigRun.path("state").asText()).as("big run: " + bigRun).isEqualTo("SUCCEEDED");
            JsonNode record = node.get("/api/runs/" + bigRun.path("runId").asLong()).path("run");
            Path output = cluster.data.resolve("out/big.jsonl");
            assertThat(record.path("records").asLong()).as("records in the journal").isEqualTo(expected.records());
            assertThat(record.path("bytesIn").asLong()).as("bytes in, in the journal").isEqualTo(expected.bytes());
            assertThat(record.path("bytesOut").asLong()).as("bytes out, in the journal").isEqualTo(Files.size(output));
            Duration took = Duration.between(Instant.parse(record.path("startedAt").asText()), Instant.parse(record.path("endedAt").asText()));
            assertThat(took).as("duration in the journal").isPositive();
            assertThat(sha256(output)).as("checksum of the output").isEqualTo(expected.outputSha256());

            long tickerRunsDuringBig = 0;
            for (JsonNode run : node.get("/api/services/ticker/runs?limit=500")) {
                Instant started = Instant.parse(run.path("startedAt").asText());
                if (!started.isBefore(Instant.parse(record.path("startedAt").asText())) && started.isBefore(Instant.parse(record.path("endedAt").asText()))) {
                    tickerRunsDuringBig++;
                }
            }
            long expectedTicks = took.toSeconds() / 2 - 2;
            assertThat(tickerRunsDuringBig).as("ticker runs during the " + took.toSeconds() + " s big run").isGreaterThanOrEqualTo(Math.max(1, expectedTicks / 2));
            System.out.printf("BigFileIT: %d bytes, %d records in %d ms; %d ticker runs meanwhile%n", expected.bytes(), expected.records(),
                    took.toMillis(), tickerRunsDuringBig);
        }
    }

    /** The record count, size and the SHA-256 of the JSON Lines output that a CSV must give. */
    record Expected(long records, long bytes, String outputSha256) {
    }

    /** Writes a CSV of about 512 MB and computes what its conversion must give. */
    private static Expected writeCsv(Path file) throws Exception {
        MessageDigest json = MessageDigest.getInstance("SHA-256");
        long records = 0;
        long bytes;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            byte[] header = "id,text,amount\n".getBytes(StandardCharsets.US_ASCII);
            out.write(header);
            bytes = header.length;
            while (bytes < TARGET_BYTES) {
                records++;
                String amount = (records % 100_000) + "." + (records % 100 < 10 ? "0" : "") + (records % 100);
                byte[] line = (records + "," + PADDING + "," + amount + "\n").getBytes(StandardCharsets.US_ASCII);
                out.write(line);
                bytes += line.length;
                json.update(("{\"id\":\"" + records + "\",\"text\":\"" + PADDING + "\",\"amount\":\"" + amount + "\"}\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
        }
        return new Expected(records, bytes, HexFormat.of().formatHex(json.digest()));
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
