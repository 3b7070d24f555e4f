package io.baton.dist;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Polls {@code /health/active} of every node in turn, for as long as it runs, and counts the samples in
 * which two nodes answered active and the longest stretch in which none did.
 *
 * <p>A stretch with no active node is measured only from rounds in which every node responded. A node
 * that does not respond within one second, as on a loaded machine, may still be active, so a round in
 * which a node did not respond and no node responded active neither starts nor ends a stretch.
 *
 * <p>Sampling limit: a round takes a few milliseconds per node, so an overlap or a gap shorter than one
 * round can go unseen. The nodes are read one after another, so a round that straddles a hand-over can
 * also see neither node active for the length of one round.
 */
final class ActiveSampler implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final List<Path> homes;
    private final Thread thread;
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong twoActive = new AtomicLong();
    private volatile long longestNoneMillis;
    private volatile boolean stop;

    /** Starts sampling the nodes whose program directories are given. */
    ActiveSampler(List<Path> homes) {
        this.homes = homes;
        this.thread = Thread.ofPlatform().name("active-sampler").daemon().start(this::sample);
    }

    /** The outcome of one request to a node's {@code /health/active}. */
    private enum Probe { ACTIVE, NOT_ACTIVE, NO_RESPONSE }

    private void sample() {
        long noneSince = -1;
        while (!stop) {
            int active = 0;
            boolean allResponded = true;
            for (Path home : homes) {
                Probe probe = probe(home);
                active += probe == Probe.ACTIVE ? 1 : 0;
                allResponded &= probe != Probe.NO_RESPONSE;
            }
            long now = System.nanoTime();
            rounds.incrementAndGet();
            if (active > 1) {
                twoActive.incrementAndGet();
            }

            if (active > 0) {
                noneSince = -1;
            } else if (allResponded) {
                noneSince = noneSince < 0 ? now : noneSince;
                longestNoneMillis = Math.max(longestNoneMillis, (now - noneSince) / 1_000_000);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Requests the node's {@code /health/active}, which returns 200 on the active node and 503 on others. */
    private Probe probe(Path home) {
        try {
            String port = Files.readString(home.resolve("run/api.port")).trim();
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/active"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200 ? Probe.ACTIVE : Probe.NOT_ACTIVE;
        } catch (IOException e) {
            return Probe.NO_RESPONSE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Probe.NO_RESPONSE;
        }
    }

    long rounds() { return rounds.get(); }
    long twoActive() { return twoActive.get(); }
    long longestNoneMillis() { return longestNoneMillis; }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(5_000);
    }
}
