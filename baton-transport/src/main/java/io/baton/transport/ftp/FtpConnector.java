package io.baton.transport.ftp;

import io.baton.core.config.RemoteSpec;
import io.baton.core.config.RemoteSpec.DataConnectionMode;
import io.baton.core.config.RemoteSpec.FtpOptions;
import io.baton.transport.RemoteConnector;
import io.baton.transport.Secrets;
import io.baton.transport.TransportException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLException;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPClientConfig;
import org.apache.commons.net.ftp.FTPConnectionClosedException;
import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.ftp.FTPSClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens FTP and FTPS sessions with Apache Commons Net. FTPS is explicit TLS: the client connects to the
 * FTP port, sends AUTH TLS, checks the certificate with {@link CertificateCheck}, logs in, and protects
 * the data connections (PBSZ 0, PROT P). Every session uses binary transfers, the data connection
 * mode and the control encoding of the descriptor. With UTF-8 it sends {@code OPTS UTF8 ON} when the
 * server lists UTF8 in its FEAT reply.
 *
 * <p>Timeouts: {@code connectTimeout} bounds the TCP connect; {@code idleTimeout} bounds every wait for a
 * reply or for data, as the socket read timeout of the control and data connections.
 */
public final class FtpConnector implements RemoteConnector {

    private static final Logger log = LoggerFactory.getLogger(FtpConnector.class);

    @Override
    public FtpSession open(RemoteSpec spec) throws TransportException {
        FtpOptions options = spec.ftp();
        if (options == null) {
            throw new IllegalArgumentException("FtpConnector opens ftp and ftps connections, not " + spec.protocol());
        }
        boolean tls = spec.protocol().equals("ftps");
        CertificateCheck certificates = tls ? CertificateCheck.create(spec) : null;
        String password = Secrets.password(spec);
        FTPClient client = tls ? tlsClient(certificates) : new FTPClient();
        configure(client, spec);

        try {
            client.connect(spec.host(), spec.port());
            if (!FTPReply.isPositiveCompletion(client.getReplyCode())) {
                throw replyFailure(spec, "the server rejected the connection", FtpReplyException.lastReply(client));
            }
            login(client, spec, password);
            if (tls) {
                // RFC 4217: PBSZ 0 and PROT P make the data connections TLS too, not only the commands.
                ((FTPSClient) client).execPBSZ(0);
                ((FTPSClient) client).execPROT("P");
            }
            FtpFeatures features = FtpFeatures.read(client);
            if (options.controlEncoding().equals(StandardCharsets.UTF_8) && features.utf8()) {
                // Servers such as IIS keep names in a legacy encoding until the client asks for UTF-8.
                client.sendCommand("OPTS UTF8 ON");
            }
            if (!client.setFileType(FTP.BINARY_FILE_TYPE)) {
                throw replyFailure(spec, "the server rejected binary transfers (TYPE I)", FtpReplyException.lastReply(client));
            }
            if (options.mode() == DataConnectionMode.ACTIVE) {
                client.enterLocalActiveMode();
            } else {
                client.enterLocalPassiveMode();
            }
            log.info("Connected to {} ({} data connections, control encoding {}, server features {})", spec.server(),
                    options.mode().name().toLowerCase(java.util.Locale.ROOT), options.controlEncoding().name(), features);
            return new FtpSession(spec, client, features);
        } catch (IOException e) {
            FtpSession.disconnectQuietly(client);
            if (e instanceof TransportException t) {
                throw t;
            }
            throw connectFailure(spec, certificates, e);
        }
    }

    private static FTPSClient tlsClient(CertificateCheck certificates) {
        FTPSClient client = new FTPSClient(false);
        client.setTrustManager(certificates);
        // Turns on the JDK's host name check (HTTPS rules: subject alternative names) for the control connection.
        client.setEndpointCheckingEnabled(true);
        return client;
    }

