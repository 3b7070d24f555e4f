package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.NodeProcess;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The declared charset of a source: UTF-8 with and without a byte-order mark give the same records, a
 * UTF-16 file is decoded when declared and rejected otherwise, a Windows-1252 file in a UTF-8 service is
 * quarantined with its name and line, and an unknown charset is rejected at deploy.
 */
class EncodingIT {

    static final String CSV = "\"id\";\"amount\"\r\n\"1\";\"9.50\"\r\n";
    static final String RECORD = "{\"id\":\"1\",\"amount\":\"9.50\"}\n";

    @TempDir
    Path tmp;

    @Test
    void sourceCharsetDecodesOrQuarantines() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("charset");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Path in8 = cluster.data.resolve("in8");
            Path in16 = cluster.data.resolve("in16");
            Files.createDirectories(in8);
            Files.createDirectories(in16);
            byte[] utf16 = concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, CSV.getBytes(Charset.forName("UTF-16LE")));
            Files.write(in8.resolve("bom.csv"), concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, CSV.getBytes(StandardCharsets.UTF_8)));
            Files.write(in8.resolve("plain.csv"), CSV.getBytes(StandardCharsets.UTF_8));
            Files.write(in8.resolve("utf16.csv"), utf16);
            Files.write(in8.resolve("cp1252.csv"), "name;city\r\nRen\u00e9;Paris\r\n".getBytes(Charset.forName("windows-1252")));
            Files.write(in16.resolve("utf16.csv"), utf16);

            cluster.deployAndStart(node, """
                    name: utf8
                    source: { path: in8, charset: UTF-8 }
                    process: [ { type: csv-to-jsonl, settings: { delimiter: ";" } } ]
                    targets: [ { path: out8, name: "{basename}.jsonl" } ]
                    onSuccess: { archive: archive8 }
                    """);
            cluster.deployAndStart(node, """
                    name: utf16
                    source: { path: in16, charset: UTF-16 }
                    process: [ { type: csv-to-jsonl, settings: { delimiter: ";" } } ]
                    targets: [ { path: out16, name: "{basename}.jsonl" } ]
                    onSuccess: { archive: archive16 }
                    """);
            TestCluster.runOnce(node, "utf8");
            TestCluster.runOnce(node, "utf16");

            assertThat(Files.readString(cluster.data.resolve("out8/bom.jsonl"))).as("UTF-8 file with a byte-order mark").isEqualTo(RECORD);
            assertThat(Files.readString(cluster.data.resolve("out8/plain.jsonl"))).as("UTF-8 file without a byte-order mark").isEqualTo(RECORD);
            assertThat(Files.readString(cluster.data.resolve("out16/utf16.jsonl"))).as("UTF-16 file in a UTF-16 service").isEqualTo(RECORD);
            assertThat(Files.exists(cluster.data.resolve("out8/utf16.jsonl"))).as("output of UTF-16 in a UTF-8 service").isFalse();
            assertThat(Files.exists(cluster.data.resolve("out8/cp1252.jsonl"))).as("output of Windows-1252 in a UTF-8 service").isFalse();

            Path quarantine = cluster.data.resolve("quarantine/utf8");
            String utf16Reason = reasonOf(quarantine, "utf16.");
            assertThat(utf16Reason).as("reason for utf16.csv").contains("utf16.csv").contains("UTF-16LE byte-order mark").contains("source.charset");
            String cp1252Reason = reasonOf(quarantine, "cp1252.");
            assertThat(cp1252Reason).as("reason for cp1252.csv").contains("cp1252.csv").contains("line 2").contains("0xE9");
            for (Path out : CrashConsistencyIT.filesUnder(cluster.data.resolve("out8"))) {
                assertThat(Files.readString(out)).as("output " + out).doesNotContain("\uFFFD").doesNotContain("\uFEFF");
            }

            Path bad = cluster.serviceFolder("klingon", """
                    name: klingon
                    source: { path: in8, charset: klingon-8 }
                    process: [ { type: copy } ]
                    targets: [ { path: out8 } ]
                    """);
            NodeProcess.CliResult deploy = node.cli("deploy", bad.toString());
            assertThat(deploy.exitCode()).as("deploy with an unknown charset").isEqualTo(1);
            assertThat(deploy.err()).contains("source.charset").contains("klingon-8");
        }
    }

    private static String reasonOf(Path quarantine, String prefix) throws Exception {
        Path reason = CrashConsistencyIT.filesUnder(quarantine).stream()
                .filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".reason.txt"))
                .findFirst().orElseThrow(() -> new AssertionError("no reason file for " + prefix + "* in " + quarantine));
        return Files.readString(reason);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(first);
        out.writeBytes(second);
        return out.toByteArray();
    }
}
