package io.baton.transport.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.config.RemoteSpec;
import io.baton.core.config.RemoteSpec.AlgorithmPolicy;
import io.baton.core.config.RemoteSpec.Credentials;
import io.baton.core.config.RemoteSpec.HostKeyPolicy;
import io.baton.testkit.OpenSshServer;
import io.baton.transport.RemoteFile;
import io.baton.transport.RemoteSession;
import io.baton.transport.RemoteSpecs;
import io.baton.transport.TransportException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SFTP client against one real OpenSSH sshd on loopback: logins, host keys and file operations. */
class SftpAgainstOpenSshTest {

    @TempDir
    static Path dir;
    static OpenSshServer server;
    static Path knownHosts;
    static Path remote;
    final SftpConnector connector = new SftpConnector();

    @BeforeAll
    static void startServer() throws Exception {
        // The user "nobody" logs in too: sshd reads the authorized keys as that user, under this folder.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(dir.resolve("sshd"));
        server = OpenSshServer.start(dir.resolve("sshd"));
        knownHosts = server.writeKnownHosts(dir.resolve("known_hosts"));
        remote = Files.createDirectories(dir.resolve("remote"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private RemoteSpec spec() {
        return RemoteSpecs.withKey("root", server.port(), remote.toString(), server.clientKey(), knownHosts);
    }

    @Test
    void keyLoginTransfersAwkwardNames() throws Exception {
        Path local = dir.resolve("local");
        Files.createDirectories(local);
        List<String> names = List.of("with space.csv", "Überweisung_März.csv", "订单_2024.csv", "empty.csv");
        for (String name : names) {
            Files.writeString(local.resolve(name), name.equals("empty.csv") ? "" : "content of " + name, StandardCharsets.UTF_8);
        }

        try (RemoteSession s = connector.open(spec())) {
            String folder = remote + "/up/nested";
            s.createFolders(folder);
            for (String name : names) {
                s.upload(local.resolve(name), folder + "/" + name);
            }
            List<String> listed = s.list(folder).stream().map(RemoteFile::name).sorted().toList();
            assertThat(listed).containsExactlyInAnyOrderElementsOf(names);

            for (String name : names) {
                Path back = dir.resolve("back-" + name);
                long bytes = s.download(folder + "/" + name, back);
                assertThat(bytes).isEqualTo(Files.size(local.resolve(name)));
                assertThat(Files.readString(back)).isEqualTo(Files.readString(local.resolve(name)));
            }
            RemoteFile empty = s.stat(folder + "/empty.csv");
            assertThat(empty.size()).isZero();
            assertThat(empty.regularFile()).isTrue();
        }
        assertThat(Files.readString(remote.resolve("up/nested/Überweisung_März.csv"))).isEqualTo("content of Überweisung_März.csv");
    }

    @Test
    void requestLengthsFromServerLimits() throws Exception {
        try (SftpSession s = connector.open(spec())) {
            // OpenSSH 9.2's sftp-server states 256 KiB minus 1 KiB for reads and writes.
            assertThat(s.requestLengths().read()).isEqualTo(261_120);
            assertThat(s.requestLengths().write()).isEqualTo(261_120);
        }
    }

    @Test
    void transfersSizesAroundRequestLength() throws Exception {
        Path local = Files.createDirectories(dir.resolve("sizes"));
        Random random = new Random(42);
        try (SftpSession s = connector.open(spec())) {
            int length = s.requestLengths().read();
            long[] sizes = {0, 1, 10 * 1024, length - 1, length, length + 1, 2L * length - 1, 2L * length, 2L * length + 1,
                    5L * length + 7};
            for (long size : sizes) {
                byte[] data = new byte[(int) size];
                random.nextBytes(data);
                Path original = Files.write(local.resolve("original-" + size), data);
                String path = remote + "/size-" + size;

                s.upload(original, path);
                assertThat(Files.readAllBytes(remote.resolve("size-" + size))).as("uploaded %d bytes", size).isEqualTo(data);

                Path back = local.resolve("back-" + size);
                long bytes = s.download(path, back);
                assertThat(bytes).as("byte count of the download of %d bytes", size).isEqualTo(size);
                assertThat(Files.readAllBytes(back)).as("downloaded %d bytes", size).isEqualTo(data);
            }
        }
    }

    @Test
    void renameNeverReplaces() throws Exception {
        Files.writeString(remote.resolve("a.txt"), "a");
        Files.writeString(remote.resolve("b.txt"), "yesterday");
        try (RemoteSession s = connector.open(spec())) {
            assertThatThrownBy(() -> s.rename(remote + "/a.txt", remote + "/b.txt"))
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining("never replaces");
        }
        assertThat(Files.readString(remote.resolve("b.txt"))).isEqualTo("yesterday");
        assertThat(remote.resolve("a.txt")).exists();
    }

    @Test
    void encryptedKeyLogsIn() throws Exception {
        assertKeyLogsIn(server.encryptedClientKey(), OpenSshServer.PASSPHRASE);
    }

    @Test
    void ed25519KeysLogIn() throws Exception {
        assertKeyLogsIn(server.ed25519ClientKey(), null);
        assertKeyLogsIn(server.encryptedEd25519ClientKey(), OpenSshServer.PASSPHRASE);
    }

    /** Opens a session with the key, and the passphrase unless it is null, and reads the remote folder. */
    private void assertKeyLogsIn(Path key, String passphrase) throws Exception {
        Path passphraseFile = null;
        if (passphrase != null) {
            passphraseFile = dir.resolve("passphrase-of-" + key.getFileName());
            Files.writeString(passphraseFile, passphrase + "\n");
        }
        RemoteSpec spec = RemoteSpecs.with(spec(), new Credentials(null, null, key, passphraseFile, null));

        try (RemoteSession s = connector.open(spec)) {
            assertThat(s.stat(remote.toString()).regularFile()).as("the remote folder, read after a login with " + key.getFileName())
                    .isFalse();
        }
    }

    @Test
    void unknownKeyTypeNamesFix() throws Exception {
        // An OpenSSH key file whose key type this client does not know, made from the ed25519 key by renaming
        // the type to one of the same length, so that every length field of the format stays right.
        List<String> lines = Files.readAllLines(server.ed25519ClientKey());
        String body = String.join("", lines.subList(1, lines.size() - 1));
        byte[] key = java.util.Base64.getDecoder().decode(body);
        String renamed = new String(key, StandardCharsets.ISO_8859_1).replace("ssh-ed25519", "ssh-ed99999");
        Path unknown = dir.resolve("client_key_unknown_type");
        Files.writeString(unknown, lines.get(0) + "\n" + java.util.Base64.getMimeEncoder(70, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(renamed.getBytes(StandardCharsets.ISO_8859_1)) + "\n" + lines.get(lines.size() - 1) + "\n");
        RemoteSpec spec = RemoteSpecs.withKey("root", server.port(), remote.toString(), unknown, knownHosts);

        assertThatThrownBy(() -> connector.open(spec))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("key type that is not supported")
                .hasMessageContaining("ssh-ed99999")
                .hasMessageContaining("ssh-keygen -t ed25519")
                .hasMessageNotContaining("passphraseFile");
    }

    @Test
    void hostKeyTypeFollowsKnownHosts() throws Exception {
        // The server has ECDSA, RSA and ed25519 host keys; each file pins one, and the client must ask for that one.
        for (String type : List.of("rsa", "ed25519", "ecdsa")) {
            Path pinned = server.writeKnownHosts(dir.resolve("known_hosts_" + type), type);
            RemoteSpec spec = RemoteSpecs.withKey("root", server.port(), remote.toString(), server.clientKey(), pinned);

            try (RemoteSession s = connector.open(spec)) {
                assertThat(s.isOpen()).as("connected with only the " + type + " host key known").isTrue();
            }
        }
    }

    @Test
    void wrongPasswordNamesLogin() throws Exception {
        Path password = dir.resolve("password");
        Files.writeString(password, "not-the-password\n");
        RemoteSpec spec = RemoteSpecs.with(spec(), new Credentials(password, null, null, null, null));

        assertThatThrownBy(() -> connector.open(spec))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("login to sftp://root@127.0.0.1:" + server.port() + " failed")
                .hasMessageContaining("password in " + password)
                .hasMessageNotContaining("not-the-password")
                .matches(e -> !((TransportException) e).transientFault(), "permanent");
    }

    @Test
    void unknownHostKeyRejectedBeforeLogin() throws Exception {
        Path empty = Files.writeString(dir.resolve("known_hosts_empty"), "");
        RemoteSpec spec = RemoteSpecs.withKey("root", server.port(), remote.toString(), server.clientKey(), empty);

        assertThatThrownBy(() -> connector.open(spec))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("rejected before login")
                .hasMessageContaining("is unknown")
                .hasMessageContaining("SHA256:")
                .hasMessageContaining("ssh-keyscan -p " + server.port());
        assertThat(Files.readString(empty)).isEmpty();
    }

    @Test
    void acceptNewRecordsTheKey() throws Exception {
        Path file = dir.resolve("known_hosts_new");
        RemoteSpec spec = RemoteSpecs.with(RemoteSpecs.withKey("root", server.port(), remote.toString(), server.clientKey(), file),
                HostKeyPolicy.ACCEPT_NEW, AlgorithmPolicy.MODERN);

        ch.qos.logback.classic.Logger checkLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(HostKeyCheck.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events = new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        checkLog.addAppender(events);
        org.slf4j.MDC.put("service", "rates");
        try (RemoteSession s = connector.open(spec)) {
            assertThat(s.isOpen()).isTrue();
        } finally {
            org.slf4j.MDC.remove("service");
            checkLog.detachAppender(events);
        }
        // The check runs on an SSH I/O thread; the warning still names the service that connected.
        assertThat(events.list).as("accept-new warnings").singleElement()
                .satisfies(e -> assertThat(e.getMDCPropertyMap()).containsEntry("service", "rates"));
        String recorded = Files.readString(file);
        assertThat(recorded).startsWith("[127.0.0.1]:" + server.port() + " ");

        RemoteSpec strict = RemoteSpecs.with(spec, HostKeyPolicy.STRICT, AlgorithmPolicy.MODERN);
        try (RemoteSession s = connector.open(strict)) {
            assertThat(s.isOpen()).isTrue();
        }
        assertThat(Files.readString(file)).isEqualTo(recorded);
    }

    @Test
    void serverDownIsTransient() throws Exception {
        RemoteSpec spec = RemoteSpecs.withKey("root", freePort(), remote.toString(), server.clientKey(), knownHosts);

        assertThatThrownBy(() -> connector.open(spec))
                .isInstanceOf(TransportException.class)
                .hasMessageContaining("cannot connect to sftp://root@127.0.0.1:" + spec.port())
                .hasMessageContaining("check that the server runs")
                .matches(e -> ((TransportException) e).transientFault(), "transient");
    }

    @Test
    void missingFolderNamesPath() throws Exception {
        try (RemoteSession s = connector.open(spec())) {
            assertThatThrownBy(() -> s.list(remote + "/no-such-folder"))
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining(remote + "/no-such-folder")
                    .hasMessageContaining("not found")
                    .hasMessageContaining("127.0.0.1:" + server.port());
        }
    }

    @Test
    void permissionDeniedNamesUser() throws Exception {
        Path closed = Files.createDirectories(dir.resolve("closed"));
        Files.setPosixFilePermissions(closed, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        RemoteSpec spec = RemoteSpecs.withKey("nobody", server.port(), closed.toString(), server.clientKey(), knownHosts);
        Path local = Files.writeString(dir.resolve("upload.txt"), "data");

        try (RemoteSession s = connector.open(spec)) {
            assertThatThrownBy(() -> s.upload(local, closed + "/x.txt"))
                    .isInstanceOf(TransportException.class)
                    .hasMessageContaining("permission denied for user nobody")
                    .hasMessageContaining(closed + "/x.txt");
        }
        assertThat(closed.resolve("x.txt")).doesNotExist();
    }

    static int freePort() throws Exception {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
