package io.baton.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountStoreTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    /** One hash shared by the tests, because each PBKDF2 hash costs about 100 ms. */
    private static final PasswordHash HASH = PasswordHash.create("a password".toCharArray());

    @TempDir
    Path tmp;

    @Test
    void missingFileHasNoUsers() throws IOException {
        AccountStore store = new AccountStore(tmp.resolve("settings/users.json"));

        assertThat(store.read()).isEqualTo(Accounts.EMPTY);
    }

    @Test
    void writesOwnerOnlyFileWithoutSecrets() throws IOException {
        AccountStore store = new AccountStore(tmp.resolve("settings/users.json"));
        ApiToken.Issued token = ApiToken.issue("nightly", Role.VIEWER, null, NOW);

        store.update(a -> a.withUser("alice", Role.OPERATOR, PasswordHash.create("alice's password".toCharArray()), NOW).withToken(token.token()));

        String text = Files.readString(store.file());
        assertThat(Files.getPosixFilePermissions(store.file())).as("mode").isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(text).as("file content").contains("alice").contains("nightly")
                .doesNotContain("alice's password").doesNotContain(token.secret());
        try (var files = Files.list(store.file().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("no temporary file left")
                    .containsExactlyInAnyOrder("users.json", "users.lock");
        }
    }

    @Test
    void secondStoreSeesChange() throws IOException {
        Path file = tmp.resolve("settings/users.json");
        AccountStore writer = new AccountStore(file);
        AccountStore reader = new AccountStore(file);
        assertThat(reader.read().users()).as("users before").isEmpty();

        writer.update(a -> a.withUser("alice", Role.OPERATOR, HASH, NOW));
        assertThat(reader.read().user("alice")).as("alice after add").isPresent();

        writer.update(a -> a.withoutUser("alice"));
        assertThat(reader.read().user("alice")).as("alice after remove").isEmpty();
    }

    @Test
    void rejectedChangeKeepsFile() throws IOException {
        AccountStore store = new AccountStore(tmp.resolve("settings/users.json"));
        store.update(a -> a.withUser("alice", Role.OPERATOR, HASH, NOW));
        String before = Files.readString(store.file());

        assertThatThrownBy(() -> store.update(a -> a.withUser("alice", Role.VIEWER, HASH, NOW)))
                .isInstanceOf(AccountException.class).hasMessageContaining("user alice already exists");
        assertThatThrownBy(() -> store.update(a -> a.withoutUser("bob")))
                .isInstanceOf(AccountException.class).hasMessageContaining("user bob does not exist");
        assertThatThrownBy(() -> store.update(a -> a.withUser("bad name", Role.VIEWER, HASH, NOW)))
                .isInstanceOf(AccountException.class).hasMessageContaining("invalid user name 'bad name'");

        assertThat(Files.readString(store.file())).isEqualTo(before);
    }

    @Test
    void invalidFileNamedInError() throws IOException {
        Path file = tmp.resolve("settings/users.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{ not json");

        assertThatThrownBy(() -> new AccountStore(file).read())
                .isInstanceOf(IOException.class).hasMessageContaining(file.toString()).hasMessageContaining("not valid JSON");
    }

    @Test
    void readersNeverSeeTornFile() throws Exception {
        Path file = tmp.resolve("settings/users.json");
        AccountStore writer = new AccountStore(file);
        writer.update(a -> a.withUser("user-0", Role.VIEWER, HASH, NOW));
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                // Each reader has its own store, as another node would, so that every change is parsed again.
                AccountStore reader = new AccountStore(file);
                readers.add(pool.submit(() -> {
                    int reads = 0;
                    while (writing.get()) {
                        assertThat(reader.read().users()).as("users seen by a reader").isNotEmpty();
                        reads++;
                    }
                    return reads;
                }));
            }

            for (int i = 1; i <= 100; i++) {
                String name = "user-" + i;
                writer.update(a -> a.withUser(name, Role.VIEWER, HASH, NOW));
            }
            writing.set(false);

            for (Future<Integer> reader : readers) {
                assertThat(reader.get(30, TimeUnit.SECONDS)).as("reads of one reader").isPositive();
            }
            assertThat(new AccountStore(file).read().users()).as("users after all writes").hasSize(101);
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentWritersKeepEveryChange() throws Exception {
        Path file = tmp.resolve("settings/users.json");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                // Two stores, as a node and a baton user add --data in one JVM would have; neither may lose the other's change.
                AccountStore store = new AccountStore(file);
                String prefix = "writer" + w + "-";
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        String name = prefix + i;
                        store.update(a -> a.withUser(name, Role.VIEWER, HASH, NOW));
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(new AccountStore(file).read().users()).hasSize(50);
    }
}
