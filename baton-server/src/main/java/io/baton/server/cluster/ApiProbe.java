package io.baton.server.cluster;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** Probes another node's API through its unauthenticated {@code /health/live} endpoint. */
public final class ApiProbe {

    private final Duration timeout;
    private final HttpClient http;

    public ApiProbe(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Returns true when {@code apiUrl} responds with status 200 within the timeout. */
    public boolean answers(String apiUrl) {
        return failure(apiUrl) == null;
    }

    /**
     * Probes {@code apiUrl} once. Returns null when it responds with status 200 within the timeout, or
     * when its TLS handshake fails on a certificate this probe does not trust, else why it did not, such as {@code no response within 333 ms} (a hung process: the kernel still
     * accepts the connection) or {@code connection refused} (nothing listens on the port).
     */
    public String failure(String apiUrl) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(apiUrl + "/health/live")).timeout(timeout).GET().build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 200 ? null : "status " + status;
        } catch (javax.net.ssl.SSLException e) {
            // NOTE: the probe does not trust the API's certificate. A TLS failure still needs handshake messages from
            // the server's process, which a hung or dead process never sends, so the process counts as responding.
            return null;
        } catch (HttpTimeoutException e) {
            return "no response within " + timeout.toMillis() + " ms";
        } catch (ConnectException e) {
            return e.getMessage() == null ? "connection refused" : "connection failed: " + e.getMessage();
        } catch (IOException | IllegalArgumentException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
