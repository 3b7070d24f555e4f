package io.baton.transport.ftp;

import io.baton.core.config.RemoteSpec;
import io.baton.transport.TransportException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HexFormat;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks an FTPS server's certificate chain in two steps: first that it chains to a trusted certificate
 * (the JVM's trust store, or the PEM file named in {@code trustedCertificates}), then that the leaf
 * certificate names the host in the URI. The host check is the JDK's HTTPS endpoint identification,
 * which the connector turns on for the control connection. The reason of a rejection, with the
 * certificate's subject and SHA-256 fingerprint, is kept for the error the connector raises. One
 * instance serves one connection.
 */
final class CertificateCheck extends X509ExtendedTrustManager {

    private final RemoteSpec spec;
    private final X509ExtendedTrustManager trusted;
    private volatile String rejection;

    private CertificateCheck(RemoteSpec spec, X509ExtendedTrustManager trusted) {
        this.spec = spec;
        this.trusted = trusted;
    }

    /** Loads the trusted certificates of {@code spec}. */
    static CertificateCheck create(RemoteSpec spec) throws TransportException {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            // A null key store selects the JVM's trust store (cacerts, or javax.net.ssl.trustStore when set).
            factory.init(spec.ftp().trustedCertificates() == null ? null : keyStore(spec));
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return new CertificateCheck(spec, x509);
                }
            }
            throw new GeneralSecurityException("the JVM offers no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new TransportException(spec.server(), null, false, "the trusted certificates for " + spec.server()
                    + " cannot be loaded: " + e.getMessage() + "; check trustedCertificates and the JVM's trust store", e);
        }
    }

    private static KeyStore keyStore(RemoteSpec spec) throws TransportException, GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(spec.ftp().trustedCertificates())) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | CertificateException e) {
            throw new TransportException(spec.server(), null, false, "the trusted certificates file " + spec.ftp().trustedCertificates()
                    + " for " + spec.server() + " cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); name a readable PEM file in trustedCertificates", e);
        }
        if (certificates.isEmpty()) {
            throw new TransportException(spec.server(), null, false, "the trusted certificates file " + spec.ftp().trustedCertificates()
                    + " for " + spec.server() + " contains no certificate; put the server's certificate or its CA in it, in PEM format",
                    null);
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("an empty key store cannot be created", e);
        }
        int index = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("trusted-" + index++, certificate);
        }
        return store;
    }

    /** Returns the reason the last check rejected the server's certificate, or null. */
    String rejection() {
        return rejection;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkChain(chain, authType);
        checkHost(chain, () -> trusted.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkChain(chain, authType);
        checkHost(chain, () -> trusted.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkChain(chain, authType);
    }

    @FunctionalInterface
    private interface Check {
        void run() throws CertificateException;
    }

    /** Runs the JDK's check with the connection, which adds the host name check where endpoint identification is on. */
    private void checkHost(X509Certificate[] chain, Check check) throws CertificateException {
        try {
            check.run();
        } catch (CertificateException e) {
            rejection = wrongHost(chain, e);
            throw e;
        }
    }

    /** Checks the chain against the trusted certificates only; this variant does no host check. */
    private void checkChain(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            trusted.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            rejection = untrusted(chain, e);
            throw e;
        }
    }

    private String untrusted(X509Certificate[] chain, CertificateException e) {
        String where = spec.ftp().trustedCertificates() == null ? "the JVM's trust store"
                : "the trusted certificates in " + spec.ftp().trustedCertificates();
        return "the TLS certificate of " + spec.host() + ":" + spec.port() + " is not trusted: " + describe(chain) + " does not chain to "
                + where + " (" + e.getMessage() + "). If the server's owner confirms this fingerprint, save the certificate "
                + "(openssl s_client -connect " + spec.host() + ":" + spec.port() + " -starttls ftp -showcerts) as PEM and name "
                + "the file in trustedCertificates";
    }

    // NOTE: no test reaches this yet, because the test server's certificate names every address it listens on.
    private String wrongHost(X509Certificate[] chain, CertificateException e) {
        return "the TLS certificate of " + spec.host() + ":" + spec.port() + " is trusted but does not name the host " + spec.host()
                + ": " + describe(chain) + " (" + e.getMessage() + "). Use the host name the certificate names in uri, or ask "
                + "the server's owner for a certificate that names " + spec.host();
    }

    /** Describes the server's own certificate by subject and SHA-256 fingerprint, the form openssl x509 -fingerprint prints. */
    static String describe(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return "an empty certificate chain";
        }
        X509Certificate leaf = chain[0];
        return "subject " + leaf.getSubjectX500Principal().getName() + ", SHA-256 fingerprint " + fingerprint(leaf);
    }

    static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            return "(not computable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("an FTPS client does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("an FTPS client does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("an FTPS client does not accept client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return trusted.getAcceptedIssuers();
    }
}
