package io.baton.testkit;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.wiser.Wiser;
import org.subethamail.wiser.WiserMessage;

/**
 * A real SMTP server on 127.0.0.1 (SubEthaSMTP's Wiser) that requires TLS, by STARTTLS or from the first
 * byte (implicit TLS), and a login, and keeps the messages it receives. Its certificate is self-signed for {@code localhost} and {@code 127.0.0.1}, made
 * with the JDK's keytool; {@link #trustFile()} is that certificate in PEM, for the client to trust.
 * {@link #rejectLogins} makes it reject the next logins, as a server that is briefly unavailable would.
 */
public final class SmtpMailbox implements AutoCloseable {

    private static final String STORE_PASSWORD = "changeit";

    private final Path trustFile;
    private final Wiser wiser;
    private final AtomicInteger loginsToReject;
    private final AtomicInteger rejectedLogins;

    /** One received message: the envelope recipient, the subject and the text. */
    public record Mail(String to, String subject, String text) {
    }

    private SmtpMailbox(Path trustFile, Wiser wiser, AtomicInteger loginsToReject, AtomicInteger rejectedLogins) {
        this.trustFile = trustFile;
        this.wiser = wiser;
        this.loginsToReject = loginsToReject;
        this.rejectedLogins = rejectedLogins;
    }

    /** Starts a server that requires STARTTLS and accepts only {@code user} with {@code password}; key files go to {@code dir}. */
    public static SmtpMailbox start(Path dir, String user, String password) throws IOException, InterruptedException, GeneralSecurityException {
        return start(dir, user, password, false);
    }

    /** Starts a server like {@link #start(Path, String, String)}, with TLS from the first byte when {@code implicitTls} is true. */
    public static SmtpMailbox start(Path dir, String user, String password, boolean implicitTls)
            throws IOException, InterruptedException, GeneralSecurityException {
        Files.createDirectories(dir);
        Path keyStore = dir.resolve("smtp.p12");
        Path pem = dir.resolve("smtp-ca.pem");
        keytool("-genkeypair", "-alias", "smtp", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "smtp", "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD,
                "-file", pem.toString());

        SSLContext tls = serverContext(keyStore);
        SMTPServer.Builder server = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()).hostName("localhost");
        if (implicitTls) {
            server.serverSocketFactory(tls);
        } else {
            server.startTlsSocketFactory(tls).requireTLS();
        }
        AtomicInteger loginsToReject = new AtomicInteger();
        AtomicInteger rejectedLogins = new AtomicInteger();
        server.authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((u, p, context) -> {
            if (loginsToReject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                rejectedLogins.incrementAndGet();
                throw new LoginFailedException("login rejected by the test, as by a server that is briefly unavailable");
            }
            if (!user.equals(u) || !password.equals(p)) {
                throw new LoginFailedException("invalid user or password");
            }
        })).requireAuth();
        Wiser wiser = Wiser.create(server);
        wiser.start();
        return new SmtpMailbox(pem, wiser, loginsToReject, rejectedLogins);
    }

    /** Rejects the next {@code count} logins, whatever the user and password. */
    public void rejectLogins(int count) {
        loginsToReject.set(count);
    }

    /** Returns how many logins {@link #rejectLogins} made the server reject. */
    public int rejectedLogins() {
        return rejectedLogins.get();
    }

    public int port() {
        return wiser.getServer().getPortAllocated();
    }

    /** Returns the PEM file of the server's certificate. */
    public Path trustFile() {
        return trustFile;
    }

    /** Returns the messages received so far, one per envelope recipient. */
    public List<Mail> messages() {
        List<Mail> out = new ArrayList<>();
        for (WiserMessage m : wiser.getMessages()) {
            try {
                MimeMessage mime = m.getMimeMessage();
                out.add(new Mail(m.getEnvelopeReceiver(), mime.getSubject(), mime.getContent().toString()));
            } catch (MessagingException | IOException e) {
                throw new IllegalStateException("cannot read a received message: " + e, e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        wiser.stop();
    }

    private static SSLContext serverContext(Path keyStore) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keyStore.toFile())) {
            store.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, STORE_PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }
}
