package io.baton.server.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(apiUrl + "/health/live")).timeout(timeout).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
