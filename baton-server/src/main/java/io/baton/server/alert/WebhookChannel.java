package io.baton.server.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.core.config.AlertsConfig;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sends each notice as a JSON POST: {@code {status, kind, severity, service, node, run, message, since,
 * repeats, at}}. A connection error, a timeout or a status other than 2xx is retried after the configured
 * backoff, doubled before each later retry. The secret header's value is read from its file at each send, so
 * a rotated secret applies without a restart, and it is never logged.
 */
final class WebhookChannel implements AlertChannel {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AlertsConfig.Webhook config;
    private final HttpClient http;

    WebhookChannel(AlertsConfig.Webhook config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public boolean wants(Notice notice) {
        return notice.route().webhook();
    }

    @Override
    public void send(Notice notice) throws ChannelException, InterruptedException {
        byte[] body = body(notice);
        new DeliveryRetries("POST to " + config.url(), config.retries(), config.backoff()).deliver(notice, () -> attempt(body));
    }

    /** Posts once and returns null on success, or what went wrong. */
    private String attempt(byte[] body) throws InterruptedException {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(config.url()).timeout(config.timeout())
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (config.secretHeader() != null) {
                request.header(config.secretHeader(), secret());
            }
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2 ? null : "HTTP status " + response.statusCode();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private String secret() throws IOException {
        try {
            return Files.readString(config.secretFile(), StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
        } catch (IOException e) {
            throw new IOException("cannot read the webhook secret file " + config.secretFile() + ": " + e.getClass().getSimpleName(), e);
        }
    }

    static byte[] body(Notice n) {
        Alert a = n.alert();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", n.status().text());
        json.put("kind", a.kind().text());
        json.put("severity", a.severity().text());
        json.put("service", a.service());
        json.put("node", a.node());
        json.put("run", a.run() == 0 ? null : a.run());
        json.put("message", a.message());
        json.put("since", n.since().toString());
        json.put("repeats", n.repeats());
        json.put("at", n.at().toString());
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a notice as JSON: " + e, e);
        }
    }
}
