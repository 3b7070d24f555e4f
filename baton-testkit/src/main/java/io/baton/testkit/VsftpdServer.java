package io.baton.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real vsftpd on 127.0.0.1 with its own configuration in a folder of the test's own, serving the
 * folder {@link #root()} to the local user {@link #USER}, optionally with explicit TLS (FTPS) and a
 * self-signed certificate for 127.0.0.1 made by openssl.
 *
 * <p>vsftpd logs local users in through PAM, which needs root. So the server creates the user
 * {@code baton-ftp} (no home, shell /usr/sbin/nologin) when it is missing and sets a random password,
 * new for each test JVM, on each start. The PAM service name is one that has no file under /etc/pam.d, so PAM uses
 * /etc/pam.d/other (plain pam_unix on Debian): Debian's /etc/pam.d/vsftpd requires a shell listed in
 * /etc/shells, which this user lacks on purpose. When vsftpd is missing or the tests do not run as root,
 * the test is skipped, except under CI (the {@code CI} environment variable is set), where it fails.
 */
public final class VsftpdServer implements AutoCloseable {

    public static final String VSFTPD = "/usr/sbin/vsftpd";
    public static final String USER = "baton-ftp";
    private static final String PAM_SERVICE = "baton-vsftpd-test";
    private static final int PASSIVE_PORTS = 10;
    /** One password per JVM, so that servers started side by side accept the same login. */
    private static final String PASSWORD = randomPassword();

    private final Path dir;
    private final boolean tls;
    private final int port;
    private final int passivePorts;
    private final String password;
    private Process process;

    private VsftpdServer(Path dir, boolean tls, int port, int passivePorts, String password) {
        this.dir = dir;
        this.tls = tls;
        this.port = port;
        this.passivePorts = passivePorts;
        this.password = password;
    }

    /**
     * Creates the user, the served folder and the configuration in {@code dir}, and starts vsftpd on a free port.
     *
     * @param tls true for FTPS: TLS is then required for the login and for every data connection
     */
    public static VsftpdServer start(Path dir, boolean tls) throws IOException, InterruptedException {
        requireVsftpd();
        // The FTP user must pass through dir to reach its root folder; JUnit creates temporary folders with mode 700,
        // so a caller that passes a subfolder of one opens that folder too.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        createUser(PASSWORD);
        VsftpdServer server = new VsftpdServer(dir, tls, LoopbackServers.freePort(), freePortRange(), PASSWORD);
        Files.createDirectories(server.root());
        run(List.of("chown", USER + ":", server.root().toString()));
        // vsftpd chroots its unprivileged helper into secure_chroot_dir, which must exist and be empty.
        Files.createDirectories(dir.resolve("empty"));
        if (tls) {
            run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", dir.resolve("key.pem").toString(),
                    "-out", server.certificate().toString()));
        }
        server.startProcess();
        return server;
    }

    private static String randomPassword() {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** Skips the test when vsftpd is missing or the test does not run as root, outside CI; fails under CI. */
    public static void requireVsftpd() throws IOException, InterruptedException {
        String problem = null;
        if (!Files.isExecutable(Path.of(VSFTPD))) {
            problem = VSFTPD + " is missing: install it (apt-get install vsftpd) to run the tests against a real vsftpd";
        } else if (!"0".equals(output(List.of("id", "-u")).strip())) {
            problem = "vsftpd logs local users in through PAM, which needs root: run the tests as root (as .ci/run does) "
                    + "to include the tests against a real vsftpd";
        }
        if (problem == null) {
            return;
        }
        if (System.getenv("CI") != null) {
            throw new IllegalStateException(problem);
        }
        Assumptions.abort(problem);
    }

    private static void createUser(String password) throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", USER).redirectErrorStream(true).start();
        id.getInputStream().readAllBytes();
        if (id.waitFor() != 0) {
            run(List.of("useradd", "--system", "--no-create-home", "--home-dir", "/", "--shell", "/usr/sbin/nologin", USER));
        }
        Process chpasswd = new ProcessBuilder("chpasswd").redirectErrorStream(true).start();
        chpasswd.getOutputStream().write((USER + ":" + password + "\n").getBytes(StandardCharsets.UTF_8));
        chpasswd.getOutputStream().close();
        String output = new String(chpasswd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (chpasswd.waitFor() != 0) {
            throw new IOException("chpasswd for " + USER + " failed: " + output);
        }
    }

    private void startProcess() throws IOException, InterruptedException {
        List<String> config = new ArrayList<>(List.of(
                "listen=YES",
                "listen_ipv6=NO",
                "listen_address=127.0.0.1",
                "listen_port=" + port,
                "background=NO",
                "anonymous_enable=NO",
                "local_enable=YES",
                "write_enable=YES",
                "local_umask=022",
                "check_shell=NO",
                "pam_service_name=" + PAM_SERVICE,
                "local_root=" + root(),
                "chroot_local_user=NO",
                "secure_chroot_dir=" + dir.resolve("empty"),
                "pasv_enable=YES",
                "pasv_min_port=" + passivePorts,
                "pasv_max_port=" + (passivePorts + PASSIVE_PORTS - 1),
                "port_enable=YES",
                "connect_from_port_20=NO",
                "utf8_filesystem=YES",
                "use_localtime=NO",
                // Containers often forbid the system calls of these sandboxes; a test server on loopback does without them.
                "seccomp_sandbox=NO",
                "isolate=NO",
                "isolate_network=NO",
                "xferlog_enable=YES",
                "xferlog_std_format=NO",
                "log_ftp_protocol=YES",
                "vsftpd_log_file=" + dir.resolve("vsftpd.log")));
        if (tls) {
            config.addAll(List.of(
                    "ssl_enable=YES",
                    "rsa_cert_file=" + certificate(),
                    "rsa_private_key_file=" + dir.resolve("key.pem"),
                    "force_local_logins_ssl=YES",
                    "force_local_data_ssl=YES",
                    // Java's TLS client does not resume the control connection's session on data connections.
                    "require_ssl_reuse=NO"));
        }
        Path file = dir.resolve("vsftpd.conf");
        Files.write(file, config, StandardCharsets.UTF_8);
        process = new ProcessBuilder(VSFTPD, file.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("vsftpd.out").toFile())
                .start();
        LoopbackServers.awaitListening(process, port, dir.resolve("vsftpd.out"), "vsftpd");
    }

    /** Kills the listener and every connection process at once, as a crashed server would end. */
    public void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        LoopbackServers.kill(process);
        process = null;
    }

    public int port() {
        return port;
    }

    /** Returns the folder the FTP user starts in and owns. Remote paths are absolute, so it is also its own remote path. */
    public Path root() {
        return dir.resolve("root");
    }

    /** Creates a folder in {@link #root()} that the FTP user owns, as an upload folder on a real server would be. */
    public Path createUserFolder(String name) throws IOException, InterruptedException {
        Path folder = Files.createDirectories(root().resolve(name));
        run(List.of("chown", USER + ":", folder.toString()));
        return folder;
    }

    /** Returns the password of {@link #USER}. */
    public String password() {
        return password;
    }

    /** Returns the self-signed certificate of an FTPS server, in PEM format. */
    public Path certificate() {
        return dir.resolve("cert.pem");
    }

    /** Returns vsftpd's protocol log, for a test's failure message. */
    public String log() throws IOException {
        Path log = dir.resolve("vsftpd.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    /**
     * Returns the first of {@value #PASSIVE_PORTS} consecutive ports that are free now, from a random start
     * below the ports {@link LoopbackServers#freePort()} gives and below the ephemeral range.
     */
    private static int freePortRange() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(10_000, 20_000 - PASSIVE_PORTS);
            if (rangeFree(first)) {
                return first;
            }
        }
        throw new IOException("no " + PASSIVE_PORTS + " consecutive free ports found between 10000 and 20000");
    }

    private static boolean rangeFree(int first) {
        for (int p = first; p < first + PASSIVE_PORTS; p++) {
            if (!LoopbackServers.isFree(p)) {
                return false;
            }
        }
        return true;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        output(command);
    }

    private static String output(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(command + " failed: " + output);
        }
        return output;
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
