package io.baton.transport.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.config.RemoteSpec;
import io.baton.core.config.ServiceDescriptor.FileOrder;
import io.baton.core.config.ServiceDescriptor.ReadinessSpec;
import io.baton.core.config.ServiceDescriptor.SourceSpec;
import io.baton.core.source.FileIdentity;
import io.baton.transport.RemoteConnection;
import io.baton.transport.RemoteConnector;
import io.baton.transport.RemoteFile;
import io.baton.transport.RemoteNames;
import io.baton.transport.RemoteSession;
import io.baton.transport.RemoteSource;
import io.baton.transport.RemoteSpecs;
import io.baton.transport.StopRequest;
import io.baton.transport.TransportException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FTP client against {@link ScriptedFtpServer}: Latin-1 names on a server without UTF-8, stalled downloads and their stop. */
class FtpFaultsTest {

    /** "café.csv" with é as the single Latin-1 byte 0xE9, as the server stores it. */
    private static final String LATIN1_NAME = "caf\u00e9.csv";

    @TempDir
    Path dir;
    ScriptedFtpServer server;
    final FtpConnector connector = new FtpConnector();

    @BeforeEach
    void startServer() throws Exception {
        server = new ScriptedFtpServer();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    private RemoteSpec spec() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "secret\n");
        return RemoteSpecs.ftp("ftp", "partner", server.port(), ScriptedFtpServer.FOLDER, password);
    }

    @Test
    void latin1NameWithoutSettingLeftInPlace() throws Exception {
        server.files.put(LATIN1_NAME, "latin-1".getBytes(StandardCharsets.US_ASCII));

        try (RemoteSession s = connector.open(spec())) {
            RemoteFile listed = s.list(ScriptedFtpServer.FOLDER).get(0);
            assertThat(listed.name()).isEqualTo("caf\uFFFD.csv");
            assertThat(RemoteNames.problem(listed.name())).contains("cannot be decoded", "controlEncoding");

            Path local = dir.resolve("local.csv");
            assertThatThrownBy(() -> s.download(ScriptedFtpServer.FOLDER + "/" + listed.name(), local))
                    .isInstanceOfSatisfying(TransportException.class, e -> {
                        assertThat(e.transientFault()).isFalse();
                        assertThat(e.getMessage()).contains("name cannot be decoded with the control encoding UTF-8; set controlEncoding");
                    });
            assertThat(local).doesNotExist();
        }
        assertThat(server.commands).noneMatch(c -> c.startsWith("RETR") || c.startsWith("RNFR") || c.startsWith("DELE"));
        assertThat(server.commands).noneMatch(c -> c.startsWith("OPTS"));
        assertThat(server.files).containsOnlyKeys(LATIN1_NAME);
    }

    @Test
    void latin1NameWithSettingRoundTrips() throws Exception {
        server.files.put(LATIN1_NAME, "latin-1".getBytes(StandardCharsets.US_ASCII));
        RemoteSpec latin1 = RemoteSpecs.withEncoding(spec(), StandardCharsets.ISO_8859_1);

        try (RemoteSession s = connector.open(latin1)) {
            RemoteFile listed = s.list(ScriptedFtpServer.FOLDER).get(0);
            assertThat(listed.name()).isEqualTo("café.csv");
            assertThat(RemoteNames.problem(listed.name())).isNull();
            assertThat(s.download(ScriptedFtpServer.FOLDER + "/café.csv", dir.resolve("cafe.csv"))).isEqualTo(7);
            s.rename(ScriptedFtpServer.FOLDER + "/café.csv", ScriptedFtpServer.FOLDER + "/déjà.csv");
            s.upload(dir.resolve("cafe.csv"), ScriptedFtpServer.FOLDER + "/Überweisung_März.csv");

            assertThatThrownBy(() -> s.upload(dir.resolve("cafe.csv"), ScriptedFtpServer.FOLDER + "/订单_2024.csv"))
                    .isInstanceOfSatisfying(TransportException.class,
                            e -> assertThat(e.getMessage()).contains("cannot be encoded in the control encoding ISO-8859-1"));
        }
        // Each char of a key is one byte on the wire: the names went out as single Latin-1 bytes, not as '?'.
        assertThat(server.files).containsOnlyKeys("d\u00e9j\u00e0.csv", "\u00dcberweisung_M\u00e4rz.csv");
        assertThat(server.commands).noneMatch(c -> c.contains("?"));
    }

    @Test
    void stalledDownloadAbortedAfterIdleTimeout() throws Exception {
        byte[] content = new byte[1024 * 1024];
        server.files.put("big.bin", content);
        server.stallAfter.put("big.bin", 64 * 1024);
        RemoteSpec spec = RemoteSpecs.withIdleTimeout(spec(), Duration.ofSeconds(2), 0);
        Path local = dir.resolve("big.bin");

        try (RemoteSession s = connector.open(spec)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> s.download(ScriptedFtpServer.FOLDER + "/big.bin", local))
                    .isInstanceOfSatisfying(TransportException.class, e -> {
                        assertThat(e.getMessage()).contains("no data for 2 s", "big.bin");
                        assertThat(e.path()).isEqualTo(ScriptedFtpServer.FOLDER + "/big.bin");
                    });
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertThat(seconds).isBetween(1L, 15L);
            assertThat(s.isOpen()).isFalse();
        }
        assertThat(local).doesNotExist();
        assertThat(server.files.get("big.bin")).hasSize(content.length);
        assertThat(server.commands).noneMatch(c -> c.startsWith("DELE") || c.startsWith("RNFR"));
    }

    @Test
    void closeStopsStalledDownload() throws Exception {
        server.files.put("big.bin", new byte[1024 * 1024]);
        server.stallAfter.put("big.bin", 64 * 1024);
        // A long idle timeout, so that only the close can end the download within the test's bound.
        RemoteSpec spec = RemoteSpecs.withIdleTimeout(spec(), Duration.ofSeconds(120), 0);
        Path local = dir.resolve("big.bin");
        RemoteSession s = connector.open(spec);

        CompletableFuture<Long> download = CompletableFuture.supplyAsync(() -> {
            try {
                return s.download(ScriptedFtpServer.FOLDER + "/big.bin", local);
            } catch (TransportException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        assertThat(server.stalled.await(20, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        s.close();

        assertThatThrownBy(() -> download.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TransportException.class);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
        assertThat(local).doesNotExist();
    }

    @Test
    void refusedConnectIsRetried() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Path password = Files.writeString(dir.resolve("password"), "secret\n");
        // Two retries with a backoff of 200 ms: three connects to a port where nothing listens.
        RemoteSpec spec = RemoteSpecs.ftp("ftp", "partner", closedPort, ScriptedFtpServer.FOLDER, password);
        java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();
        RemoteConnector counting = new RemoteConnector() {
            @Override
            public RemoteSession open(RemoteSpec s) throws TransportException {
                connects.incrementAndGet();
                return connector.open(s);
            }

            @Override
            public void close() {
                connector.close();
            }
        };

        try (RemoteConnection connection = new RemoteConnection(counting, spec, "test")) {
            assertThatThrownBy(() -> connection.call("a.csv", new StopRequest(), session -> null))
                    .isInstanceOf(TransportException.class);
        }
        assertThat(connects.get()).as("connect attempts").isEqualTo(3);
    }

    @Test
    void stopRequestEndsStalledSourceDownload() throws Exception {
        byte[] content = new byte[1024 * 1024];
        server.files.put("big.bin", content);
        server.stallAfter.put("big.bin", 64 * 1024);
        // The idle timeout is far beyond the bound below, and retries are allowed, so only a stop that
        // closes the connection and is not retried ends the download in time.
        RemoteSpec spec = RemoteSpecs.withIdleTimeout(spec(), Duration.ofSeconds(30), 2);
        Path local = Files.createDirectories(dir.resolve("staging")).resolve("input");
        StopRequest stop = new StopRequest();

        try (RemoteConnection connection = new RemoteConnection(connector, spec, "test")) {
            RemoteSource source = new RemoteSource("test", sourceSpec(spec), connection);
            FileIdentity claimed = source.list().get(0).identity();
            CompletableFuture<Boolean> download = CompletableFuture.supplyAsync(() -> {
                try {
                    return source.download(claimed, local, stop);
                } catch (java.io.IOException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            assertThat(server.stalled.await(20, TimeUnit.SECONDS)).as("the server stalled the download").isTrue();
            long start = System.nanoTime();
            stop.request();

            assertThatThrownBy(() -> download.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOfSatisfying(TransportException.class, e -> {
                        assertThat(e.getMessage()).contains("stopped by request", "big.bin");
                        assertThat(e.transientFault()).isFalse();
                    });
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
        }
        assertThat(local).doesNotExist();
        assertThat(local.resolveSibling(".download.part")).doesNotExist();
        assertThat(server.files.get("big.bin")).isEqualTo(content);
        assertThat(server.commands).filteredOn(c -> c.startsWith("RETR")).as("downloads sent; a stop is not retried").hasSize(1);
        assertThat(server.commands).noneMatch(c -> c.startsWith("DELE") || c.startsWith("RNFR") || c.startsWith("STOR"));
    }

    private static SourceSpec sourceSpec(RemoteSpec spec) {
        return new SourceSpec(null, List.of("*"), List.of(), false, FileOrder.NAME, 1000, true, new ReadinessSpec(null, null),
                StandardCharsets.UTF_8, spec);
    }
}
