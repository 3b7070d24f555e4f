package io.baton.transport.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.config.RemoteSpec;
import io.baton.core.config.RemoteSpec.DataConnectionMode;
import io.baton.testkit.VsftpdServer;
import io.baton.transport.RemoteFile;
import io.baton.transport.RemoteNames;
import io.baton.transport.RemoteSession;
import io.baton.transport.RemoteSpecs;
import io.baton.transport.TransportException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FTP and FTPS client against real vsftpd servers on loopback: logins, TLS, modes, names and file operations. */
class FtpAgainstVsftpdTest {

    @TempDir
    static Path dir;
    static VsftpdServer ftp;
    static VsftpdServer ftps;
    static Path passwordFile;
    static Path ftpsPasswordFile;
    final FtpConnector connector = new FtpConnector();

    @BeforeAll
    static void startServers() throws Exception {
        VsftpdServer.requireVsftpd();
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        ftp = VsftpdServer.start(Files.createDirectories(dir.resolve("ftp")), false);
        passwordFile = Files.writeString(dir.resolve("ftp-password"), ftp.password() + "\n");
        ftps = VsftpdServer.start(Files.createDirectories(dir.resolve("ftps")), true);
        ftpsPasswordFile = Files.writeString(dir.resolve("ftps-password"), ftps.password() + "\n");
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (ftp != null) {
            ftp.close();
        }
        if (ftps != null) {
            ftps.close();
        }
    }

    private static RemoteSpec spec() {
        return RemoteSpecs.ftp("ftp", VsftpdServer.USER, ftp.port(), ftp.root().toString(), passwordFile);
    }

    private static RemoteSpec tlsSpec() {
        return RemoteSpecs.withTrustedCertificates(
                RemoteSpecs.ftp("ftps", VsftpdServer.USER, ftps.port(), ftps.root().toString(), ftpsPasswordFile), ftps.certificate());
    }

    /** Uploads each name to a temporary name, renames it, lists, downloads, stats and deletes it, checking bytes and names. */
    private void roundTrip(RemoteSpec spec, Path served, String folderName, List<String> names) throws Exception {
        Path local = Files.createDirectories(dir.resolve("local-" + folderName));
        for (String name : names) {
            Files.writeString(local.resolve(name), name.startsWith("empty") ? "" : "content of " + name, StandardCharsets.UTF_8);
        }

        try (RemoteSession s = connector.open(spec)) {
            String folder = served + "/" + folderName + "/nested";
            s.createFolders(folder);
            s.createFolders(folder);
            for (String name : names) {
                s.upload(local.resolve(name), folder + "/.upload.tmp");
                s.rename(folder + "/.upload.tmp", folder + "/" + name);
            }

            List<String> listed = s.list(folder).stream().map(RemoteFile::name).toList();
            assertThat(listed).containsExactlyInAnyOrderElementsOf(names);
            try (var onDisk = Files.list(served.resolve(folderName).resolve("nested"))) {
                assertThat(onDisk.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(names);
            }

            for (String name : names) {
                Path back = dir.resolve("back-" + folderName + "-" + name);
                long bytes = s.download(folder + "/" + name, back);
                assertThat(bytes).isEqualTo(Files.size(local.resolve(name)));
                assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(local.resolve(name)));
                RemoteFile stat = s.stat(folder + "/" + name);
                assertThat(stat.size()).isEqualTo(bytes);
                assertThat(stat.regularFile()).isTrue();
                long diskSeconds = Files.getLastModifiedTime(served.resolve(folderName).resolve("nested").resolve(name)).to(TimeUnit.SECONDS);
                assertThat(TimeUnit.NANOSECONDS.toSeconds(stat.mtimeNanos())).isEqualTo(diskSeconds);
            }

            for (String name : names) {
                s.delete(folder + "/" + name);
            }
            assertThat(s.list(folder)).isEmpty();
            s.delete(folder + "/" + names.get(0));
        }
    }

