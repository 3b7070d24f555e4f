package io.baton.transport.sftp;

import io.baton.core.config.RemoteSpec;
import io.baton.transport.RemoteConnector;
import io.baton.transport.Secrets;
import io.baton.transport.TransportException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens SFTP sessions with Apache MINA SSHD. Each session gets a client of its own, so the algorithms
 * one service allows never reach another service's connections.
 *
 * <p>Order of a connect: TCP connect and key exchange within {@code connectTimeout}; the host key is
 * checked by {@link HostKeyCheck} during the key exchange, so a rejected key stops the connection
 * before any credential is sent; then password or key authentication; then the SFTP channel.
 */
public final class SftpConnector implements RemoteConnector {

    private static final Logger log = LoggerFactory.getLogger(SftpConnector.class);

    @Override
    public SftpSession open(RemoteSpec spec) throws TransportException {
        SshClient client = SshClient.setUpDefaultClient();
        HostKeyCheck hostKeys = new HostKeyCheck(spec);
        client.setServerKeyVerifier(hostKeys);
        SshAlgorithms.apply(client, spec.algorithmPolicy(), KnownHostKeyTypes.read(spec));
        Duration connectTimeout = spec.connectTimeout();
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, connectTimeout);
        CoreModuleProperties.AUTH_TIMEOUT.set(client, connectTimeout);
        // MINA's own idle timeout closes a silent session; the watchdog reports stalls, so this one only backs it up.
        CoreModuleProperties.IDLE_TIMEOUT.set(client, spec.idleTimeout().multipliedBy(2));
        // Without TCP_NODELAY, Nagle's algorithm delays each small request until the last one is acknowledged, and
        // bench/sftp.sh measured downloads of 10 KiB files 2.6 times slower on loopback with it.
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        client.start();

        ClientSession session = null;
        try {
            session = client.connect(spec.user(), spec.host(), spec.port()).verify(connectTimeout).getSession();
            addIdentities(session, spec);
            session.auth().verify(connectTimeout);
            SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
            RequestLengths lengths = RequestLengths.of(sftp, spec.server());
            if (spec.algorithmPolicy() == RemoteSpec.AlgorithmPolicy.ALLOW_LEGACY) {
                // The session drops its key exchange object once the keys are in use, so the names come from the negotiated proposal.
                log.warn("Connected to {} with legacy algorithms allowed (algorithms: allow-legacy): key exchange {}, host key {}, cipher {}",
                        spec.server(), session.getNegotiatedKexParameter(KexProposalOption.ALGORITHMS),
                        session.getNegotiatedKexParameter(KexProposalOption.SERVERKEYS), cipherName(session));
            } else {
                log.info("Connected to {} (cipher {})", spec.server(), cipherName(session));
            }
            return new SftpSession(spec, client, session, sftp, lengths);
        } catch (IOException | RuntimeException e) {
            closeQuietly(session, client);
            if (e instanceof TransportException t) {
                throw t;
            }
            throw connectFailure(spec, hostKeys, e);
        }
    }

    private static String cipherName(ClientSession session) {
        return session.getNegotiatedKexParameter(KexProposalOption.C2SENC);
    }

    private static void addIdentities(ClientSession session, RemoteSpec spec) throws IOException {
        String password = Secrets.password(spec);
        if (password != null) {
            session.addPasswordIdentity(password);
        }
        if (spec.credentials().keyFile() == null) {
            return;
        }
        String passphrase = Secrets.passphrase(spec);
        FilePasswordProvider provider = passphrase == null ? FilePasswordProvider.EMPTY : FilePasswordProvider.of(passphrase);
        try (InputStream in = Files.newInputStream(spec.credentials().keyFile())) {
            Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(session,
                    NamedResource.ofName(spec.credentials().keyFile().toString()), in, provider);
            if (keys == null) {
                throw new TransportException(spec.server(), null, false, "the key file " + spec.credentials().keyFile()
                        + " holds no private key; name an OpenSSH or PEM private key in credentials.keyFile", null);
            }
            for (KeyPair key : keys) {
                session.addPublicKeyIdentity(key);
            }
        } catch (GeneralSecurityException | IOException e) {
            if (e instanceof TransportException t) {
                throw t;
            }
            if (e instanceof NoSuchAlgorithmException) {
                // MINA reports a key type it cannot read this way; a passphrase is no fix for it.
                throw new TransportException(spec.server(), null, false, "the key file " + spec.credentials().keyFile()
                        + " has a key type that is not supported (" + e.getMessage() + "); use an ed25519, ECDSA or RSA key, "
                        + "for example one made with ssh-keygen -t ed25519", e);
            }
            throw new TransportException(spec.server(), null, false, "the key file " + spec.credentials().keyFile()
                    + " cannot be loaded (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); check the file and credentials.passphraseFile", e);
        }
    }

    /** Classifies a failed connect and adds the fix. Only an unreachable server is worth a retry. */
    private static TransportException connectFailure(RemoteSpec spec, HostKeyCheck hostKeys, Exception e) {
        String server = spec.server();
        if (hostKeys.rejection() != null) {
            return new TransportException(server, null, false, "connection to " + server + " rejected before login: "
                    + hostKeys.rejection(), e);
        }
        Throwable root = rootCause(e);
        String text = String.valueOf(e.getMessage());
        if (text.contains("Unable to negotiate")) {
            return new TransportException(server, null, false, "no common algorithm with " + server + ": " + text
                    + ". If the server cannot be updated, set algorithms: allow-legacy for this connection only", e);
        }
        if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
            return new TransportException(server, null, true, "cannot connect to " + server + ": " + root.getMessage()
                    + "; check that the server runs and the host and port in uri", e);
        }
        if (root instanceof UnknownHostException) {
            return new TransportException(server, null, false, "host " + spec.host() + " is unknown; fix the host in uri", e);
        }
        if (e instanceof SshException && (text.contains("No more authentication methods") || text.contains("authentication"))) {
            return new TransportException(server, null, false, "login to " + server + " failed: the server rejected the "
                    + describeCredentials(spec) + "; check the user in uri and the credentials", e);
        }
        if (text.contains("timeout") || text.contains("Timeout") || root instanceof java.net.SocketTimeoutException) {
            return new TransportException(server, null, true, "connection to " + server + " timed out after "
                    + spec.connectTimeout().toSeconds() + " s; check that the server runs and accepts connections", e);
        }
        return new TransportException(server, null, true, "connection to " + server + " failed: " + root, e);
    }

    private static String describeCredentials(RemoteSpec spec) {
        RemoteSpec.Credentials c = spec.credentials();
        if (c.keyFile() != null) {
            return "key in " + c.keyFile() + (c.passwordFile() != null || c.passwordVariable() != null ? " and the password" : "");
        }
        return c.passwordFile() != null ? "password in " + c.passwordFile() : "password in $" + c.passwordVariable();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    static void closeQuietly(ClientSession session, SshClient client) {
        try {
            if (session != null) {
                session.close(true);
            }
        } finally {
            client.stop();
        }
    }

    @Override
    public void close() {
        // Each session owns its client, so there is nothing shared to close.
    }
}
