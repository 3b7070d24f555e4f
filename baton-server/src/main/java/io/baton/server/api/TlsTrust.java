package io.baton.server.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Client TLS contexts that trust a given set of certificates, for calls from one Baton node or CLI to a node's API. */
public final class TlsTrust {

    private TlsTrust() {
    }

    /** Builds a context that trusts the certificates in {@code certificates} and no others. */
    public static SSLContext trusting(Collection<? extends Certificate> certificates) throws GeneralSecurityException, IOException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        int n = 0;
        for (Certificate c : certificates) {
            trusted.setCertificateEntry("trusted-" + n++, c);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /**
     * Builds a context that trusts only the PEM certificates in {@code file}, such as the {@code run/api.crt} a node writes.
     *
     * @throws java.nio.file.NoSuchFileException when the file is missing
     * @throws GeneralSecurityException when the file does not contain valid certificates
     */
    public static SSLContext trustingPem(Path file) throws GeneralSecurityException, IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return trusting(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
    }
}
