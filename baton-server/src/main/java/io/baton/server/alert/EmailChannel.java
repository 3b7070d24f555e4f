package io.baton.server.alert;

import io.baton.core.config.AlertsConfig;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Date;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Sends each notice as a plain-text e-mail through an SMTP server, with Jakarta Mail (Eclipse Angus). The
 * connection is always encrypted: STARTTLS is required when configured, so a server that does not offer it
 * is an error rather than a fallback to plain text, and the server's certificate must match its host name.
 * The password is read from its file at each send and never logged. A failed send is retried after the
 * configured backoff, doubled before each later retry.
 */
final class EmailChannel implements AlertChannel {

    private final AlertsConfig.Email config;

    EmailChannel(AlertsConfig.Email config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public boolean wants(Notice notice) {
        return !notice.route().emailTo().isEmpty();
    }

    @Override
    public void send(Notice notice) throws ChannelException, InterruptedException {
        String target = "sending the e-mail through " + config.host() + ":" + config.port();
        new DeliveryRetries(target, config.retries(), config.backoff()).deliver(notice, () -> attempt(notice));
    }

    /** Sends once and returns null on success, or what went wrong. */
    private String attempt(Notice notice) {
        try {
            Session session = Session.getInstance(properties());
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(config.from()));
            for (String to : notice.route().emailTo()) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            }
            message.setSubject(subject(notice), "UTF-8");
            message.setText(text(notice), "UTF-8");
            message.setSentDate(Date.from(notice.at()));
            if (config.user() == null) {
                Transport.send(message);
            } else {
                Transport.send(message, config.user(), password());
            }
            return null;
        } catch (MessagingException | IOException | GeneralSecurityException e) {
            return e.toString();
        }
    }

    private Properties properties() throws IOException, GeneralSecurityException {
        Properties p = new Properties();
        p.put("mail.smtp.host", config.host());
        p.put("mail.smtp.port", Integer.toString(config.port()));
        String millis = Long.toString(config.timeout().toMillis());
        p.put("mail.smtp.connectiontimeout", millis);
        p.put("mail.smtp.timeout", millis);
        p.put("mail.smtp.writetimeout", millis);
        p.put("mail.smtp.auth", Boolean.toString(config.user() != null));
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        if (config.tls() == AlertsConfig.Tls.IMPLICIT) {
            p.put("mail.smtp.ssl.enable", "true");
        } else {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        if (config.trustFile() != null) {
            // Angus uses this factory for implicit TLS and for the STARTTLS upgrade alike.
            p.put("mail.smtp.ssl.socketFactory", trustingContext().getSocketFactory());
        }
        return p;
    }

    /** Builds a TLS context that trusts only the certificates of the PEM file {@code trustFile}. */
    private SSLContext trustingContext() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(config.trustFile())) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("trusted-" + i++, c);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private String password() throws IOException {
        return Files.readString(config.passwordFile(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
    }

    static String subject(Notice n) {
        Alert a = n.alert();
        String about = a.service() == null ? "node " + a.node() : "service " + a.service();
        String status = n.status() == Notice.Status.RESOLVED ? "RESOLVED" : "ALERT " + a.severity().text();
        return "[Baton] " + status + " " + a.kind().text() + ": " + about;
    }

    static String text(Notice n) {
        Alert a = n.alert();
        return "Status:   " + n.status().text() + "\n"
                + "Kind:     " + a.kind().text() + " (" + a.severity().text() + ")\n"
                + "Service:  " + (a.service() == null ? "-" : a.service()) + "\n"
                + "Run:      " + (a.run() == 0 ? "-" : a.run()) + "\n"
                + "Node:     " + a.node() + "\n"
                + "Since:    " + n.since() + "\n"
                + "Repeats:  " + n.repeats() + "\n\n"
                + a.message() + "\n";
    }
}