    private static void configure(FTPClient client, RemoteSpec spec) {
        client.setControlEncoding(spec.ftp().controlEncoding().name());
        client.setConnectTimeout(Math.toIntExact(spec.connectTimeout().toMillis()));
        client.setDefaultTimeout(Math.toIntExact(spec.idleTimeout().toMillis()));
        client.setDataTimeout(spec.idleTimeout());
        FTPClientConfig config = new FTPClientConfig();
        // NOTE: LIST times are read as UTC, which vsftpd sends by default (use_localtime=NO); a server that lists
        // local times shifts them, but names and sizes are right, and MLSD or MDTM times, which are UTC by RFC 3659, are used where offered.
        config.setServerTimeZoneId("UTC");
        config.setUnparseableEntries(true);
        client.configure(config);
    }

    private static void login(FTPClient client, RemoteSpec spec, String password) throws IOException {
        if (client.login(spec.user(), password)) {
            return;
        }
        FtpReplyException reply = FtpReplyException.lastReply(client);
        if (reply.transientReply()) {
            throw replyFailure(spec, "login failed temporarily", reply);
        }
        throw new TransportException(spec.server(), null, false, "login to " + spec.server() + " failed: the server replied '"
                + reply.text() + "' for user " + spec.user() + " and the " + describePassword(spec)
                + "; check the user in uri and the password", reply);
    }

    private static TransportException replyFailure(RemoteSpec spec, String what, FtpReplyException reply) {
        boolean retry = reply.transientReply();
        return new TransportException(spec.server(), null, retry, "connection to " + spec.server() + " failed: " + what
                + " with '" + reply.text() + "'" + (retry ? "; it is temporary, so it is tried again"
                : "; check the host and port in uri and the server's configuration"), reply);
    }

    private static String describePassword(RemoteSpec spec) {
        RemoteSpec.Credentials c = spec.credentials();
        return c.passwordFile() != null ? "password in " + c.passwordFile() : "password in $" + c.passwordVariable();
    }

    /** Classifies a failed connect and adds the fix. Only an unreachable or overloaded server is worth a retry. */
    private static TransportException connectFailure(RemoteSpec spec, CertificateCheck certificates, IOException e) {
        String server = spec.server();
        if (certificates != null && certificates.rejection() != null) {
            return new TransportException(server, null, false, "connection to " + server + " rejected before login: "
                    + certificates.rejection(), e);
        }
        Throwable root = rootCause(e);
        if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
            return new TransportException(server, null, true, "cannot connect to " + server + ": " + root.getMessage()
                    + "; check that the server runs and the host and port in uri", e);
        }
        if (root instanceof UnknownHostException) {
            return new TransportException(server, null, false, "host " + spec.host() + " is unknown; fix the host in uri", e);
        }
        if (root instanceof SocketTimeoutException) {
            return new TransportException(server, null, true, "connection to " + server + " timed out (connectTimeout "
                    + spec.connectTimeout().toSeconds() + " s, idleTimeout " + spec.idleTimeout().toSeconds()
                    + " s); check that the server runs and accepts connections", e);
        }
        if (e instanceof FTPConnectionClosedException) {
            return new TransportException(server, null, true, "connection to " + server + " was closed by the server ("
                    + e.getMessage() + "); it may be overloaded, so it is tried again", e);
        }
        if (e instanceof SSLException && spec.protocol().equals("ftps") && String.valueOf(e.getMessage()).matches("^5\\d\\d.*")) {
            // FTPSClient raises the AUTH TLS reply as an SSLException when the server declines TLS.
            return new TransportException(server, null, false, "the server " + server + " declined TLS (AUTH TLS replied '"
                    + e.getMessage().strip() + "'); enable explicit TLS on the server, or use type: ftp only on a trusted network", e);
        }
        return new TransportException(server, null, true, "connection to " + server + " failed: " + root, e);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public void close() {
        // Each session owns its client, so there is nothing shared to close.
    }
}
