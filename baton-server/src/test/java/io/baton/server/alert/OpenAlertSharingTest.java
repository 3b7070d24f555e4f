package io.baton.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.config.AlertsConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two engines stand for the old and the new active node, sharing {@code state/alerts.json} in a real folder. */
class OpenAlertSharingTest {

    @TempDir
    Path dir;

    private final AlertEngineTest.ManualClock clock = new AlertEngineTest.ManualClock();
    private final AlertEngineTest.RecordingChannel oldChannel = new AlertEngineTest.RecordingChannel();
    private final AlertEngineTest.RecordingChannel newChannel = new AlertEngineTest.RecordingChannel();
    private final List<AlertEngine> engines = new java.util.ArrayList<>();

    private static final AlertsConfig.Webhook WEBHOOK = new AlertsConfig.Webhook(URI.create("http://127.0.0.1:9/hook"),
            Duration.ofSeconds(1), 0, Duration.ofMillis(10), null, null);

    private Path file() {
        return dir.resolve("state/alerts.json");
    }

    private AlertEngine engine(AlertEngineTest.RecordingChannel channel) {
        AlertsConfig config = new AlertsConfig(Duration.ofMinutes(10), 10, Duration.ofMinutes(1), WEBHOOK, null, List.of());
        AlertEngine engine = new AlertEngine(config, SilenceStore.none(), clock, List.of(channel));
        engine.startDelivery();
        engines.add(engine);
        return engine;
    }

    @AfterEach
    void stopEngines() {
        engines.forEach(AlertEngine::stop);
    }

    private Alert failed(String node, long run) {
        return Alert.ofService(AlertKind.RUN_FAILED, "billing", node, run, "run " + run + " failed", clock.instant());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private void awaitStored(String text) throws InterruptedException {
        await(file() + " containing " + text, () -> {
            try {
                return Files.readString(file()).contains(text);
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    @Test
    void newActiveResolvesOldCondition() throws Exception {
        AlertEngine oldActive = engine(oldChannel);
        oldActive.shareOpenAlerts(file(), 1, "node-a", () -> true);
        oldActive.raise(failed("node-a", 7));
        await("the firing notice from node-a", () -> oldChannel.sent.size() == 1);
        awaitStored("\"notified\" : true");
        oldActive.stopSharing();

        AlertEngine newActive = engine(newChannel);
        newActive.shareOpenAlerts(file(), 2, "node-b", () -> true);
        boolean wasOpen = newActive.resolve(Alert.key(AlertKind.RUN_FAILED, "billing"), "run 8 of service billing succeeded");
        await("the resolved notice from node-b", () -> newChannel.sent.size() == 1);

        assertThat(wasOpen).as("condition raised on node-a is open on node-b").isTrue();
        Notice resolved = newChannel.sent.getFirst();
        assertThat(resolved.status()).isEqualTo(Notice.Status.RESOLVED);
        assertThat(resolved.alert().message()).isEqualTo("run 8 of service billing succeeded");
        assertThat(resolved.alert().node()).as("node named in the resolved notice").isEqualTo("node-b");
        assertThat(resolved.since()).isEqualTo(oldChannel.sent.getFirst().since());
        awaitStored("\"open\" : [ ]");
        assertThat(oldActive.openAlerts()).as("open alerts left on the old node").isEmpty();
    }

    @Test
    void repeatAfterTakeoverCountedNotSent() throws Exception {
        AlertEngine oldActive = engine(oldChannel);
        oldActive.shareOpenAlerts(file(), 1, "node-a", () -> true);
        oldActive.raise(failed("node-a", 7));
        awaitStored("\"occurrences\" : 1");
        oldActive.stopSharing();

        AlertEngine newActive = engine(newChannel);
        newActive.shareOpenAlerts(file(), 2, "node-b", () -> true);
        clock.advance(Duration.ofMinutes(1));
        newActive.raise(failed("node-b", 8));
        awaitStored("\"occurrences\" : 2");

        assertThat(newActive.openAlerts()).singleElement().extracting(AlertEngine.OpenAlert::occurrences).isEqualTo(2);
        assertThat(newChannel.sent).as("notices from node-b within the repeat interval").isEmpty();
    }

    @Test
    void fencedNodeWritesNothing() throws Exception {
        AtomicBoolean leaseValid = new AtomicBoolean(true);
        AlertEngine engine = engine(oldChannel);
        engine.shareOpenAlerts(file(), 1, "node-a", leaseValid::get);
        awaitStored("\"epoch\" : 1");
        String before = Files.readString(file());

        leaseValid.set(false);
        engine.raise(failed("node-a", 7));
        await("the firing notice", () -> oldChannel.sent.size() == 1);
        engine.flushShared();

        assertThat(Files.readString(file())).as("file after a raise without a valid lease").isEqualTo(before);
    }

    @Test
    void olderEpochLeavesNewerFileAlone() throws Exception {
        AlertEngine newer = engine(newChannel);
        newer.shareOpenAlerts(file(), 5, "node-b", () -> true);
        awaitStored("\"epoch\" : 5");

        AlertEngine older = engine(oldChannel);
        older.shareOpenAlerts(file(), 4, "node-a", () -> true);
        older.raise(failed("node-a", 7));
        older.flushShared();
        Thread.sleep(200);

        String stored = Files.readString(file());
        assertThat(stored).as("file written by epoch 5").contains("\"epoch\" : 5").doesNotContain("run 7 failed");
    }

    @Test
    void unreadableFileMovedAside() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "{ not json");

        AlertEngine engine = engine(newChannel);
        engine.shareOpenAlerts(file(), 2, "node-b", () -> true);
        awaitStored("\"epoch\" : 2");

        assertThat(dir.resolve("state/alerts.json.unreadable")).hasContent("{ not json");
        assertThat(engine.openAlerts()).isEmpty();
    }

    @Test
    void passiveAlertKeptOnTakeover() throws Exception {
        AlertEngine engine = engine(newChannel);
        engine.raise(Alert.ofNode(AlertKind.HOLDER_API_SILENT, "node-a", "the API of node-a does not respond", clock.instant()));
        assertThat(file()).as("file written by a passive node").doesNotExist();

        engine.shareOpenAlerts(file(), 2, "node-b", () -> true);
        awaitStored("holder-api-silent");

        assertThat(engine.openAlerts()).extracting(AlertEngine.OpenAlert::kind).containsExactly("holder-api-silent");
    }
}
