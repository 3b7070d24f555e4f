package io.baton.core.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpochStoreTest {

    @TempDir
    Path epochs;

    @Test
    void emptyFolderHasNoEpoch() throws IOException {
        assertThat(new EpochStore(epochs).highest()).isZero();
    }

    @Test
    void claimRecordsHolder() throws IOException {
        EpochStore store = new EpochStore(epochs);

        boolean won = store.tryClaim(1, "node-a");

        assertThat(won).isTrue();
        assertThat(store.holder(1)).isEqualTo("node-a");
        assertThat(store.highest()).isEqualTo(1);
    }

    @Test
    void claimedEpochCannotBeClaimedAgain() throws IOException {
        EpochStore store = new EpochStore(epochs);
        store.tryClaim(1, "node-a");

        boolean won = store.tryClaim(1, "node-b");

        assertThat(won).isFalse();
        assertThat(store.holder(1)).isEqualTo("node-a");
    }

    @Test
    void claimRecordsWhoWhenAndWhy() throws IOException {
        EpochStore store = new EpochStore(epochs);

        store.tryClaim(new EpochRecord(4, "node-b", "host-2", 4242, "2026-03-01T10:00:00Z", "the lease of node node-a (epoch 3) expired"));

        EpochRecord record = store.read(4);
        assertThat(record).isEqualTo(new EpochRecord(4, "node-b", "host-2", 4242, "2026-03-01T10:00:00Z",
                "the lease of node node-a (epoch 3) expired"));
        assertThat(store.holder(4)).isEqualTo("node-b");
    }

    @Test
    void plainEpochFileOfEarlierVersionIsRead() throws IOException {
        Files.writeString(epochs.resolve("2"), "node-a\n");
        EpochStore store = new EpochStore(epochs);

        EpochRecord record = store.read(2);

        assertThat(record.nodeId()).isEqualTo("node-a");
        assertThat(record.cause()).isNull();
        assertThat(record.takenAt()).isEqualTo(Files.getLastModifiedTime(epochs.resolve("2")).toInstant().toString());
        assertThat(store.holder(2)).isEqualTo("node-a");
    }

    @Test
    void unclaimedEpochHasNoHolder() throws IOException {
        assertThat(new EpochStore(epochs).holder(9)).isNull();
    }

    @Test
    void highestIgnoresOtherFiles() throws IOException {
        EpochStore store = new EpochStore(epochs);
        store.tryClaim(3, "node-a");
        store.tryClaim(12, "node-a");
        Files.writeString(epochs.resolve("99.tmp"), "x");
        Files.writeString(epochs.resolve("README"), "x");
        Files.writeString(epochs.resolve("9".repeat(19)), "x");

        assertThat(store.highest()).isEqualTo(12);
    }

    @Test
    void racingClaimsHaveOneWinner() throws Exception {
        EpochStore store = new EpochStore(epochs);
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            for (long epoch = 1; epoch <= 200; epoch++) {
                long e = epoch;
                CyclicBarrier start = new CyclicBarrier(2);
                Future<Boolean> a = nodes.submit(() -> {
                    start.await();
                    return store.tryClaim(e, "node-a");
                });
                Future<Boolean> b = nodes.submit(() -> {
                    start.await();
                    return store.tryClaim(e, "node-b");
                });
                boolean aWon = a.get(10, TimeUnit.SECONDS);
                boolean bWon = b.get(10, TimeUnit.SECONDS);

                assertThat(aWon ^ bWon).as("exactly one winner of epoch %d (node-a %s, node-b %s)", e, aWon, bWon).isTrue();
                assertThat(store.holder(e)).as("holder of epoch %d", e).isEqualTo(aWon ? "node-a" : "node-b");
            }
        } finally {
            nodes.shutdownNow();
        }

        assertThat(store.highest()).isEqualTo(200);
    }
}
