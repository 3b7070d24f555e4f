package io.baton.transport;

import io.baton.core.config.RemoteSpec;
import io.baton.core.config.RemoteSpec.AlgorithmPolicy;
import io.baton.core.config.RemoteSpec.Credentials;
import io.baton.core.config.RemoteSpec.DataConnectionMode;
import io.baton.core.config.RemoteSpec.FtpOptions;
import io.baton.core.config.RemoteSpec.HostKeyPolicy;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** Remote settings for tests against a server on 127.0.0.1, with short timeouts and backoff. */
public final class RemoteSpecs {

    private RemoteSpecs() {
    }

    public static RemoteSpec withKey(String user, int port, String folder, Path key, Path knownHosts) {
        return new RemoteSpec("sftp", "127.0.0.1", port, user, folder, new Credentials(null, null, key, null, null), knownHosts,
                HostKeyPolicy.STRICT, AlgorithmPolicy.MODERN, Duration.ofSeconds(20), Duration.ofSeconds(20), 2, Duration.ofMillis(200),
                null);
    }

    public static RemoteSpec with(RemoteSpec s, Credentials credentials) {
        return new RemoteSpec(s.protocol(), s.host(), s.port(), s.user(), s.folder(), credentials, s.knownHosts(), s.hostKeyPolicy(),
                s.algorithmPolicy(), s.connectTimeout(), s.idleTimeout(), s.retries(), s.retryBackoff(), s.ftp());
    }

    public static RemoteSpec with(RemoteSpec s, HostKeyPolicy hostKeys, AlgorithmPolicy algorithms) {
        return new RemoteSpec(s.protocol(), s.host(), s.port(), s.user(), s.folder(), s.credentials(), s.knownHosts(), hostKeys,
                algorithms, s.connectTimeout(), s.idleTimeout(), s.retries(), s.retryBackoff(), s.ftp());
    }

    public static RemoteSpec withIdleTimeout(RemoteSpec s, Duration idle, int retries) {
        return new RemoteSpec(s.protocol(), s.host(), s.port(), s.user(), s.folder(), s.credentials(), s.knownHosts(), s.hostKeyPolicy(),
                s.algorithmPolicy(), s.connectTimeout(), idle, retries, Duration.ofSeconds(1), s.ftp());
    }

    /** Returns FTP settings (passive, UTF-8) for {@code protocol} ftp or ftps, with the password in {@code passwordFile}. */
    public static RemoteSpec ftp(String protocol, String user, int port, String folder, Path passwordFile) {
        return new RemoteSpec(protocol, "127.0.0.1", port, user, folder, new Credentials(passwordFile, null, null, null, null), null,
                HostKeyPolicy.STRICT, AlgorithmPolicy.MODERN, Duration.ofSeconds(20), Duration.ofSeconds(20), 2, Duration.ofMillis(200),
                new FtpOptions(DataConnectionMode.PASSIVE, StandardCharsets.UTF_8, null));
    }

    public static RemoteSpec with(RemoteSpec s, FtpOptions ftp) {
        return new RemoteSpec(s.protocol(), s.host(), s.port(), s.user(), s.folder(), s.credentials(), s.knownHosts(), s.hostKeyPolicy(),
                s.algorithmPolicy(), s.connectTimeout(), s.idleTimeout(), s.retries(), s.retryBackoff(), ftp);
    }

    public static RemoteSpec withMode(RemoteSpec s, DataConnectionMode mode) {
        return with(s, new FtpOptions(mode, s.ftp().controlEncoding(), s.ftp().trustedCertificates()));
    }

    public static RemoteSpec withEncoding(RemoteSpec s, Charset encoding) {
        return with(s, new FtpOptions(s.ftp().mode(), encoding, s.ftp().trustedCertificates()));
    }

    public static RemoteSpec withTrustedCertificates(RemoteSpec s, Path pem) {
        return with(s, new FtpOptions(s.ftp().mode(), s.ftp().controlEncoding(), pem));
    }
}
