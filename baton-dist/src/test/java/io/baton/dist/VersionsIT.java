package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.testkit.NodeProcess;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Service versions on real node processes: deploy twice, roll back, export into a second cluster, bad archives. */
class VersionsIT {

    private static final String CONVERTER = """
            name: rates
            source: { path: in, include: "*.csv" }
            process:
              - type: csv-to-jsonl
              - type: class
                class: io.baton.testkit.steps.SlowCopyStep
                settings: { delayMillis: "0" }
            targets: [ { path: out, name: "%s" } ]
            """;

    @TempDir
    Path tmp;

    @Test
    void rollbackRunsEarlierDescriptor() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            NodeProcess node = cluster.node("versions");
            node.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            Path in = Files.createDirectories(cluster.data.resolve("in"));
            Path out = cluster.data.resolve("out");

            cluster.deployAndStart(node, CONVERTER.formatted("{basename}.v1.jsonl"));
            NodeProcess.CliResult second = node.cli("deploy", cluster.serviceFolder("rates", CONVERTER.formatted("{basename}.v2.jsonl")).toString());
            assertThat(second.exitCode()).as("second deploy: " + second.err()).isZero();
            assertThat(second.out()).as("second deploy output").contains("version 2");

            Files.writeString(in.resolve("a.csv"), "currency,rate\nCHF,0.94\n");
            TestCluster.runOnce(node, "rates");
            assertThat(out.resolve("a.v2.jsonl")).as("output of version 2").exists();

            NodeProcess.CliResult list = node.cli("versions", "rates");
            assertThat(list.exitCode()).as("versions: " + list.err()).isZero();
            assertThat(list.out()).as("versions output").contains("api-token from 127.0.0.1").contains("lib/baton-testkit.jar  sha256 ");
            JsonNode versions = node.get("/api/services/rates/versions");
            assertThat(versions.path("current").asInt()).as("current version").isEqualTo(2);
            assertThat(versions.path("versions")).as("kept versions").hasSize(2);

            NodeProcess.CliResult rollback = node.cli("rollback", "rates");
            assertThat(rollback.exitCode()).as("rollback: " + rollback.err()).isZero();
            assertThat(rollback.out()).as("rollback output").contains("now version 3, a copy of version 1");
            JsonNode after = node.get("/api/services/rates/versions");
            assertThat(after.path("current").asInt()).as("current version after rollback").isEqualTo(3);
            assertThat(after.path("versions").get(2).path("rollbackOf").asInt()).as("version 3 copies").isEqualTo(1);
            assertThat(after.path("versions").get(2).path("descriptorSha256").asText()).as("descriptor hash of version 3")
                    .isEqualTo(after.path("versions").get(0).path("descriptorSha256").asText());
            assertThat(node.get("/api/services/rates").path("state").asText()).as("state after rollback").isEqualTo("RUNNING");

            Files.writeString(in.resolve("b.csv"), "currency,rate\nEUR,1.00\n");
            TestCluster.runOnce(node, "rates");
            assertThat(out.resolve("b.v1.jsonl")).as("output after the rollback to version 1").exists();
            assertThat(out.resolve("b.v2.jsonl")).as("no output under the version 2 name").doesNotExist();

