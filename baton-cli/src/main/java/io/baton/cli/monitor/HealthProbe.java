package io.baton.cli.monitor;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Polls one node's unauthenticated health endpoints. {@code /health/active} returns 200 on the active node and
 * 503 with the role elsewhere. A 503 can also come from a proxy in front of a stopped node, so a node counts as
 * up but not active only when {@code /health/live} then returns 200.
 */
final class HealthProbe {

    /** Response header in which a node names itself. */
    static final String NODE_HEADER = "Baton-Node";

    private final HttpClient http;
    private final Duration timeout;

    /** @param tls the trust for HTTPS addresses, or null for the JVM's default trust store */
    HealthProbe(Duration timeout, SSLContext tls) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.http = builder.build();
        this.timeout = timeout;
    }

    /** Polls the node whose API is at {@code api}, an address without a trailing slash. */
    NodeHealth probe(URI api) throws InterruptedException {
        HttpResponse<String> active;
        try {
            active = get(api, "/health/active");
        } catch (IOException e) {
            return new NodeHealth(api, NodeHealth.State.DOWN, null, "unreachable: " + describe(e));
        }
        String nodeId = active.headers().firstValue(NODE_HEADER).orElse(null);
        if (active.statusCode() == 200) {
            return new NodeHealth(api, NodeHealth.State.ACTIVE, nodeId, "active");
        }

        String role = active.body().isBlank() ? "status " + active.statusCode() : active.body().trim();
        try {
            HttpResponse<String> live = get(api, "/health/live");
            if (live.statusCode() == 200) {
                return new NodeHealth(api, NodeHealth.State.NOT_ACTIVE, nodeId, role);
            }
            return new NodeHealth(api, NodeHealth.State.DOWN, nodeId, "/health/active returned " + active.statusCode()
                    + " and /health/live returned " + live.statusCode());
        } catch (IOException e) {
            return new NodeHealth(api, NodeHealth.State.DOWN, nodeId, "/health/active returned " + active.statusCode()
                    + ", and /health/live failed: " + describe(e));
        }
    }

    private HttpResponse<String> get(URI api, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + path)).timeout(timeout).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private String describe(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return "no response within " + timeout.toMillis() + " ms";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "TLS handshake failed (" + e.getMessage() + "); pass the node's certificate, its run/api.crt, with --trust FILE";
        }
        if (e instanceof ConnectException) {
            return e.getMessage() == null ? "connection refused" : "connection failed: " + e.getMessage();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
