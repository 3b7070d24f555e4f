package io.baton.server.cluster;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Probes another node's API through its unauthenticated {@code /health/live} endpoint. A probe is sent
 * without waiting, so its caller can wait for it in steps and decide between them whether to wait on.
 */
public final class ApiProbe {

    private final Duration timeout;
    private final HttpClient http;

    /** @param timeout how long a probe waits for the response before it fails on its own */
    public ApiProbe(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Returns how long a probe waits for the response before it fails on its own. */
    public Duration timeout() {
        return timeout;
    }

    /** Sends one probe of {@code apiUrl} and returns at once. */
    public Pending send(String apiUrl) {
        long sentNanos = System.nanoTime();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(apiUrl + "/health/live")).timeout(timeout).GET().build();
        } catch (IllegalArgumentException e) {
            return new Pending(CompletableFuture.completedFuture(null), CompletableFuture.completedFuture(e.toString()), sentNanos);
        }
        CompletableFuture<HttpResponse<Void>> exchange = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        CompletableFuture<String> outcome = exchange.handle((response, error) -> error == null ? statusFailure(response.statusCode()) : failure(error));
        return new Pending(exchange, outcome, sentNanos);
    }

    /** One probe in flight or done. */
    public static final class Pending {

        /** The HTTP exchange, which only the future that the client returned can abort. */
        private final CompletableFuture<?> exchange;
        /** Null when the API responded, else the failure text; see {@link #failure}. */
        private final CompletableFuture<String> outcome;
        private final long sentNanos;

        private Pending(CompletableFuture<?> exchange, CompletableFuture<String> outcome, long sentNanos) {
            this.exchange = exchange;
            this.outcome = outcome;
            this.sentNanos = sentNanos;
        }

        /** Waits up to {@code wait} for the outcome; returns whether it is known now. */
        public boolean await(Duration wait) {
            try {
                outcome.get(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (TimeoutException | ExecutionException | java.util.concurrent.CancellationException e) {
                // A timeout leaves the probe pending. The outcome maps every error of the exchange to a failure text.
            }
            return outcome.isDone();
        }

        /**
         * Returns null when the API responded with status 200, or when its TLS handshake failed on a certificate
         * the probe does not trust, else why it did not, such as {@code no response within 333 ms} (a hung
         * process: the kernel still accepts the connection) or {@code connection refused} (nothing listens on
         * the port). Call it only after {@link #await} returned true.
         */
        public String failure() {
            return outcome.getNow("still waiting for a response");
        }

        /** Returns the milliseconds since the probe was sent, on the monotonic clock. */
        public long elapsedMillis() {
            return (System.nanoTime() - sentNanos) / 1_000_000;
        }

        /** Gives up on the response and aborts the exchange. */
        public void cancel() {
            exchange.cancel(true);
        }
    }

    private static String statusFailure(int status) {
        return status == 200 ? null : "status " + status;
    }

    private String failure(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (causedBySsl(e)) {
            // NOTE: the probe does not trust the API's certificate. A TLS failure still needs handshake messages from
            // the server's process, which a hung or dead process never sends, so the process counts as responding.
            return null;
        }
        if (e instanceof HttpTimeoutException) {
            return "no response within " + timeout.toMillis() + " ms";
        }
        if (e instanceof ConnectException) {
            return e.getMessage() == null ? "connection refused" : "connection failed: " + e.getMessage();
        }
        return e.toString();
    }

    /** Returns whether {@code e} or one of its causes is a TLS failure; the async client may wrap it in an IOException. */
    private static boolean causedBySsl(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
    }
}
