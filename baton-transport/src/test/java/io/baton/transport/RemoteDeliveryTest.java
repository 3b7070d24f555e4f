package io.baton.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.config.RemoteSpec;
import io.baton.core.config.ServiceDescriptor.FileOrder;
import io.baton.core.config.ServiceDescriptor.ReadinessSpec;
import io.baton.core.config.ServiceDescriptor.SourceSpec;
import io.baton.core.source.FolderSource.Candidate;
import io.baton.testkit.OpenSshServer;
import io.baton.transport.sftp.SftpConnector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Remote source and target over a real sshd: listing rules, disposition and replayed deliveries. */
class RemoteDeliveryTest {

    @TempDir
    static Path dir;
    static OpenSshServer server;
    static Path knownHosts;

    @BeforeAll
    static void startServer() throws Exception {
        server = OpenSshServer.start(Files.createDirectories(dir.resolve("sshd")));
        knownHosts = server.writeKnownHosts(dir.resolve("known_hosts"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private static RemoteConnection connection(Path folder) {
        RemoteSpec spec = RemoteSpecs.withKey("root", server.port(), folder.toString(), server.clientKey(), knownHosts);
        return new RemoteConnection(new SftpConnector(), spec, "test");
    }

    private static SourceSpec source(RemoteSpec spec) {
        return new SourceSpec(null, List.of("*.csv"), List.of(".*"), false, FileOrder.NAME, 1000, true, new ReadinessSpec(null, null),
                StandardCharsets.UTF_8, spec);
    }

    @Test
    void sourceListsArchivesAndDeletes() throws Exception {
        Path outbound = Files.createDirectories(dir.resolve("outbound"));
        Files.writeString(outbound.resolve("ord 1.csv"), "a;b\n");
        Files.writeString(outbound.resolve("März.csv"), "c;d\n");
        Files.writeString(outbound.resolve("notes.txt"), "not matched");
        Files.writeString(outbound.resolve(".hidden.csv"), "excluded");
        Files.createDirectories(outbound.resolve("folder.csv"));

        try (RemoteConnection c = connection(outbound)) {
            RemoteSource source = new RemoteSource("test", source(c.spec()), c);
            List<Candidate> listed = source.list();
            assertThat(listed).extracting(x -> x.identity().relPath()).containsExactly("März.csv", "ord 1.csv");

            Path staged = dir.resolve("staging/1/input/ord 1.csv");
            source.download(listed.get(1).identity(), staged, new StopRequest());
            assertThat(Files.readString(staged)).isEqualTo("a;b\n");

            assertThat(source.archive(listed.get(1).identity(), outbound + "/done/2024", "ord 1.csv.run-1")).isNull();
            assertThat(outbound.resolve("done/2024/ord 1.csv.run-1")).hasContent("a;b");
            assertThat(outbound.resolve("ord 1.csv")).doesNotExist();
            // A replay after the move finds it done.
            assertThat(source.archive(listed.get(1).identity(), outbound + "/done/2024", "ord 1.csv.run-1")).isNull();

            Files.writeString(outbound.resolve("März.csv"), "replaced by a new delivery of another size");
            assertThat(source.delete(listed.get(0).identity())).contains("replaced by a new delivery");
            assertThat(outbound.resolve("März.csv")).exists();
        }
    }

    @Test
    void downloadOfGrowingFileNotHandedOver() throws Exception {
        Path outbound = Files.createDirectories(dir.resolve("growing"));
        Files.writeString(outbound.resolve("big.csv"), "first part\n");
        try (RemoteConnection c = connection(outbound)) {
            RemoteSource source = new RemoteSource("test", source(c.spec()), c);
            var claimed = source.list().get(0).identity();
            Files.writeString(outbound.resolve("big.csv"), "first part\nsecond part\n");

            Path staged = dir.resolve("staging/2/input/big.csv");
            assertThat(source.download(claimed, staged, new StopRequest())).as("download of a file that grew since its claim").isFalse();
            assertThat(staged).doesNotExist();
            assertThat(staged.resolveSibling(".download.part")).doesNotExist();
        }
    }

    @Test
    void targetReplayDeliversOnce() throws Exception {
        Path inbound = Files.createDirectories(dir.resolve("inbound"));
        Path staged = Files.writeString(dir.resolve("output.jsonl"), "{\"a\":1}\n");
        List<String> recorded = new ArrayList<>();

        try (RemoteConnection c = connection(inbound)) {
            RemoteTarget target = new RemoteTarget(c);
            // The node of epoch 3 dies right after the upload was recorded, before the rename.
            assertThatThrownBy(() -> target.deliver(41, 0, 3, staged, "out.jsonl", epoch -> {
                recorded.add("uploaded in " + epoch);
                throw new IllegalStateException("node killed");
            })).hasMessage("node killed");
            assertThat(inbound.resolve(RemoteTarget.temporaryName(41, 3))).exists();
            assertThat(inbound.resolve("out.jsonl")).doesNotExist();

            // The replay by epoch 4 resumes from the recorded sub-step: no second upload.
            Files.delete(staged);
            target.deliver(41, 3, 4, staged, "out.jsonl", epoch -> recorded.add("again"));
            assertThat(inbound.resolve("out.jsonl")).hasContent("{\"a\":1}");
            assertThat(inbound.resolve(RemoteTarget.temporaryName(41, 3))).doesNotExist();

            // A replay after the rename, whose end was not recorded, finds the delivery complete.
            target.deliver(41, 3, 5, staged, "out.jsonl", epoch -> recorded.add("again"));
            assertThat(recorded).containsExactly("uploaded in 3");
        }
        try (var files = Files.list(inbound)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void vanishedUploadIsRepeated() throws Exception {
        Path inbound = Files.createDirectories(dir.resolve("inbound-lost"));
        Path staged = Files.writeString(dir.resolve("lost.jsonl"), "{\"b\":2}\n");
        List<Long> recorded = new ArrayList<>();

        try (RemoteConnection c = connection(inbound)) {
            // Epoch 2 recorded its upload, but someone removed the temporary file before the rename.
            new RemoteTarget(c).deliver(9, 2, 6, staged, "b.jsonl", recorded::add);
        }
        assertThat(recorded).containsExactly(6L);
        assertThat(inbound.resolve("b.jsonl")).hasContent("{\"b\":2}");
        try (var files = Files.list(inbound)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void lateUploadMissesDeliveredFile() throws Exception {
        Path inbound = Files.createDirectories(dir.resolve("inbound-fenced"));
        Path staged = Files.writeString(dir.resolve("f.jsonl"), "{\"c\":3}\n");
        // A fenced node of epoch 2 still writes its own temporary file; the new epoch never uses that name.
        Path late = Files.writeString(inbound.resolve(RemoteTarget.temporaryName(12, 2)), "partial");

        try (RemoteConnection c = connection(inbound)) {
            new RemoteTarget(c).deliver(12, 0, 3, staged, "c.jsonl", epoch -> { });
        }
        Files.writeString(late, "more bytes from the fenced node", java.nio.file.StandardOpenOption.APPEND);
        assertThat(inbound.resolve("c.jsonl")).hasContent("{\"c\":3}");
    }

    @Test
    void earlierEpochsPartialUploadsAreRemoved() throws Exception {
        Path inbound = Files.createDirectories(dir.resolve("inbound-leftover"));
        Path staged = Files.writeString(dir.resolve("l.jsonl"), "{\"d\":4}\n");
        // Epochs 2 and 3 were killed in the middle of their uploads; action 30 is another output's.
        Files.writeString(inbound.resolve(RemoteTarget.temporaryName(21, 2)), "part");
        Files.writeString(inbound.resolve(RemoteTarget.temporaryName(21, 3)), "partial");
        Files.writeString(inbound.resolve(RemoteTarget.temporaryName(30, 3)), "another output");

        try (RemoteConnection c = connection(inbound)) {
            RemoteTarget target = new RemoteTarget(c);
            target.deliver(21, 0, 4, staged, "d.jsonl", epoch -> { });
            target.removeEarlierUploads(21, 2, 4);
        }
        try (var files = Files.list(inbound)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly(RemoteTarget.temporaryName(30, 3), "d.jsonl");
        }
    }

    @Test
    void targetNeverTakesYesterdaysFile() throws Exception {
        Path inbound = Files.createDirectories(dir.resolve("inbound-old"));
        Files.writeString(inbound.resolve("out.jsonl"), "{\"a\":0}\n");
        Path staged = Files.writeString(dir.resolve("today.jsonl"), "{\"a\":1}\n");

        try (RemoteConnection c = connection(inbound)) {
            RemoteTarget target = new RemoteTarget(c);
            assertThatThrownBy(() -> target.deliver(7, 0, 1, staged, "out.jsonl", epoch -> { }))
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining("target file " + inbound + "/out.jsonl exists")
                    .hasMessageContaining("never replaces");
        }
        assertThat(inbound.resolve("out.jsonl")).hasContent("{\"a\":0}");
        assertThat(inbound.resolve(RemoteTarget.temporaryName(7, 1))).doesNotExist();
    }
}