            NodeProcess.CliResult unknown = node.cli("rollback", "rates", "9");
            assertThat(unknown.exitCode()).as("exit code of a rollback to an unknown version").isEqualTo(1);
            assertThat(unknown.err()).as("message of a rollback to an unknown version").contains("no version 9").contains("1, 2, 3");
            assertThat(node.call("POST", "/api/services/rates/rollback", Map.of("version", 9)).status()).as("API status").isEqualTo(404);
            assertThat(node.get("/api/services/rates/versions").path("current").asInt()).as("current after a failed rollback").isEqualTo(3);
        }
    }

    @Test
    void exportRunsSameInAnotherCluster() throws Exception {
        try (TestCluster source = new TestCluster(tmp.resolve("a")); TestCluster target = new TestCluster(tmp.resolve("b"))) {
            NodeProcess a = source.node("export-a");
            NodeProcess b = target.node("export-b");
            a.start();
            b.start();
            a.awaitRole("ACTIVE", Duration.ofSeconds(60));
            b.awaitRole("ACTIVE", Duration.ofSeconds(60));
            String input = "currency,rate,date\nCHF,0.94,2026-01-31\nUSD,1.08,2026-01-31\nJPY,161.2,2026-01-31\n";

            source.deployAndStart(a, CONVERTER.formatted("{basename}.jsonl"));
            Files.writeString(Files.createDirectories(source.data.resolve("in")).resolve("rates.csv"), input);
            TestCluster.runOnce(a, "rates");

            Path archive = tmp.resolve("rates.zip");
            NodeProcess.CliResult export = a.cli("export", "rates", "--output", archive.toString());
            assertThat(export.exitCode()).as("export: " + export.err()).isZero();
            NodeProcess.CliResult again = a.cli("export", "rates", "--output", archive.toString());
            assertThat(again.exitCode()).as("export onto an existing file").isEqualTo(1);
            assertThat(again.err()).as("message of an export onto an existing file").contains("already exists");

            NodeProcess.CliResult deploy = b.cli("deploy", archive.toString());
            assertThat(deploy.exitCode()).as("deploy of the archive: " + deploy.err()).isZero();
            assertThat(deploy.out()).as("deploy output").contains("Deployed service rates version 1");
            assertThat(b.cli("start", "rates").exitCode()).as("start on the second cluster").isZero();
            Files.writeString(Files.createDirectories(target.data.resolve("in")).resolve("rates.csv"), input);
            TestCluster.runOnce(b, "rates");

            byte[] expected = Files.readAllBytes(source.data.resolve("out/rates.jsonl"));
            assertThat(Files.readAllBytes(target.data.resolve("out/rates.jsonl"))).as("output on the second cluster").isEqualTo(expected);
            assertThat(Files.readAllBytes(target.data.resolve("services/rates/lib/baton-testkit.jar"))).as("jar on the second cluster")
                    .isEqualTo(Files.readAllBytes(source.serviceJar));

            // Bad archives are rejected and change nothing on the second cluster.
            Map<String, byte[]> entries = entriesOf(Files.readAllBytes(archive));
            Map<String, byte[]> tampered = new LinkedHashMap<>(entries);
            tampered.put("service.yaml", CONVERTER.formatted("{basename}.evil.jsonl").getBytes());
            Map<String, byte[]> slip = new LinkedHashMap<>(entries);
            slip.put("lib/../../../escaped.jar", new byte[] {1});
            byte[] descriptorBefore = Files.readAllBytes(target.data.resolve("services/rates/service.yaml"));

            NodeProcess.CliResult changed = b.cli("deploy", write(tmp.resolve("tampered.zip"), tampered).toString());
            assertThat(changed.exitCode()).as("exit code of a tampered archive").isEqualTo(1);
            assertThat(changed.err()).as("message of a tampered archive").contains("'service.yaml' has SHA-256").contains("baton export");
            NodeProcess.CliResult escaped = b.cli("deploy", write(tmp.resolve("slip.zip"), slip).toString());
            assertThat(escaped.exitCode()).as("exit code of a zip-slip archive").isEqualTo(1);
            assertThat(escaped.err()).as("message of a zip-slip archive").contains("'lib/../../../escaped.jar'").contains("zip-slip");

            assertThat(b.get("/api/services/rates/versions").path("versions")).as("versions after bad archives").hasSize(1);
            assertThat(Files.readAllBytes(target.data.resolve("services/rates/service.yaml"))).as("descriptor after bad archives")
                    .isEqualTo(descriptorBefore);
            assertThat(target.root.resolve("escaped.jar")).as("file outside the data directory").doesNotExist();
            assertThat(target.data.resolve("escaped.jar")).as("file in the data directory").doesNotExist();
        }
    }

    private static Map<String, byte[]> entriesOf(byte[] archive) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(archive))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static Path write(Path file, Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return Files.write(file, bytes.toByteArray());
    }
}
