package io.baton.server.alert;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded retries of one notice on one channel: after a failed attempt it waits {@code backoff}, doubled before
 * each later retry, and gives up after {@code retries} further attempts. Each failed attempt is logged with the
 * alert key, so a receiver that recovers shows as a warning and not as a lost notice.
 */
final class DeliveryRetries {

    private static final Logger log = LoggerFactory.getLogger(DeliveryRetries.class);

    /** One delivery attempt; returns null on success, or what went wrong. */
    @FunctionalInterface
    interface Attempt {
        String run() throws InterruptedException;
    }

    private final String target;
    private final int retries;
    private final Duration backoff;

    /**
     * @param target what is being done, for logs and errors, such as {@code POST to https://…}
     * @param retries further attempts after a failed one
     * @param backoff wait before the first retry
     */
    DeliveryRetries(String target, int retries, Duration backoff) {
        this.target = target;
        this.retries = retries;
        this.backoff = backoff;
    }

    /** Runs {@code attempt} until it succeeds or the retries are used up. */
    void deliver(Notice notice, Attempt attempt) throws AlertChannel.ChannelException, InterruptedException {
        Duration wait = backoff;
        for (int number = 1; ; number++) {
            String failure = attempt.run();
            if (failure == null) {
                return;
            }
            if (number > retries) {
                throw new AlertChannel.ChannelException(target + " failed " + number + " time(s), the last with " + failure, null);
            }
            log.warn("{} of alert {} failed (attempt {} of {}): {}; retrying in {} ms", target, notice.alert().key(), number,
                    retries + 1, failure, wait.toMillis());
            Thread.sleep(wait.toMillis());
            wait = wait.multipliedBy(2);
        }
    }
}
