package io.baton.dist;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Reads what a node logged. The node logs through asynchronous appenders (conf/logback.xml), so a line logged
 * just before a test looks may not be in the file yet: a test polls for it instead of reading once.
 */
final class LogText {

    /** How long a line may take to reach the file on a loaded machine. */
    static final Duration WRITE_DELAY = Duration.ofSeconds(30);

    /** Reads log text, such as a node's output or one log file. */
    interface Source {
        String read() throws IOException;
    }

    private LogText() {
    }

    /**
     * Reads {@code source} until {@code complete} accepts the text or {@link #WRITE_DELAY} has passed; returns the
     * last text read, so that the caller's assertions report what was missing. A read that fails, such as of a log
     * file not created yet, counts as incomplete; if the last read failed, the returned text names the error.
     */
    static String pollUntil(Source source, Predicate<String> complete) throws InterruptedException {
        long deadline = System.nanoTime() + WRITE_DELAY.toNanos();
        while (true) {
            String text;
            try {
                text = source.read();
            } catch (IOException e) {
                text = "(cannot read the log: " + e + ")";
            }
            if (complete.test(text) || System.nanoTime() > deadline) {
                return text;
            }
            Thread.sleep(100);
        }
    }
}
