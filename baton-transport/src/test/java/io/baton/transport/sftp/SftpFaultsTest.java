package io.baton.transport.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.config.RemoteSpec;
import io.baton.core.config.RemoteSpec.AlgorithmPolicy;
import io.baton.core.config.RemoteSpec.HostKeyPolicy;
import io.baton.core.config.ServiceDescriptor.FileOrder;
import io.baton.core.config.ServiceDescriptor.ReadinessSpec;
import io.baton.core.config.ServiceDescriptor.SourceSpec;
import io.baton.testkit.OpenSshServer;
import io.baton.transport.RemoteConnection;
import io.baton.transport.RemoteSession;
import io.baton.transport.RemoteSource;
import io.baton.transport.RemoteSpecs;
import io.baton.transport.StopRequest;
import io.baton.transport.TransportException;
import io.baton.core.source.FileIdentity;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults of a real OpenSSH sshd: a new host key, old algorithms, a killed server and a stalled one. */
class SftpFaultsTest {

    @TempDir
    Path dir;
    OpenSshServer server;
    Path remote;
    final SftpConnector connector = new SftpConnector();

    @BeforeEach
    void folders() throws Exception {
        remote = Files.createDirectories(dir.resolve("remote"));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private RemoteSpec spec(Path knownHosts) {
        return RemoteSpecs.withKey("root", server.port(), remote.toString(), server.clientKey(), knownHosts);
    }

    @Test
    void changedHostKeyRejectedWithBothFingerprints() throws Exception {
        server = OpenSshServer.start(Files.createDirectories(dir.resolve("sshd")));
        Path knownHosts = server.writeKnownHosts(dir.resolve("known_hosts"));
        try (RemoteSession s = connector.open(spec(knownHosts))) {
            assertThat(s.isOpen()).isTrue();
        }
        String pinned = Files.readString(knownHosts);
        String oldKey = Files.readString(server.dir().resolve("host_ecdsa.pub"));

        server.changeHostKey();

        assertThatThrownBy(() -> connector.open(spec(knownHosts)))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("rejected before login")
                .hasMessageContaining("has CHANGED")
                .hasMessageContaining(fingerprint(server.dir().resolve("host_ecdsa.pub")))
                .hasMessageContaining(fingerprintOf(oldKey))
                .hasMessageContaining("ssh-keygen -R");
        assertThat(Files.readString(knownHosts)).isEqualTo(pinned);

        // accept-new accepts unknown hosts only, never a changed key.
        RemoteSpec acceptNew = RemoteSpecs.with(spec(knownHosts), HostKeyPolicy.ACCEPT_NEW, AlgorithmPolicy.MODERN);
        assertThatThrownBy(() -> connector.open(acceptNew)).hasMessageContaining("has CHANGED");
        assertThat(Files.readString(knownHosts)).isEqualTo(pinned);
    }

    @Test
    void legacyAlgorithmsNeedOptIn() throws Exception {
        server = OpenSshServer.start(Files.createDirectories(dir.resolve("sshd")),
                "HostKeyAlgorithms ssh-rsa", "KexAlgorithms diffie-hellman-group14-sha1");
        Path knownHosts = server.writeKnownHosts(dir.resolve("known_hosts"));

        assertThatThrownBy(() -> connector.open(spec(knownHosts)))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("no common algorithm with sftp://root@127.0.0.1:" + server.port())
                .hasMessageContaining("diffie-hellman-group14-sha1")
                .hasMessageContaining("curve25519-sha256")
                .hasMessageContaining("algorithms: allow-legacy")
                .hasMessageNotContaining("login");

        RemoteSpec legacy = RemoteSpecs.with(spec(knownHosts), HostKeyPolicy.STRICT, AlgorithmPolicy.ALLOW_LEGACY);
        ch.qos.logback.classic.Logger connectorLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(SftpConnector.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events = new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        connectorLog.addAppender(events);
        try (RemoteSession s = connector.open(legacy)) {
            assertThat(s.list(remote.toString())).isEmpty();
        } finally {
            connectorLog.detachAppender(events);
        }
        assertThat(events.list).as("the connect warning names the negotiated algorithms")
                .anySatisfy(e -> assertThat(e.getFormattedMessage())
                        .contains("key exchange diffie-hellman-group14-sha1")
                        .contains("host key ssh-rsa")
                        .doesNotContain("?"));
    }

    @Test
    void killedServerRetriedDownloadCompletes() throws Exception {
        server = OpenSshServer.start(Files.createDirectories(dir.resolve("sshd")));
        Path knownHosts = server.writeKnownHosts(dir.resolve("known_hosts"));
        long size = 200L * 1024 * 1024;
        try (RandomAccessFile big = new RandomAccessFile(remote.resolve("big.bin").toFile(), "rw")) {
            big.setLength(size);
            big.seek(size - 4);
            big.write("tail".getBytes(StandardCharsets.US_ASCII));
        }
        RemoteSpec spec = RemoteSpecs.withIdleTimeout(spec(knownHosts), Duration.ofSeconds(30), 3);
        Path staging = Files.createDirectories(dir.resolve("staging"));
        Path local = staging.resolve("input/big.bin");

        try (RemoteConnection connection = new RemoteConnection(connector, spec, "test")) {
            RemoteSource source = new RemoteSource("test", sourceSpec(spec), connection);
            FileIdentity claimed = source.list().get(0).identity();
            CompletableFuture<Void> download = CompletableFuture.runAsync(() -> {
                try {
                    source.download(claimed, local, new StopRequest());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Path partial = local.resolveSibling(".download.part");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((!Files.exists(partial) || Files.size(partial) < 10 * 1024 * 1024) && System.nanoTime() < deadline && !download.isDone()) {
                Thread.sleep(20);
            }
            assertThat(download).as("the download was still running when the server was killed").isNotDone();
            server.restart();

            download.get(120, TimeUnit.SECONDS);
        }
        assertThat(Files.size(local)).isEqualTo(size);
        assertThat(local.resolveSibling(".download.part")).doesNotExist();
        try (RandomAccessFile copy = new RandomAccessFile(local.toFile(), "r")) {
            byte[] tail = new byte[4];
            copy.seek(size - 4);
            copy.readFully(tail);
            assertThat(new String(tail, StandardCharsets.US_ASCII)).isEqualTo("tail");
        }
    }

    @Test
    void stalledTransferAbortedAfterIdleTimeout() throws Exception {
        server = OpenSshServer.start(Files.createDirectories(dir.resolve("sshd")));
        Path knownHosts = server.writeKnownHosts(dir.resolve("known_hosts"));
        byte[] data = new byte[32 * 1024 * 1024];
        Files.write(remote.resolve("slow.bin"), data);
        RemoteSpec spec = RemoteSpecs.withIdleTimeout(spec(knownHosts), Duration.ofSeconds(2), 2);
        Path local = dir.resolve("slow.part");

        try (RemoteSession s = connector.open(spec)) {
            // Freeze the connection's sshd processes: the TCP connection stays open and no data comes.
            List<ProcessHandle> sessions = server.connectionProcesses();
            assertThat(sessions).isNotEmpty();
            for (ProcessHandle p : sessions) {
                signal("STOP", p.pid());
            }
            long start = System.nanoTime();
            try {
                assertThatThrownBy(() -> s.download(remote + "/slow.bin", local))
                        .isInstanceOf(TransportException.class)
                        .hasMessageContaining("no data for 2 s")
                        .hasMessageContaining(remote + "/slow.bin");
            } finally {
                for (ProcessHandle p : sessions) {
                    signal("CONT", p.pid());
                }
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertThat(seconds).isBetween(1L, 30L);
        }
        assertThat(local).doesNotExist();
        assertThat(Files.size(remote.resolve("slow.bin"))).isEqualTo(data.length);
    }

    private static SourceSpec sourceSpec(RemoteSpec spec) {
        return new SourceSpec(null, List.of("*"), List.of(), false, FileOrder.NAME, 1000, true, new ReadinessSpec(null, null),
                StandardCharsets.UTF_8, spec);
    }

    private static void signal(String name, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
    }

    private static String fingerprint(Path pub) throws Exception {
        return fingerprintOf(Files.readString(pub));
    }

    /** Returns the SHA256 fingerprint of a public key line, as ssh-keygen -l shows it. */
    private static String fingerprintOf(String publicKeyLine) throws Exception {
        byte[] blob = java.util.Base64.getDecoder().decode(publicKeyLine.trim().split(" ")[1]);
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(blob);
        return "SHA256:" + java.util.Base64.getEncoder().withoutPadding().encodeToString(digest);
    }
}
