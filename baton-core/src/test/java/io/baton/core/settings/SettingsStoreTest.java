package io.baton.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsStoreTest {

    private static final String SECRET = "top-secret-4711";

    @TempDir
    Path data;

    private SettingsStore store() {
        return new SettingsStore(data.resolve("settings"));
    }

    @Test
    void emptyStoreHasNothing() throws IOException {
        assertThat(store().variables()).isEmpty();
        assertThat(store().service("orders")).isEqualTo(ServiceSettings.NONE);
    }

    @Test
    void serviceSettingsRoundTrip() throws IOException {
        store().updateService("orders", s -> s.withProperty("region", Setting.plain("eu")).withProperty("token", Setting.secret(SECRET))
                .withAutoStart(true));

        ServiceSettings read = store().service("orders");
        assertThat(read.properties()).containsEntry("region", Setting.plain("eu")).containsEntry("token", Setting.secret(SECRET));
        assertThat(read.autoStart()).isTrue();
        assertThat(read.autoRestart()).isNull();
        assertThat(store().service("other")).isEqualTo(ServiceSettings.NONE);
    }

    @Test
    void requiredSecretRoundTrip() throws IOException {
        store().updateService("orders", s -> s.withProperty("token", new Setting(null, true)));
        Setting read = store().service("orders").properties().get("token");
        assertThat(read.secret()).isTrue();
        assertThat(read.isSet()).isFalse();
    }

    @Test
    void variablesRoundTrip() throws IOException {
        store().updateVariables(v -> Map.of("HOST", Setting.plain("h"), "KEY", Setting.secret(SECRET)));
        store().updateVariables(v -> {
            Map<String, Setting> next = new TreeMap<>(v);
            next.remove("HOST");
            return next;
        });
        assertThat(store().variables()).containsOnlyKeys("KEY");
    }

    @Test
    void filesAreOwnerOnly() throws IOException {
        store().updateVariables(v -> Map.of("KEY", Setting.secret(SECRET)));
        store().updateService("orders", s -> s.withProperty("token", Setting.secret(SECRET)));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store().variablesFile()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store().serviceFile("orders")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store().serviceFile("orders").getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void writeLeavesNoTemporaryFile() throws IOException {
        store().updateService("orders", s -> s.withProperty("a", Setting.plain("1")));
        store().updateService("orders", s -> s.withProperty("b", Setting.plain("2")));
        try (var files = Files.list(store().serviceFile("orders").getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("orders.json");
        }
    }

    @Test
    void failedChangeKeepsFile() throws IOException {
        store().updateService("orders", s -> s.withProperty("a", Setting.plain("1")));
        assertThrows(SettingsException.class, () -> store().updateService("orders", s -> {
            throw new SettingsException("name", "rejected");
        }));
        assertThat(store().service("orders").properties()).containsOnlyKeys("a");
    }

    @Test
    void damagedFileErrorHidesContent() throws IOException {
        store().updateVariables(v -> Map.of("KEY", Setting.secret(SECRET)));
        Files.writeString(store().variablesFile(), "{\"variables\": {\"KEY\": {\"value\": \"" + SECRET + "\", secret}}}");
        IOException e = assertThrows(IOException.class, () -> store().variables());
        assertThat(e.getMessage()).contains("not valid JSON").contains("line 1").doesNotContain(SECRET);
    }
}
