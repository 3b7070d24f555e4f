package io.baton.core.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Alert settings from the {@code alerts} section of {@code cluster.yaml}: how often an open condition is
 * notified again, the low-disk-space threshold, the webhook and e-mail channels, and the routes that send a
 * service's alerts to its owner. The log channel is always on and needs no settings.
 *
 * @param repeatInterval an open condition that repeats is notified again at most this often, with its count
 * @param diskMinFreePercent a data directory with less free space than this share, in percent, raises an alert
 * @param diskCheckEvery interval between two checks of the free space
 * @param webhook the webhook channel, or null when it is off
 * @param email the e-mail channel, or null when it is off
 * @param routes tried in order: the first that matches an alert decides its channels and recipients
 */
public record AlertsConfig(Duration repeatInterval, int diskMinFreePercent, Duration diskCheckEvery, Webhook webhook, Email email,
        List<AlertRoute> routes) {

    public static final AlertsConfig DEFAULTS = new AlertsConfig(Duration.ofHours(1), 10, Duration.ofMinutes(1), null, null, List.of());

    /** Channel names that a route may list. */
    public static final Set<String> CHANNELS = Set.of("webhook", "email");

    private static final Pattern ADDRESS = Pattern.compile("[^@\\s]+@[^@\\s]+");

    /**
     * The webhook channel: a POST of JSON to {@code url}.
     *
     * @param secretHeader header that carries the secret read from {@code secretFile}, or null for none
     * @param retries further attempts after a failed one
     * @param backoff wait before the first retry, doubled before each later one
     */
    public record Webhook(URI url, Duration timeout, int retries, Duration backoff, String secretHeader, Path secretFile) {
    }

    /** How the e-mail channel secures its SMTP connection. */
    public enum Tls {
        /** Plain connection upgraded with the STARTTLS command, usually on port 587; the upgrade is required. */
        STARTTLS,
        /** TLS from the first byte, usually on port 465. */
        IMPLICIT
    }

    /**
     * The e-mail channel: SMTP with TLS.
     *
     * @param user SMTP login, or null to send without logging in
     * @param passwordFile file whose first line is the password of {@code user}
     * @param trustFile PEM file of the certificates to trust for the SMTP server, or null for the JVM's default trust store
     * @param to recipients of alerts that no route sends elsewhere
     * @param retries further attempts after a failed one
     * @param backoff wait before the first retry, doubled before each later one
     */
    public record Email(String host, int port, Tls tls, String user, Path passwordFile, Path trustFile, String from, List<String> to,
            Duration timeout, int retries, Duration backoff) {
    }

    /**
     * Reads alert settings from a file of their own, such as the one {@code baton monitor --alerts} takes: the
     * contents of an {@code alerts} section, or a file whose top-level {@code alerts} key has them (such as
     * cluster.yaml, whose other keys are then ignored).
     *
     * @throws ConfigException when the YAML or a setting is invalid
     */
    public static AlertsConfig parse(Path file, String yaml) {
        YamlFields root = YamlFields.parse(file.toString(), yaml);
        return parse(root.has("alerts") ? root.object("alerts") : root);
    }

    /** Reads the {@code alerts} mapping; absent fields get the {@link #DEFAULTS}, absent channels are off. */
    static AlertsConfig parse(YamlFields alerts) {
        alerts.rejectUnknown(Set.of("repeatInterval", "diskSpace", "webhook", "email", "routes"));
        Duration repeatInterval = alerts.duration("repeatInterval", DEFAULTS.repeatInterval(), Duration.ofSeconds(1));

        YamlFields disk = alerts.object("diskSpace");
        disk.rejectUnknown(Set.of("minFreePercent", "every"));
        int minFree = disk.integer("minFreePercent", DEFAULTS.diskMinFreePercent(), 0, 99);
        Duration every = disk.duration("every", DEFAULTS.diskCheckEvery(), Duration.ofSeconds(1));

        Webhook webhook = alerts.has("webhook") ? webhook(alerts.object("webhook")) : null;
        Email email = alerts.has("email") ? email(alerts.object("email")) : null;
        List<AlertRoute> routes = new ArrayList<>();
        for (YamlFields route : alerts.objects("routes")) {
            routes.add(route(route, webhook != null, email != null));
        }
        return new AlertsConfig(repeatInterval, minFree, every, webhook, email, List.copyOf(routes));
    }

    private static Webhook webhook(YamlFields w) {
        w.rejectUnknown(Set.of("url", "timeout", "retries", "backoff", "secretHeader", "secretFile"));
        String url = w.requiredString("url", "the http or https URL that receives the alerts");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw w.error("url", url, "an http or https URL (" + e.getMessage() + ")");
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw w.error("url", url, "an http or https URL with a host, such as https://alerts.example.com/baton");
        }
        String header = w.string("secretHeader", null);
        String secretFile = w.string("secretFile", null);
        if ((header == null) != (secretFile == null)) {
            throw w.error(header == null ? "secretHeader" : "secretFile", null,
                    "secretHeader and secretFile together: the header name and the file whose first line is its value");
        }
        return new Webhook(uri, w.duration("timeout", Duration.ofSeconds(5), Duration.ofMillis(100)), w.integer("retries", 3, 0, 20),
                w.duration("backoff", Duration.ofSeconds(1), Duration.ofMillis(10)), header, secretFile == null ? null : Path.of(secretFile));
    }

    private static Email email(YamlFields e) {
        e.rejectUnknown(Set.of("host", "port", "tls", "user", "passwordFile", "trustFile", "from", "to", "timeout", "retries", "backoff"));
        String tlsText = e.string("tls", "starttls");
        Tls tls = switch (tlsText) {
            case "starttls" -> Tls.STARTTLS;
            case "implicit" -> Tls.IMPLICIT;
            default -> throw e.error("tls", tlsText, "starttls or implicit");
        };
        String user = e.string("user", null);
        String passwordFile = e.string("passwordFile", null);
        if ((user == null) != (passwordFile == null)) {
            throw e.error(user == null ? "user" : "passwordFile", null, "user and passwordFile together, or neither to send without a login");
        }
        String trustFile = e.string("trustFile", null);
        List<String> to = addresses(e, "to");
        if (to.isEmpty()) {
            throw e.error("to", null, "one or more recipient addresses");
        }
        return new Email(e.requiredString("host", "the SMTP server's host name"), e.integer("port", tls == Tls.IMPLICIT ? 465 : 587, 1, 65535),
                tls, user, passwordFile == null ? null : Path.of(passwordFile), trustFile == null ? null : Path.of(trustFile),
                address(e, "from", e.requiredString("from", "the sender address, such as baton@example.com")), to,
                e.duration("timeout", Duration.ofSeconds(10), Duration.ofMillis(100)), e.integer("retries", 3, 0, 20),
                e.duration("backoff", Duration.ofSeconds(1), Duration.ofMillis(10)));
    }

    private static AlertRoute route(YamlFields r, boolean webhookOn, boolean emailOn) {
        r.rejectUnknown(Set.of("service", "kinds", "channels", "email"));
        List<String> channels = r.strings("channels");
        for (String channel : channels) {
            if (!CHANNELS.contains(channel)) {
                throw r.error("channels", channel, "webhook or email (the log channel gets every alert)");
            }
            if (channel.equals("webhook") && !webhookOn || channel.equals("email") && !emailOn) {
                throw r.error("channels", channel, "a channel configured under alerts." + channel);
            }
        }
        List<String> email = addresses(r, "email");
        if (!email.isEmpty() && !emailOn) {
            throw r.error("email", email, "no recipients unless alerts.email configures the SMTP server");
        }
        List<String> kinds = r.strings("kinds");
        for (String kind : kinds) {
            if (!kind.matches("[a-z][a-z-]*")) {
                throw r.error("kinds", kind, "alert kinds such as run-failed or file-quarantined");
            }
        }
        return new AlertRoute(r.string("service", null), List.copyOf(kinds), List.copyOf(channels), email);
    }

    private static List<String> addresses(YamlFields f, String key) {
        List<String> out = new ArrayList<>();
        for (String a : f.strings(key)) {
            out.add(address(f, key, a));
        }
        return List.copyOf(out);
    }

    private static String address(YamlFields f, String key, String address) {
        if (!ADDRESS.matcher(address.trim()).matches()) {
            throw f.error(key, address, "an e-mail address such as ops@example.com");
        }
        return address.trim();
    }
}
