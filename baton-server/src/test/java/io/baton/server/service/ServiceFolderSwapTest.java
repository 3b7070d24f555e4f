package io.baton.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.journal.OperatorActions.Actor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The version store and the swap of a service's current folder, including what a crash leaves behind. */
class ServiceFolderSwapTest {

    private static final Actor CALLER = new Actor("api-token", "127.0.0.1");
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path services;

    private static ServiceContent version(String target) {
        return ServiceContent.of("name: orders\ntargets: [ { path: " + target + " } ]\n", Map.of("steps.jar", target.getBytes()));
    }

    @Test
    void installReplacesCurrentFolder() throws IOException {
        VersionStore store = new VersionStore(services);
        ServiceFolderSwap swap = new ServiceFolderSwap(services);
        store.add("orders", version("one"), CALLER, null, NOW);
        store.add("orders", version("two"), CALLER, null, NOW);

        swap.install("orders", store.folder("orders", 1));
        swap.install("orders", store.folder("orders", 2));

        assertThat(Files.readString(services.resolve("orders/service.yaml"))).contains("path: two");
        assertThat(Files.readString(services.resolve("orders/lib/steps.jar"))).isEqualTo("two");
        assertThat(VersionStore.readRecord(services.resolve("orders")).version()).isEqualTo(2);
        assertThat(Files.isWritable(services.resolve("orders/service.yaml"))).as("current folder writable").isTrue();
        try (var left = Files.list(services)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("orders", ".versions");
        }
    }

    @Test
    void crashBetweenRenamesKeepsOldVersion() throws IOException {
        VersionStore store = new VersionStore(services);
        ServiceFolderSwap swap = new ServiceFolderSwap(services);
        store.add("orders", version("one"), CALLER, null, NOW);
        swap.install("orders", store.folder("orders", 1));
        // The state right after the first rename of a deploy: the new folder staged, the old one moved aside.
        Files.createDirectories(services.resolve(".deploy-orders"));
        Files.writeString(services.resolve(".deploy-orders/service.yaml"), "name: orders\n# half of version 2\n");
        Files.move(services.resolve("orders"), services.resolve(".old-orders"));

        swap.recover();

        assertThat(Files.readString(services.resolve("orders/service.yaml"))).contains("path: one");
        assertThat(services.resolve(".old-orders")).doesNotExist();
        assertThat(services.resolve(".deploy-orders")).doesNotExist();
    }

    @Test
    void crashAfterSecondRenameKeepsNewVersion() throws IOException {
        VersionStore store = new VersionStore(services);
        ServiceFolderSwap swap = new ServiceFolderSwap(services);
        store.add("orders", version("two"), CALLER, null, NOW);
        swap.install("orders", store.folder("orders", 1));
        Files.createDirectories(services.resolve(".old-orders"));
        Files.writeString(services.resolve(".old-orders/service.yaml"), "name: orders\n# version before\n");

        swap.recover();

        assertThat(Files.readString(services.resolve("orders/service.yaml"))).contains("path: two");
        assertThat(services.resolve(".old-orders")).doesNotExist();
    }

    @Test
    void versionsNumberedAndReadOnly() throws IOException {
        VersionStore store = new VersionStore(services);
        ServiceVersion first = store.add("orders", version("one"), CALLER, null, NOW);
        ServiceVersion second = store.add("orders", version("two"), CALLER, 1, NOW);

        assertThat(first.version()).isEqualTo(1);
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.rollbackOf()).isEqualTo(1);
        assertThat(second.deployedBy()).isEqualTo("api-token");
        assertThat(second.remoteAddress()).isEqualTo("127.0.0.1");
        assertThat(second.jarSha256()).containsOnlyKeys("steps.jar");
        assertThat(store.list("orders")).extracting(ServiceVersion::version).containsExactly(1, 2);
        assertThat(Files.getPosixFilePermissions(store.folder("orders", 1).resolve("service.yaml")))
                .extracting(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "GROUP_READ", "OTHERS_READ");
        assertThat(store.read("orders", 1).descriptor()).contains("path: one");
    }

    @Test
    void pruneRemovesOldestFirst() throws IOException {
        VersionStore store = new VersionStore(services);
        for (int i = 0; i < 5; i++) {
            store.add("orders", version("v" + i), CALLER, null, NOW);
        }

        assertThat(store.prune("orders", 3)).containsExactly(1, 2);

        assertThat(store.list("orders")).extracting(ServiceVersion::version).containsExactly(3, 4, 5);
        assertThat(store.add("orders", version("v5"), CALLER, null, NOW).version()).as("numbering after a prune").isEqualTo(6);
    }

    @Test
    void unfinishedVersionsRemoved() throws IOException {
        VersionStore store = new VersionStore(services);
        store.add("orders", version("one"), CALLER, null, NOW);
        store.add("orders", version("two"), CALLER, null, NOW);
        Files.createDirectories(services.resolve(".versions/orders/.new-3"));

        assertThat(store.removeNewerThan("orders", 1)).as("stored but never current").containsExactly(2);
        assertThat(store.add("orders", version("three"), CALLER, null, NOW).version()).isEqualTo(2);
        assertThat(services.resolve(".versions/orders/.new-3")).doesNotExist();
    }

    @Test
    void changedVersionFileRejected() throws IOException {
        VersionStore store = new VersionStore(services);
        store.add("orders", version("one"), CALLER, null, NOW);
        Path jar = store.folder("orders", 1).resolve("lib/steps.jar");
        jar.toFile().setWritable(true);
        Files.writeString(jar, "changed");

        assertThatThrownBy(() -> store.read("orders", 1)).isInstanceOf(IOException.class)
                .hasMessageContaining("version 1 of service orders").hasMessageContaining("do not match the SHA-256");
    }
}