    @Test
    void passiveTransfersAwkwardNames() throws Exception {
        roundTrip(spec(), ftp.root(), "passive",
                List.of("with space.csv", "Überweisung_März.csv", "订单_2024.csv", "café ñ.csv", "empty.csv"));
    }

    @Test
    void activeModeTransfers() throws Exception {
        roundTrip(RemoteSpecs.withMode(spec(), DataConnectionMode.ACTIVE), ftp.root(), "active", List.of("a.csv", "empty.csv"));
    }

    @Test
    void ftpsWithTrustedCertificateTransfers() throws Exception {
        roundTrip(tlsSpec(), ftps.root(), "tls", List.of("secret orders.csv", "empty.csv"));
        roundTrip(RemoteSpecs.withMode(tlsSpec(), DataConnectionMode.ACTIVE), ftps.root(), "tls-active", List.of("b.csv"));
    }

    @Test
    void ftpsUntrustedCertificateRejected() throws Exception {
        RemoteSpec jvmTrustStore = RemoteSpecs.withTrustedCertificates(tlsSpec(), null);
        String fingerprint = openssl("x509", "-noout", "-fingerprint", "-sha256", "-in", ftps.certificate().toString())
                .strip().replaceFirst("(?i)^sha256 Fingerprint=", "");

        assertThatThrownBy(() -> connector.open(jvmTrustStore))
                .isInstanceOfSatisfying(TransportException.class, e -> {
                    assertThat(e.transientFault()).isFalse();
                    assertThat(e.getMessage()).contains("is not trusted", "CN=127.0.0.1", "SHA-256 fingerprint " + fingerprint,
                            "trustedCertificates", "JVM's trust store");
                });
    }

    @Test
    void ftpsOtherCertificateRejected() throws Exception {
        Path other = dir.resolve("other.pem");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir.resolve("other-key.pem").toString(), "-out", other.toString());

