package io.baton.server.api;

import io.baton.core.config.NodeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The API's TLS certificate and private key, loaded from the PKCS12 keystore that {@code api.tls} in
 * {@code conf/node.yaml} names. Every failure to load it names the file and what to do, so that the
 * node does not start with a broken configuration.
 *
 * <p>The node's own HTTP client, which forwards calls to the active node, trusts the Java runtime's
 * certificate authorities and every certificate in this keystore's chain. So nodes that share one
 * certificate, or whose certificates one authority in their chains issued, trust each other.
 */
final class ApiTls {

    private final Path keyStoreFile;
    private final KeyStore keyStore;
    private final char[] password;
    private final List<X509Certificate> chain;

    private ApiTls(Path keyStoreFile, KeyStore keyStore, char[] password, List<X509Certificate> chain) {
        this.keyStoreFile = keyStoreFile;
        this.keyStore = keyStore;
        this.password = password;
        this.chain = chain;
    }

    /**
     * Loads the keystore and checks that it contains a private key with a certificate.
     *
     * @throws IOException naming the file when a file is missing or unreadable, the password is wrong, or there is no key
     */
    static ApiTls load(NodeConfig.ApiTls config) throws IOException {
        Path file = config.keyStore();
        char[] password = readPassword(config.keyStorePasswordFile());
        KeyStore keyStore;
        try (InputStream in = Files.newInputStream(file)) {
            keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password);
        } catch (NoSuchFileException e) {
            throw new IOException("the API keystore " + file + " (api.tls.keyStore in conf/node.yaml) does not exist; create it, for"
                    + " example with keytool -genkeypair -storetype PKCS12, or correct the path");
        } catch (AccessDeniedException e) {
            throw new IOException("the API keystore " + file + " (api.tls.keyStore in conf/node.yaml) cannot be read by this user;"
                    + " give the node's user read access to it");
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IOException("the password in " + config.keyStorePasswordFile() + " does not open the API keystore " + file
                        + "; put the keystore's password on the first line of that file");
            }
            throw new IOException("the API keystore " + file + " is not a valid PKCS12 keystore (" + e.getMessage() + "); create it"
                    + " with keytool -storetype PKCS12, or convert a PEM key and certificate with openssl pkcs12 -export", e);
        } catch (GeneralSecurityException e) {
            throw new IOException("the API keystore " + file + " cannot be loaded: " + e.getMessage(), e);
        }
        return new ApiTls(file, keyStore, password, keyChain(file, keyStore, password));
    }

    private static char[] readPassword(Path file) throws IOException {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.isEmpty() ? new char[0] : lines.get(0).toCharArray();
        } catch (NoSuchFileException e) {
            throw new IOException("the API keystore password file " + file + " (api.tls.keyStorePasswordFile in conf/node.yaml) does"
                    + " not exist; write the keystore's password on its first line, readable by the node's user only");
        } catch (AccessDeniedException e) {
            throw new IOException("the API keystore password file " + file + " (api.tls.keyStorePasswordFile in conf/node.yaml)"
                    + " cannot be read by this user; give the node's user read access to it");
        }
    }

    /** Returns the certificate chain of the keystore's first private key, leaf first. */
    private static List<X509Certificate> keyChain(Path file, KeyStore keyStore, char[] password) throws IOException {
        try {
            for (String alias : Collections.list(keyStore.aliases())) {
                if (!keyStore.isKeyEntry(alias) || keyStore.getKey(alias, password) == null) {
                    continue;
                }
                Certificate[] certificates = keyStore.getCertificateChain(alias);
                List<X509Certificate> chain = new ArrayList<>();
                for (Certificate c : certificates == null ? new Certificate[0] : certificates) {
                    chain.add((X509Certificate) c);
                }
                if (!chain.isEmpty()) {
                    return chain;
                }
            }
        } catch (UnrecoverableKeyException e) {
            throw new IOException("the private key in the API keystore " + file + " has a password other than the keystore's; give"
                    + " the key the keystore's password (keytool -keypasswd)");
        } catch (GeneralSecurityException e) {
            throw new IOException("the API keystore " + file + " cannot be read: " + e.getMessage(), e);
        }
        throw new IOException("the API keystore " + file + " has no private key with a certificate; add one, for example with"
                + " keytool -genkeypair, or import a key and certificate with keytool -importkeystore");
    }

    /** Builds the HTTPS connector that replaces Javalin's plain HTTP one. */
    Connector connector(Server server, HttpConfiguration http, String host, int port) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(keyStore);
        ssl.setKeyStorePassword(new String(password));
        // Clients check the host name against the certificate; the server need not check the name the client asked for.
        http.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    /** Builds the client context that trusts the Java runtime's authorities and this keystore's certificates. */
    SSLContext clientContext() throws IOException {
        try {
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            List<X509Certificate> trusted = new ArrayList<>(chain);
            for (var manager : defaults.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    trusted.addAll(List.of(x509.getAcceptedIssuers()));
                }
            }
            return TlsTrust.trusting(trusted);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build the TLS client context from the API keystore " + keyStoreFile + ": " + e.getMessage(), e);
        }
    }

    /** Returns the node's certificate in PEM, which the CLI trusts when it calls this node. */
    String certificatePem() throws IOException {
        try {
            String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(chain.get(0).getEncoded());
            return "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException("cannot encode the certificate of the API keystore " + keyStoreFile + ": " + e.getMessage(), e);
        }
    }
}
