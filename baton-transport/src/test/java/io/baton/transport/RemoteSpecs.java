package io.baton.transport;

import io.baton.core.config.RemoteSpec;
import io.baton.core.config.RemoteSpec.AlgorithmPolicy;
import io.baton.core.config.RemoteSpec.Credentials;
import io.baton.core.config.RemoteSpec.HostKeyPolicy;
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
}
