package io.baton.core.config;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A folder on a remote server, reached over a file-transfer protocol, with the settings of the
 * connection. Built only by {@link RemoteSpecParser}, which validates every field.
 *
 * @param protocol       the URI scheme: {@code sftp}, {@code ftp} or {@code ftps}
 * @param folder         absolute path of the remote folder
 * @param knownHosts     SFTP only: the known-hosts file; null for FTP and FTPS
 * @param connectTimeout bound on opening the connection, including the key exchange and authentication
 * @param idleTimeout    a transfer or request that receives no data for this long is aborted
 * @param retries        how many times an operation that failed on a dropped connection is tried again
 * @param retryBackoff   wait before the first retry; each further retry waits twice as long
 * @param ftp            FTP and FTPS settings; null for SFTP
 */
public record RemoteSpec(String protocol, String host, int port, String user, String folder, Credentials credentials,
        Path knownHosts, HostKeyPolicy hostKeyPolicy, AlgorithmPolicy algorithmPolicy, Duration connectTimeout,
        Duration idleTimeout, int retries, Duration retryBackoff, FtpOptions ftp) {

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

    /** Direction of the FTP data connections. */
    public enum DataConnectionMode {
        /** The client connects to a port the server names (PASV), which passes client-side firewalls and NAT. */
        PASSIVE,
        /** The server connects back to a port the client names (PORT). */
        ACTIVE
    }

    /**
     * Settings of an FTP or FTPS connection.
     *
     * @param mode                which side opens the data connections
     * @param controlEncoding     encoding of file names on the control connection and in listings
     * @param trustedCertificates FTPS only: a PEM file of the certificates to trust in place of the JVM's
     *                            trust store. Null selects the JVM's trust store, and plain FTP always has null
     */
    public record FtpOptions(DataConnectionMode mode, Charset controlEncoding, Path trustedCertificates) {
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