        assertThatThrownBy(() -> connector.open(RemoteSpecs.withTrustedCertificates(tlsSpec(), other)))
                .isInstanceOfSatisfying(TransportException.class, e -> {
                    assertThat(e.transientFault()).isFalse();
                    assertThat(e.getMessage()).contains("is not trusted", other.toString(), "SHA-256 fingerprint");
                });
    }

    @Test
    void renameOntoExistingFileFails() throws Exception {
        Path folder = ftp.createUserFolder("rename");
        Files.writeString(folder.resolve("yesterday.csv"), "delivered yesterday");
        Path local = Files.writeString(dir.resolve("today.csv"), "today");

        try (RemoteSession s = connector.open(spec())) {
            s.upload(local, folder + "/.tmp");
            assertThatThrownBy(() -> s.rename(folder + "/.tmp", folder + "/yesterday.csv"))
                    .isInstanceOfSatisfying(TransportException.class, e -> {
                        assertThat(e.transientFault()).isFalse();
                        assertThat(e.getMessage()).contains("target exists");
                    });
        }
        assertThat(Files.readString(folder.resolve("yesterday.csv"))).isEqualTo("delivered yesterday");
        assertThat(folder.resolve(".tmp")).exists();
    }

    @Test
    void wrongPasswordRejected() throws Exception {
        Path wrong = Files.writeString(dir.resolve("wrong-password"), "not-the-password\n");
        RemoteSpec spec = RemoteSpecs.ftp("ftp", VsftpdServer.USER, ftp.port(), ftp.root().toString(), wrong);

        assertThatThrownBy(() -> connector.open(spec))
                .isInstanceOfSatisfying(TransportException.class, e -> {
                    assertThat(e.transientFault()).isFalse();
                    assertThat(e.getMessage()).contains("login to ftp://baton-ftp@127.0.0.1:" + ftp.port() + " failed", "530",
                            wrong.toString(), "check the user in uri and the password");
                    assertThat(e.getMessage()).doesNotContain("not-the-password");
                });
    }

    @Test
    void missingFolderRejected() throws Exception {
        String missing = ftp.root() + "/no-such-folder";
        try (RemoteSession s = connector.open(spec())) {
            assertThatThrownBy(() -> s.list(missing))
                    .isInstanceOfSatisfying(TransportException.class, e -> {
                        assertThat(e.transientFault()).isFalse();
                        assertThat(e.path()).isEqualTo(missing);
                        assertThat(e.getMessage()).contains(missing, "127.0.0.1:" + ftp.port(), "550", "may be missing");
                    });
            assertThat(s.stat(missing + "/x.csv")).isNull();
            assertThat(s.isOpen()).isTrue();
        }
    }

    @Test
    void permissionDeniedRejected() throws Exception {
        // Owned by root with mode 755, so the FTP user may read but not write.
        Path locked = Files.createDirectories(ftp.root().resolve("locked"));
        Files.writeString(locked.resolve("keep.csv"), "keep");
        Path local = Files.writeString(dir.resolve("denied.csv"), "denied");

        try (RemoteSession s = connector.open(spec())) {
            assertThatThrownBy(() -> s.upload(local, locked + "/denied.csv"))
                    .isInstanceOfSatisfying(TransportException.class, e -> {
                        assertThat(e.transientFault()).isFalse();
                        assertThat(e.getMessage()).contains(locked + "/denied.csv", "write permission");
                    });
            assertThatThrownBy(() -> s.delete(locked + "/keep.csv"))
                    .isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.transientFault()).isFalse());
            assertThatThrownBy(() -> s.createFolders(locked + "/sub"))
                    .isInstanceOfSatisfying(TransportException.class, e -> assertThat(e.getMessage()).contains("write permission"));
        }
        assertThat(locked.resolve("keep.csv")).hasContent("keep");
        assertThat(locked.resolve("denied.csv")).doesNotExist();
    }

    @Test
    void serverDownIsTransient() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        RemoteSpec spec = RemoteSpecs.ftp("ftp", VsftpdServer.USER, closedPort, "/", passwordFile);

        assertThatThrownBy(() -> connector.open(spec))
                .isInstanceOfSatisfying(TransportException.class, e -> {
                    assertThat(e.transientFault()).isTrue();
                    assertThat(e.getMessage()).contains("cannot connect to ftp://baton-ftp@127.0.0.1:" + closedPort,
                            "check that the server runs");
                });
    }

    @Test
    void latin1NameNeedsControlEncoding() throws Exception {
        Path folder = ftp.createUserFolder("latin1");
        // Java cannot name a file with bytes that are invalid UTF-8 here, so the shell writes "caf\xe9.csv".
        shell("printf 'latin-1 content' > \"" + folder + "/$(printf 'caf\\351.csv')\"");

        try (RemoteSession s = connector.open(spec())) {
            List<RemoteFile> listed = s.list(folder.toString());
            assertThat(listed).hasSize(1);
            String garbled = listed.get(0).name();
            assertThat(RemoteNames.problem(garbled)).contains("cannot be decoded", "controlEncoding");
            assertThatThrownBy(() -> s.download(folder + "/" + garbled, dir.resolve("garbled.csv")))
                    .isInstanceOfSatisfying(TransportException.class, e -> {
                        assertThat(e.transientFault()).isFalse();
                        assertThat(e.getMessage()).contains("name cannot be decoded with the control encoding UTF-8; set controlEncoding");
                    });
            assertThat(dir.resolve("garbled.csv")).doesNotExist();
        }

        try (RemoteSession s = connector.open(RemoteSpecs.withEncoding(spec(), StandardCharsets.ISO_8859_1))) {
            assertThat(s.list(folder.toString())).extracting(RemoteFile::name).containsExactly("café.csv");
            assertThat(s.download(folder + "/café.csv", dir.resolve("cafe.csv"))).isEqualTo(15);
            s.rename(folder + "/café.csv", folder + "/déjà.csv");
        }
        assertThat(shell("ls " + folder + " | od -An -c").replaceAll("\\s+", " ")).contains("d 351 j 340 . c s v");
    }

    private static String openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        return run(command);
    }

    private static String shell(String script) throws Exception {
        return run(List.of("sh", "-c", script));
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(command + ": " + output).isZero();
        return output;
    }
}
