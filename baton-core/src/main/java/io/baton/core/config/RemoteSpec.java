package io.baton.core.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A folder on a remote server, reached over a file-transfer protocol, with the settings of the
 * connection. Built only by {@link RemoteSpecParser}, which validates every field.
 *
 * @param protocol       the URI scheme, such as {@code sftp}
 * @param folder         absolute path of the remote folder
 * @param connectTimeout bound on opening the connection, including the key exchange and authentication
 * @param idleTimeout    a transfer or request that receives no data for this long is aborted
 * @param retries        how many times an operation that failed on a dropped connection is tried again
 * @param retryBackoff   wait before the first retry; each further retry waits twice as long
 */
public record RemoteSpec(String protocol, String host, int port, String user, String folder, Credentials credentials,
        Path knownHosts, HostKeyPolicy hostKeyPolicy, AlgorithmPolicy algorithmPolicy, Duration connectTimeout,
        Duration idleTimeout, int retries, Duration retryBackoff) {

    /** Policy for a host that has no entry in the known-hosts file. */
    public enum HostKeyPolicy {
        /** Rejected before authentication. */
        STRICT,
        /** Accepted once and its key appended to the known-hosts file; a changed key is still rejected. */
        ACCEPT_NEW
    }

    /** Set of key-exchange and host-key algorithms the client offers. */
    public enum AlgorithmPolicy {
        /** Only algorithms without SHA-1: ssh-rsa and diffie-hellman-group14-sha1 are left out. */
        MODERN,
        /** The modern algorithms plus ssh-rsa and diffie-hellman-group14-sha1, for servers that offer nothing newer. */
        ALLOW_LEGACY
    }

    /**
     * Sources of the secrets. Each secret is read from a file or from an environment variable when
     * the connection opens, and is never kept in the descriptor, logged or returned by the API.
     */
    public record Credentials(Path passwordFile, String passwordVariable, Path keyFile, Path passphraseFile,
            String passphraseVariable) {
    }

    /** Returns {@code protocol://user@host:port}, the name of the server in logs and messages, without any secret. */
    public String server() {
        return protocol + "://" + user + "@" + host + ":" + port;
    }

    /** Returns the remote path of a name inside the folder. */
    public String pathOf(String name) {
        return folder.endsWith("/") ? folder + name : folder + "/" + name;
    }
}
