package io.baton.server.alert;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notices to the channels on a thread of its own, so that a raiser never waits for a slow or hung
 * webhook or SMTP server: a run or the lease renewal only adds to a bounded queue. When the queue is full the
 * notice is dropped and counted; the first drop and every 100th are logged (the log channel has already written the notice).
 */
final class NoticeQueue {

    private static final Logger log = LoggerFactory.getLogger(NoticeQueue.class);

    private final List<AlertChannel> channels;
    private final BlockingQueue<Notice> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    /** Notices queued or being sent. */
    private final AtomicLong pending = new AtomicLong();
    private Thread thread;

    NoticeQueue(List<AlertChannel> channels, int capacity) {
        this.channels = channels;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    void start() {
        if (channels.isEmpty()) {
            return;
        }
        thread = Thread.ofPlatform().name("alert-delivery").daemon().start(this::deliverLoop);
    }

    /** Stops the delivery thread; notices still queued are not sent. */
    void stop() {
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Queues a notice for the channels that want it, without blocking. */
    void offer(Notice notice) {
        if (channels.stream().noneMatch(c -> c.wants(notice))) {
            return;
        }
        pending.incrementAndGet();
        if (!queue.offer(notice)) {
            pending.decrementAndGet();
            long total = dropped.incrementAndGet();
            if (total > 1 && total % 100 != 0) {
                return;
            }
            log.error("Alert delivery queue is full ({} notices): dropped the {} notice of alert {} on node {}; {} dropped so far."
                    + " Check that the webhook and SMTP server respond", queue.size(), notice.status().text(), notice.alert().key(),
                    notice.alert().node(), total);
        }
    }

    long dropped() {
        return dropped.get();
    }

    long failed() {
        return failed.get();
    }

    long delivered() {
        return delivered.get();
    }

    private void deliverLoop() {
        while (true) {
            Notice notice;
            try {
                notice = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            for (AlertChannel channel : channels) {
                if (!channel.wants(notice)) {
                    continue;
                }
                try {
                    channel.send(notice);
                    delivered.incrementAndGet();
                } catch (AlertChannel.ChannelException e) {
                    failed.incrementAndGet();
                    log.error("Alert channel {} could not send the {} notice of alert {} (service {}, run {}, node {}): {}", channel.name(),
                            notice.status().text(), notice.alert().key(), notice.alert().service(), notice.alert().run(),
                            notice.alert().node(), e.getMessage());
                } catch (InterruptedException e) {
                    return;
                }
            }
            pending.decrementAndGet();
        }
    }

    /** Waits until every queued notice was sent or failed, or {@code timeout} passed; returns whether none is left. */
    boolean awaitEmpty(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return pending.get() == 0;
    }
}
