package io.baton.server.alert;

import io.baton.core.config.AlertsConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>While the node is active, {@link #shareOpenAlerts} keeps its open alerts in {@code state/alerts.json} as
 * well, and the node that becomes active next loads them there: it resolves a condition that the old node
 * raised with a resolved notice and counts a repeat instead of notifying anew. A passive node keeps the alerts
 * it raises, such as a hung holder, in memory only, because it must not write to the data directory.
 */
public final class AlertEngine {

    private static final Logger log = LoggerFactory.getLogger(AlertEngine.class);

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
    private SharedAlertWriter sharing;
    private String sharingNode;

    /**
     * One open alert: its first and latest occurrences and what was sent about it. {@code shared} marks an alert
     * that was written to the shared file in an active term of this node.
     */
    static final class Open {
        Alert latest;
        Instant since;
        Instant lastRaised;
        Instant lastEmitted;
        boolean firingSent;
        int unsentRepeats;
        int total;
        boolean shared;
    }

    /**
     * An open alert as {@code GET /api/alerts} lists it.
     *
     * @param occurrences how often it was raised since it opened
     * @param silenced whether a silence matches it now, so that its notices are only logged
     */
    public record OpenAlert(String key, String kind, String severity, String service, String node, long run, String message,
            String since, String lastRaised, int occurrences, boolean notified, boolean silenced) {
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
        stopSharing();
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
                o.shared = sharing != null;
                open.put(alert.key(), o);
            }
            o.latest = alert;
            o.lastRaised = now;
            o.total++;
            o.unsentRepeats++;
            boolean due = o.lastEmitted == null || !o.firingSent && !silenced || !now.isBefore(o.lastEmitted.plus(repeatInterval));
            if (!due) {
                changed();
                return;
            }
            notice = new Notice(Notice.Status.FIRING, alert, o.since, o.unsentRepeats, silenced, router.route(alert), now);
            o.lastEmitted = now;
            if (!silenced) {
                o.firingSent = true;
                o.unsentRepeats = 0;
            }
            remember(notice);
            changed();
        }
        emit(notice);
    }

    /**
     * Resolves the open alert {@code key}, if there is one, with {@code message} saying what cleared it.
     * Returns whether it was open. On the active node the resolved notice names this node, which may not be
     * the node that raised the alert before a failover.
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
            String node = sharingNode == null ? a.node() : sharingNode;
            Alert resolution = new Alert(a.kind(), a.service(), node, a.run(), a.key(), message, now);
            boolean silenced = !o.firingSent || silenced(resolution, now);
            notice = new Notice(Notice.Status.RESOLVED, resolution, o.since, o.total, silenced, router.route(resolution), now);
            remember(notice);
            changed();
        }
        emit(notice);
        return true;
    }

    /**
     * Loads the open alerts that the previous active node left in {@code file} and writes this node's open alerts
     * there from now on, while {@code mayWrite} returns true. Called once the node has taken {@code epoch}, before its
     * services start, and the first write is done before this method returns. The file's alerts replace those this
     * node shared in an earlier term, because the nodes active since then may have resolved them. Alerts raised here
     * while passive are kept and shared too.
     */
    public void shareOpenAlerts(Path file, long epoch, String node, BooleanSupplier mayWrite) {
        OpenAlertFile store = new OpenAlertFile(file);
        List<Open> loaded;
        try {
            loaded = store.read();
        } catch (IOException e) {
            // An alert file that cannot be read must not keep the node from becoming active.
            log.error("Node {} epoch {} cannot read the open alerts in {}: {}; it starts with none, so conditions raised before the"
                    + " takeover get no resolved notice", node, epoch, file, e.toString());
            loaded = List.of();
        }
        SharedAlertWriter writer = new SharedAlertWriter(store, epoch, node, mayWrite, this::sharedSnapshot, clock);
        synchronized (this) {
            stopSharing();
            open.values().removeIf(o -> o.shared);
            for (Open o : loaded) {
                open.merge(o.latest.key(), o, AlertEngine::mergeLoaded);
            }
            open.values().forEach(o -> o.shared = true);
            sharing = writer;
            sharingNode = node;
        }
        log.info("Node {} epoch {} loaded {} open alert(s) from {}", node, epoch, loaded.size(), file);

        // The first write happens before the caller shows the node active, so the file is current from then on.
        if (!writer.flush()) {
            writer.changed();
        }
        writer.start();
    }

    /** Writes the open alerts now, for an orderly stop or a switch-over, before the lease passes to another node. */
    public void flushShared() {
        SharedAlertWriter writer;
        synchronized (this) {
            writer = sharing;
        }
        if (writer != null) {
            writer.flush();
        }
    }

    /**
     * Stops writing the shared file, without I/O, so that a fencing node may call it. The alerts this node
     * shared are dropped from memory: the next active node owns them now.
     */
    public synchronized void stopSharing() {
        if (sharing == null) {
            return;
        }
        sharing.stop();
        sharing = null;
        sharingNode = null;
        open.values().removeIf(o -> o.shared);
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
                            o.since.toString(), o.lastRaised.toString(), o.total, o.firingSent, silenced(a, now));
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

    private synchronized List<Open> sharedSnapshot() {
        return open.values().stream().map(AlertEngine::copy).toList();
    }

    /** Merges an alert loaded from the shared file with the same alert raised here while passive. */
    private static Open mergeLoaded(Open local, Open loaded) {
        loaded.total += local.total;
        loaded.unsentRepeats += local.unsentRepeats;
        if (local.lastRaised.isAfter(loaded.lastRaised)) {
            loaded.latest = local.latest;
            loaded.lastRaised = local.lastRaised;
        }
        return loaded;
    }

    private static Open copy(Open o) {
        Open c = new Open();
        c.latest = o.latest;
        c.since = o.since;
        c.lastRaised = o.lastRaised;
        c.lastEmitted = o.lastEmitted;
        c.firingSent = o.firingSent;
        c.unsentRepeats = o.unsentRepeats;
        c.total = o.total;
        c.shared = o.shared;
        return c;
    }

    /** Tells the shared-file writer, if any, that the open alerts changed; called with the engine's lock held. */
    private void changed() {
        if (sharing != null) {
            sharing.changed();
        }
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
