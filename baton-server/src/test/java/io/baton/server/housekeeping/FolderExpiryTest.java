package io.baton.server.housekeeping;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.config.DescriptorParser;
import io.baton.core.config.ServiceDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expiry of archive and quarantine folders on real files. File ages come from their change time, which
 * a test cannot set, so the expiry's clock is moved forward instead.
 */
class FolderExpiryTest {

    @TempDir
    Path data;

    private ServiceDescriptor service(String yaml) {
        return new DescriptorParser(data).parse("service.yaml", yaml);
    }

    private static FolderExpiry expiryAt(Instant now) {
        return new FolderExpiry(() -> true, Clock.fixed(now, ZoneOffset.UTC));
    }

    private Path file(String rel) throws IOException {
        Path p = data.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "content of " + rel + "\n");
        return p;
    }

    private ExpiryRule onlyRule(ServiceDescriptor... services) {
        List<ExpiryRule> rules = ExpiryRule.plan(List.of(services), data);
        assertThat(rules).as("expiry rules").hasSize(1);
        return rules.get(0);
    }

    @Test
    void oldArchivedInputsRemovedWithEmptyDatedFolders() throws IOException {
        ServiceDescriptor orders = service("""
                name: orders
                source: { path: inbox }
                process: [ { type: copy } ]
                targets: [ { path: out } ]
                onSuccess: { archive: "archive/orders/{yyyy}/{MM}/{dd}", keepFor: 30d }
                """);
        Path archived = file("archive/orders/2026/01/02/a.run-7.csv");
        Path noExtension = file("archive/orders/2026/01/02/b.run-8");
        Path notBatons = file("archive/orders/2026/01/02/notes.txt");
        Path other = file("archive/orders/2026/01/03/c.run-9.csv");
        Path outsideTarget = file("elsewhere/d.run-10.csv");
        Files.createSymbolicLink(data.resolve("archive/orders/link"), outsideTarget.getParent());
        ExpiryRule rule = onlyRule(orders);

        FolderExpiry.Counts counts = expiryAt(Instant.now().plus(Duration.ofDays(31))).expire(rule, Set.of());

        assertThat(archived).doesNotExist();
        assertThat(noExtension).doesNotExist();
        assertThat(other).doesNotExist();
        assertThat(notBatons).as("file not named by Baton").exists();
        assertThat(outsideTarget).as("file behind a symbolic link").exists();
        assertThat(data.resolve("archive/orders/2026/01/03")).as("dated folder emptied").doesNotExist();
        assertThat(data.resolve("archive/orders/2026/01/02")).as("folder that still holds a file").exists();
        assertThat(data.resolve("archive/orders")).as("the archive root").exists();
        assertThat(counts.files()).isEqualTo(3);
        assertThat(counts.folders()).isEqualTo(1);
    }

    @Test
    void youngFilesAndOpenTargetsKept() throws IOException {
        ServiceDescriptor orders = service("""
                name: orders
                source: { path: inbox }
                process: [ { type: copy } ]
                targets: [ { path: out } ]
                onSuccess: { archive: "archive/orders/{yyyy}", keepFor: 30d }
                """);
        Path expiring = file("archive/orders/2026/a.run-1.csv");
        Path pending = file("archive/orders/2026/b.run-2.csv");

        FolderExpiry.Counts early = expiryAt(Instant.now().plus(Duration.ofDays(29))).expire(onlyRule(orders), Set.of());
        FolderExpiry.Counts late = expiryAt(Instant.now().plus(Duration.ofDays(31))).expire(onlyRule(orders), Set.of(pending));

        assertThat(early.files()).as("files younger than keepFor").isZero();
        assertThat(expiring).as("file past keepFor").doesNotExist();
        assertThat(pending).as("target of an open publish action").exists();
        assertThat(late.oldestKept()).isNotNull();
    }

    @Test
    void quarantinedInputsRemovedWithReasonFiles() throws IOException {
        ServiceDescriptor orders = service("""
                name: orders
                source: { path: inbox }
                process: [ { type: copy } ]
                targets: [ { path: out } ]
                onFailure: { keepFor: 90d }
                """);
        Path input = file("quarantine/orders/a.item-3.csv");
        Path reason = file("quarantine/orders/a.item-3.csv.reason.txt");
        Path bare = file("quarantine/orders/item-4");
        Path orphanReason = file("quarantine/orders/moved.item-5.csv.reason.txt");
        Path notBatons = file("quarantine/orders/readme.txt");

        FolderExpiry.Counts counts = expiryAt(Instant.now().plus(Duration.ofDays(91))).expire(onlyRule(orders), Set.of());

        assertThat(input).doesNotExist();
        assertThat(reason).as("reason file of an expired input").doesNotExist();
        assertThat(bare).doesNotExist();
        assertThat(orphanReason).as("reason file whose input was moved away").doesNotExist();
        assertThat(notBatons).exists();
        assertThat(counts.files()).isEqualTo(4);
    }

    @Test
    void sharedFolderUsesLongestKeepFor() {
        ServiceDescriptor shortKeep = service("""
                name: a
                source: { path: in-a }
                process: [ { type: copy } ]
                targets: [ { path: out-a } ]
                onSuccess: { keepFor: 7d }
                """);
        ServiceDescriptor longKeep = service("""
                name: b
                source: { path: in-b }
                process: [ { type: copy } ]
                targets: [ { path: out-b } ]
                onSuccess: { keepFor: 30d }
                """);

        ExpiryRule rule = onlyRule(shortKeep, longKeep);

        assertThat(rule.root()).isEqualTo(data.resolve("archive"));
        assertThat(rule.keepFor()).isEqualTo(Duration.ofDays(30));
        assertThat(rule.services()).containsExactly("a", "b");
    }

    @Test
    void sharedFolderWithoutKeepForNeverExpired() {
        ServiceDescriptor expiring = service("""
                name: a
                source: { path: in-a }
                process: [ { type: copy } ]
                targets: [ { path: out-a } ]
                onSuccess: { keepFor: 7d }
                """);
        ServiceDescriptor keeping = service("""
                name: b
                source: { path: in-b }
                process: [ { type: copy } ]
                targets: [ { path: out-b } ]
                """);

        assertThat(ExpiryRule.plan(List.of(expiring, keeping), data)).isEmpty();
    }

    @Test
    void folderOverlappingTargetOrDataRootNeverExpired() {
        ServiceDescriptor intoTarget = service("""
                name: a
                source: { path: in-a }
                process: [ { type: copy } ]
                targets: [ { path: out/a } ]
                onSuccess: { archive: "out/{yyyy}", keepFor: 7d }
                """);
        String atRoot = """
                name: b
                source: { path: in-b }
                process: [ { type: copy } ]
                targets: [ { path: out-b } ]
                onSuccess: { archive: "{yyyy}/{MM}", keepFor: 7d }
                """;

        assertThat(ExpiryRule.plan(List.of(intoTarget), data)).as("archive folder that holds a target").isEmpty();
        // The data directory itself is refused as an archive root before expiry could ever see it.
        org.junit.jupiter.api.Assertions.assertThrows(io.baton.core.config.ConfigException.class, () -> service(atRoot));
    }

    @Test
    void archiveRootIsFolderAboveFirstPlaceholder() {
        assertThat(ExpiryRule.archiveRoot("/d/archive/orders/{yyyy}/{MM}")).isEqualTo(Path.of("/d/archive/orders"));
        assertThat(ExpiryRule.archiveRoot("/d/archive/x-{yyyy}")).isEqualTo(Path.of("/d/archive"));
        assertThat(ExpiryRule.archiveRoot("/d/archive/all")).isEqualTo(Path.of("/d/archive/all"));
    }
}
