package io.baton.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SilenceStoreTest {

    @TempDir
    Path dir;

    private final Instant now = Instant.parse("2026-01-05T10:00:00Z");

    @Test
    void otherNodeSeesSilenceAfterRefresh() throws Exception {
        Path file = dir.resolve("settings/silences.json");
        SilenceStore writer = new SilenceStore(file);
        SilenceStore reader = new SilenceStore(file);

        Silence added = writer.add("run-failed", "billing", now.plus(Duration.ofHours(2)), "database upgrade", "alice", now);

        assertThat(writer.active(now)).containsExactly(added);
        assertThat(reader.active(now)).as("before the reader refreshes").isEmpty();
        reader.refresh();
        assertThat(reader.active(now)).containsExactly(added);
        assertThat(reader.active(now.plus(Duration.ofHours(2)))).as("at its end").isEmpty();
    }

    @Test
    void removeDropsOnlyThatSilence() throws Exception {
        SilenceStore store = new SilenceStore(dir.resolve("silences.json"));
        Silence first = store.add(null, "billing", now.plus(Duration.ofHours(1)), "one", "alice", now);
        Silence second = store.add("disk-space-low", null, now.plus(Duration.ofHours(1)), "two", "bob", now);

        assertThat(store.remove(first.id(), now)).isTrue();
        assertThat(store.remove(first.id(), now)).as("removed twice").isFalse();

        assertThat(store.active(now)).containsExactly(second);
        SilenceStore reread = new SilenceStore(dir.resolve("silences.json"));
        reread.refresh();
        assertThat(reread.active(now)).containsExactly(second);
    }

    @Test
    void corruptFileKeepsEarlierSilences() throws Exception {
        Path file = dir.resolve("silences.json");
        SilenceStore store = new SilenceStore(file);
        Silence added = store.add(null, "billing", now.plus(Duration.ofHours(1)), "window", "alice", now);

        Files.writeString(file, "[{not json");
        store.refresh();

        assertThat(store.active(now)).containsExactly(added);
    }
}
