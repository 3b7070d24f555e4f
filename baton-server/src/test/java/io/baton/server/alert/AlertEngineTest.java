package io.baton.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.config.AlertRoute;
import io.baton.core.config.AlertsConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertEngineTest {

    @TempDir
    Path dir;

    /** A wall clock that tests move by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-05T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Records what the engine hands to the channels; {@link #wants} follows the route like the webhook. */
    static class RecordingChannel implements AlertChannel {
        final List<Notice> sent = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public boolean wants(Notice notice) {
            return notice.route().webhook();
        }

        @Override
        public void send(Notice notice) {
            sent.add(notice);
        }
    }

    private final ManualClock clock = new ManualClock();
    private final RecordingChannel channel = new RecordingChannel();

    private static final AlertsConfig.Webhook WEBHOOK = new AlertsConfig.Webhook(URI.create("http://127.0.0.1:9/hook"),
            Duration.ofSeconds(1), 0, Duration.ofMillis(10), null, null);

    private AlertEngine engine(List<AlertRoute> routes) {
        AlertsConfig config = new AlertsConfig(Duration.ofMinutes(10), 10, Duration.ofMinutes(1), WEBHOOK, null, routes);
        AlertEngine engine = new AlertEngine(config, new SilenceStore(dir.resolve("silences.json")), clock, List.of(channel));
        engine.startDelivery();
        return engine;
    }

    private Alert failed(String service) {
        return Alert.ofService(AlertKind.RUN_FAILED, service, "n1", 7, "run 7 failed", clock.instant());
    }

    private List<Notice> awaitSent(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (channel.sent.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return channel.sent;
    }

    @Test
    void repeatsCountedAndRateLimited() throws Exception {
        AlertEngine engine = engine(List.of());

        engine.raise(failed("billing"));
        clock.advance(Duration.ofMinutes(1));
        engine.raise(failed("billing"));
        engine.raise(failed("billing"));
        assertThat(awaitSent(1)).hasSize(1);
        assertThat(channel.sent.getFirst().repeats()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(10));
        engine.raise(failed("billing"));
        List<Notice> sent = awaitSent(2);

        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).status()).isEqualTo(Notice.Status.FIRING);
        assertThat(sent.get(1).repeats()).as("occurrences since the first notice").isEqualTo(3);
        assertThat(sent.get(1).since()).isEqualTo(Instant.parse("2026-01-05T10:00:00Z"));
        assertThat(engine.openAlerts()).singleElement().extracting(AlertEngine.OpenAlert::occurrences).isEqualTo(4);
        engine.stop();
    }

    @Test
    void resolveSendsOneResolvedNotice() throws Exception {
        AlertEngine engine = engine(List.of());
        engine.raise(failed("billing"));

        boolean wasOpen = engine.resolve(Alert.key(AlertKind.RUN_FAILED, "billing"), "run 8 succeeded");
        boolean again = engine.resolve(Alert.key(AlertKind.RUN_FAILED, "billing"), "run 9 succeeded");
        List<Notice> sent = awaitSent(2);

        assertThat(wasOpen).isTrue();
        assertThat(again).isFalse();
        assertThat(sent).extracting(Notice::status).containsExactly(Notice.Status.FIRING, Notice.Status.RESOLVED);
        assertThat(sent.get(1).alert().message()).isEqualTo("run 8 succeeded");
        assertThat(engine.openAlerts()).isEmpty();
        engine.stop();
    }

    @Test
    void silencedAlertLoggedNotSent() throws Exception {
        AlertEngine engine = engine(List.of());
        engine.silences().add("run-failed", "bill*", clock.instant().plus(Duration.ofHours(1)), "maintenance", "alice", clock.instant());

        engine.raise(failed("billing"));
        engine.raise(failed("orders"));
        engine.resolve(Alert.key(AlertKind.RUN_FAILED, "billing"), "fixed");
        List<Notice> sent = awaitSent(1);
        Thread.sleep(200);

        assertThat(sent).singleElement().extracting(n -> n.alert().service()).isEqualTo("orders");
        assertThat(engine.recentNotices()).filteredOn(n -> "billing".equals(n.alert().service()))
                .as("logged and listed, marked silenced").hasSize(2).allMatch(Notice::silenced);
        assertThat(engine.openAlerts()).as("open alerts").extracting(AlertEngine.OpenAlert::service, AlertEngine.OpenAlert::silenced)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("orders", false));
        engine.raise(failed("billing"));
        assertThat(engine.openAlerts()).as("open alerts after a repeat under the silence")
                .filteredOn(a -> a.service().equals("billing")).singleElement().extracting(AlertEngine.OpenAlert::silenced).isEqualTo(true);
        engine.stop();
    }

    @Test
    void repeatAfterSilenceEndsIsSent() throws Exception {
        AlertEngine engine = engine(List.of());
        engine.silences().add(null, "billing", clock.instant().plus(Duration.ofMinutes(30)), "maintenance", "alice", clock.instant());
        engine.raise(failed("billing"));

        clock.advance(Duration.ofMinutes(31));
        engine.raise(failed("billing"));
        List<Notice> sent = awaitSent(1);

        assertThat(sent).singleElement().extracting(Notice::repeats).isEqualTo(2);
        engine.stop();
    }

    @Test
    void eventClosesAfterQuietInterval() throws Exception {
        AlertEngine engine = engine(List.of());
        Alert missed = Alert.ofService(AlertKind.SCHEDULE_MISSED, "billing", "n1", 0, "1 slot missed", clock.instant());
        engine.raise(missed);
        clock.advance(Duration.ofMinutes(11));

        assertThat(engine.openAlerts()).isEmpty();
        engine.raise(missed);
        List<Notice> sent = awaitSent(2);

        assertThat(sent).extracting(Notice::repeats).containsExactly(1, 1);
        engine.stop();
    }

    @Test
    void routeChoosesChannelsAndRecipients() {
        AlertsConfig.Email email = new AlertsConfig.Email("smtp.example.com", 587, AlertsConfig.Tls.STARTTLS, null, null, null,
                "baton@example.com", List.of("ops@example.com"), Duration.ofSeconds(5), 0, Duration.ofSeconds(1));
        AlertsConfig config = new AlertsConfig(Duration.ofMinutes(10), 10, Duration.ofMinutes(1), WEBHOOK, email,
                List.of(new AlertRoute("billing-*", List.of(), List.of("email"), List.of("owner@example.com"))));
        AlertRouter router = new AlertRouter(config);

        Notice.Route billing = router.route(failed("billing-eu"));
        Notice.Route orders = router.route(failed("orders"));
        Notice.Route node = router.route(Alert.ofNode(AlertKind.LEASE_LOST, "n1", "lost", clock.instant()));

        assertThat(billing.webhook()).isFalse();
        assertThat(billing.emailTo()).containsExactly("owner@example.com");
        assertThat(orders.webhook()).isTrue();
        assertThat(orders.emailTo()).containsExactly("ops@example.com");
        assertThat(node.emailTo()).as("a service route never matches a node alert").containsExactly("ops@example.com");
    }

    @Test
    void hungChannelDoesNotBlockRaise() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AlertChannel hung = new RecordingChannel() {
            @Override
            public void send(Notice notice) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        AlertsConfig config = new AlertsConfig(Duration.ofMinutes(10), 10, Duration.ofMinutes(1), WEBHOOK, null, List.of());
        AlertEngine engine = new AlertEngine(config, SilenceStore.none(), clock, List.of(hung));
        engine.startDelivery();
        long started = System.nanoTime();

        for (int i = 0; i < 50; i++) {
            engine.raise(failed("service-" + i));
        }

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(engine.openAlerts()).hasSize(50);
        release.countDown();
        engine.stop();
    }

    @Test
    void fullQueueDropsAndCounts() {
        AlertsConfig config = new AlertsConfig(Duration.ofMinutes(10), 10, Duration.ofMinutes(1), WEBHOOK, null, List.of());
        // Delivery is not started, so the queue only fills.
        AlertEngine engine = new AlertEngine(config, SilenceStore.none(), clock, List.of(channel));

        for (int i = 0; i < AlertEngine.QUEUE_CAPACITY + 5; i++) {
            engine.raise(failed("service-" + i));
        }

        assertThat(engine.droppedNotices()).isEqualTo(5);
        assertThat(channel.sent).isEmpty();
    }
}
