package io.baton.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real OpenSSH {@code sshd} on 127.0.0.1 with its own configuration, host keys and authorized keys
 * in a folder of the test's own, serving SFTP only ({@code internal-sftp}). Logins: {@code root} and
 * {@code nobody}, both with {@link #clientKey()}, the passphrase-protected {@link #encryptedClientKey()} or the
 * ed25519 keys {@link #ed25519ClientKey()} and {@link #encryptedEd25519ClientKey()}. The host keys are ECDSA,
 * RSA and ed25519.
 * Password login is enabled but no user has a password, so any password is a wrong one.
 *
 * <p>When {@code /usr/sbin/sshd} is missing the test is skipped, except under CI (the {@code CI}
 * environment variable is set), where it fails: {@code .ci/run} installs openssh-server.
 */
public final class OpenSshServer implements AutoCloseable {

    public static final String SSHD = "/usr/sbin/sshd";
    public static final String PASSPHRASE = "correct horse battery staple";

    private final Path dir;
    private final int port;
    private final List<String> extraConfig;
    private Process process;

    private OpenSshServer(Path dir, int port, List<String> extraConfig) {
        this.dir = dir;
        this.port = port;
        this.extraConfig = extraConfig;
    }

    /**
     * Creates keys and configuration in {@code dir} and starts the server on a free port.
     *
     * @param extraConfig sshd_config lines added after the defaults, such as {@code KexAlgorithms ...}
     */
    public static OpenSshServer start(Path dir, String... extraConfig) throws IOException, InterruptedException {
        requireSshd();
        // sshd reads the authorized keys as the logged-in user, so the user "nobody" must be able to reach them.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        OpenSshServer server = new OpenSshServer(dir, LoopbackServers.freePort(), List.of(extraConfig));
        server.keygen("ecdsa", "host_ecdsa", "");
        server.keygen("rsa", "host_rsa", "");
        server.keygen("ed25519", "host_ed25519", "");
        server.keygen("ecdsa", "client_key", "");
        server.keygen("ecdsa", "client_key_encrypted", PASSPHRASE);
        server.keygen("ed25519", "client_key_ed25519", "");
        server.keygen("ed25519", "client_key_ed25519_encrypted", PASSPHRASE);
        StringBuilder authorized = new StringBuilder();
        for (String name : List.of("client_key", "client_key_encrypted", "client_key_ed25519", "client_key_ed25519_encrypted")) {
            authorized.append(Files.readString(dir.resolve(name + ".pub")));
        }
        Files.writeString(dir.resolve("authorized_keys"), authorized);
        server.startProcess();
        return server;
    }

    /** Skips the test when sshd is missing outside CI; fails under CI. */
    public static void requireSshd() {
        if (!Files.isExecutable(Path.of(SSHD))) {
            if (System.getenv("CI") != null) {
                throw new IllegalStateException(SSHD + " is missing on CI: .ci/run must install openssh-server");
            }
            Assumptions.abort(SSHD + " is missing: install openssh-server to run the tests against a real sshd");
        }
    }

    private void keygen(String type, String name, String passphrase) throws IOException, InterruptedException {
        Files.deleteIfExists(dir.resolve(name));
        Files.deleteIfExists(dir.resolve(name + ".pub"));
        run(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", name, "-f", dir.resolve(name).toString()));
    }

    /** Replaces the host key with a new one, as a reinstalled server would have, and restarts the server. */
    public void changeHostKey() throws IOException, InterruptedException {
        kill();
        keygen("ecdsa", "host_ecdsa", "");
        startProcess();
    }

    private void startProcess() throws IOException, InterruptedException {
        Path runDir = Path.of("/run/sshd");
        if (!Files.isDirectory(runDir)) {
            // sshd refuses to start without its privilege separation folder, which a system without an init script lacks.
            Files.createDirectories(runDir);
        }
        List<String> config = new ArrayList<>(List.of(
                "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve("host_ecdsa"),
                "HostKey " + dir.resolve("host_rsa"),
                "HostKey " + dir.resolve("host_ed25519"),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "StrictModes no",
                "PermitRootLogin yes",
                "PasswordAuthentication yes",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "LogLevel ERROR",
                "MaxStartups 100",
                "Subsystem sftp internal-sftp",
                "ForceCommand internal-sftp"));
        config.addAll(extraConfig);
        Path file = dir.resolve("sshd_config");
        Files.write(file, config, StandardCharsets.UTF_8);
        process = new ProcessBuilder(SSHD, "-D", "-e", "-f", file.toString(), "-p", Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile())
                .start();
        LoopbackServers.awaitListening(process, port, dir.resolve("sshd.log"), "sshd");
    }

    /** Kills the listener and every connection process at once, as a crashed server would end. */
    public void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        LoopbackServers.kill(process);
        process = null;
    }

    /** Returns the processes that serve open connections: the listener's descendants. */
    public List<ProcessHandle> connectionProcesses() {
        return process == null ? List.of() : process.descendants().toList();
    }

    /** Starts the server again on the same port with the same keys. */
    public void restart() throws IOException, InterruptedException {
        kill();
        startProcess();
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public Path clientKey() {
        return dir.resolve("client_key");
    }

    public Path encryptedClientKey() {
        return dir.resolve("client_key_encrypted");
    }

    /** Returns an ed25519 key in OpenSSH's format without a passphrase, as {@code ssh-keygen -t ed25519} writes it. */
    public Path ed25519ClientKey() {
        return dir.resolve("client_key_ed25519");
    }

    /** Returns an ed25519 key protected by {@link #PASSPHRASE}, which ssh-keygen encrypts with bcrypt-pbkdf and AES. */
    public Path encryptedEd25519ClientKey() {
        return dir.resolve("client_key_ed25519_encrypted");
    }

    /** Writes a known_hosts file that pins this server's current ECDSA and RSA host keys, and returns its path. */
    public Path writeKnownHosts(Path file) throws IOException {
        return writeKnownHosts(file, "ecdsa", "rsa");
    }

    /** Writes a known_hosts file that pins only the host keys of the given ssh-keygen types, and returns its path. */
    public Path writeKnownHosts(Path file, String... types) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (String type : types) {
            String[] pub = Files.readString(dir.resolve("host_" + type + ".pub")).trim().split(" ");
            lines.append("[127.0.0.1]:").append(port).append(' ').append(pub[0]).append(' ').append(pub[1]).append('\n');
        }
        Files.writeString(file, lines.toString());
        return file;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(command + " failed: " + output);
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
