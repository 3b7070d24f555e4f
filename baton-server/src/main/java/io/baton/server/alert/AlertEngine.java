package io.baton.server.alert;

import io.baton.core.config.AlertsConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tracks the open alerts of a node and decides which notices go out.
 *
 * <p>A first {@link #raise} of a key sends a firing notice. Repeats of an open key are counted; a repeat
 * sends a firing notice again, with the count since the last one, only once {@code repeatInterval} has passed
 * since that last one. {@link #resolve} of an open condition sends one resolved notice, but only when its
 * firing notice was sent, so no recipient gets a resolved notice for an alert it never received. A silenced alert is
 * logged, marked silenced, and not sent; once the silence ends, the next repeat sends it.
 *
 * <p>Every notice is logged at once on the caller's thread. The webhook and e-mail are sent by a
 * {@link NoticeQueue} on a thread of its own, so {@code raise} and {@code resolve} never wait for the network.
 * Both are thread-safe.
 *
 * <p>NOTE: open alerts live in this node's memory only. After a failover the new active node does not know
 * the conditions the old one raised, so their resolved notices are never sent; a repeat there notifies anew.
 */
public final class AlertEngine {

    /** Notices waiting for delivery; past this many, new ones are dropped and counted. */
    static final int QUEUE_CAPACITY = 1000;

    /** Notices kept for {@code GET /api/alerts}. */
    static final int RECENT_NOTICES = 200;

    private final Duration repeatInterval;
    private final AlertRouter router;
    private final SilenceStore silences;
    private final Clock clock;
    private final LogChannel logChannel = new LogChannel();
    private final NoticeQueue queue;
    private final Map<String, Open> open = new HashMap<>();
    private final Deque<Notice> recent = new ArrayDeque<>();

    /** One open alert: its first and latest occurrences and what was sent about it. */
    private static final class Open {
        Alert latest;
        Instant since;
        Instant lastRaised;
        Instant lastEmitted;
        boolean firingSent;
        int unsentRepeats;
        int total;
    }

    /**
     * An open alert as {@code GET /api/alerts} lists it.
     *
     * @param occurrences how often it was raised since it opened
     */
    public record OpenAlert(String key, String kind, String severity, String service, String node, long run, String message,
            String since, String lastRaised, int occurrences, boolean notified) {
    }

    AlertEngine(AlertsConfig config, SilenceStore silences, Clock clock, List<AlertChannel> channels) {
        this.repeatInterval = config.repeatInterval();
        this.router = new AlertRouter(config);
        this.silences = silences;
        this.clock = clock;
        this.queue = new NoticeQueue(channels, QUEUE_CAPACITY);
    }

    /** Builds the engine with the channels that {@code config} turns on and starts its delivery thread. */
    public static AlertEngine start(AlertsConfig config, SilenceStore silences, Clock clock) {
        List<AlertChannel> channels = new ArrayList<>();
        if (config.webhook() != null) {
            channels.add(new WebhookChannel(config.webhook()));
        }
        if (config.email() != null) {
            channels.add(new EmailChannel(config.email()));
        }
        AlertEngine engine = new AlertEngine(config, silences, clock, channels);
        silences.startRefreshing();
        engine.startDelivery();
        return engine;
    }

    void startDelivery() {
        queue.start();
    }

    /** Builds an engine that only logs, for tools and tests that run services without a node. */
    public static AlertEngine logOnly() {
        return new AlertEngine(AlertsConfig.DEFAULTS, SilenceStore.none(), Clock.systemUTC(), List.of());
    }

    public void stop() {
        queue.stop();
        silences.stop();
    }

    public SilenceStore silences() {
        return silences;
    }

    /** Raises an alert, or counts a repeat of its open key; see the class comment for what is sent. */
    public void raise(Alert alert) {
        Instant now = clock.instant();
        boolean silenced = silenced(alert, now);
        Notice notice;
        synchronized (this) {
            Open o = open.get(alert.key());
            if (o != null && !alert.kind().condition() && !now.isBefore(o.lastRaised.plus(repeatInterval))) {
                // An event that has been quiet for a repeat interval is over; this occurrence starts a new one.
                open.remove(alert.key());
                o = null;
            }
            if (o == null) {
                o = new Open();
                o.since = now;
                open.put(alert.key(), o);
            }
            o.latest = alert;
            o.lastRaised = now;
            o.total++;
            o.unsentRepeats++;
            boolean due = o.lastEmitted == null || !o.firingSent && !silenced || !now.isBefore(o.lastEmitted.plus(repeatInterval));
            if (!due) {
                return;
            }
            notice = new Notice(Notice.Status.FIRING, alert, o.since, o.unsentRepeats, silenced, router.route(alert), now);
            o.lastEmitted = now;
            if (!silenced) {
                o.firingSent = true;
                o.unsentRepeats = 0;
            }
            remember(notice);
        }
        emit(notice);
    }

    /**
     * Resolves the open alert {@code key}, if there is one, with {@code message} saying what cleared it.
     * Returns whether it was open.
     */
    public boolean resolve(String key, String message) {
        Instant now = clock.instant();
        Notice notice;
        synchronized (this) {
            Open o = open.remove(key);
            if (o == null) {
                return false;
            }
            Alert a = o.latest;
            Alert resolution = new Alert(a.kind(), a.service(), a.node(), a.run(), a.key(), message, now);
            boolean silenced = !o.firingSent || silenced(resolution, now);
            notice = new Notice(Notice.Status.RESOLVED, resolution, o.since, o.total, silenced, router.route(resolution), now);
            remember(notice);
        }
        emit(notice);
        return true;
    }

    /** Returns the open alerts, oldest first; events that have been quiet for a repeat interval are left out. */
    public synchronized List<OpenAlert> openAlerts() {
        Instant now = clock.instant();
        return open.entrySet().stream()
                .filter(e -> e.getValue().latest.kind().condition() || now.isBefore(e.getValue().lastRaised.plus(repeatInterval)))
                .sorted(Map.Entry.comparingByValue((x, y) -> x.since.compareTo(y.since)))
                .map(e -> {
                    Open o = e.getValue();
                    Alert a = o.latest;
                    return new OpenAlert(e.getKey(), a.kind().text(), a.severity().text(), a.service(), a.node(), a.run(), a.message(),
                            o.since.toString(), o.lastRaised.toString(), o.total, o.firingSent);
                }).toList();
    }

    /** Returns the latest notices, newest first, silenced ones included. */
    public synchronized List<Notice> recentNotices() {
        return List.copyOf(recent);
    }

    /** Returns how many notices were dropped because the delivery queue was full. */
    public long droppedNotices() {
        return queue.dropped();
    }

    /** Returns how many channel deliveries failed after their retries. */
    public long failedDeliveries() {
        return queue.failed();
    }

    /**
     * Waits until the webhook and e-mail notices sent so far were delivered or failed after their retries,
     * for a command that exits right after raising; returns false when some were still pending at {@code timeout}.
     */
    public boolean awaitDelivery(Duration timeout) throws InterruptedException {
        return queue.awaitEmpty(timeout);
    }

    private boolean silenced(Alert alert, Instant now) {
        return silences.active(now).stream().anyMatch(s -> s.matches(alert, now));
    }

    private void remember(Notice notice) {
        recent.addFirst(notice);
        while (recent.size() > RECENT_NOTICES) {
            recent.removeLast();
        }
    }

    private void emit(Notice notice) {
        logChannel.send(notice);
        if (!notice.silenced()) {
            queue.offer(notice);
        }
    }
}
