package io.baton.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.baton.core.config.ServiceDescriptor.FileOrder;
import io.baton.core.config.ServiceDescriptor.SourceSpec;
import io.baton.core.source.FolderSource.Candidate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderSourceTest {

    @TempDir
    Path temp;

    private Path inbox;

    @BeforeEach
    void createInbox() throws IOException {
        inbox = Files.createDirectories(temp.resolve("inbox"));
    }

    private Path file(String relPath) throws IOException {
        Path p = inbox.resolve(relPath);
        Files.createDirectories(p.getParent());
        Files.writeString(p, relPath + "\n");
        return p;
    }

    private static SourceSpec spec(Path folder, List<String> include, List<String> exclude, boolean recursive, FileOrder order) {
        return new SourceSpec(folder, include, exclude, recursive, order, 1000, false, new io.baton.core.config.ServiceDescriptor.ReadinessSpec(null, null),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    private List<String> list(List<String> include, List<String> exclude, boolean recursive, FileOrder order) throws IOException {
        return new FolderSource(spec(inbox, include, exclude, recursive, order)).list().stream()
                .map(c -> c.identity().relPath())
                .toList();
    }

    private List<String> list(List<String> include, List<String> exclude, boolean recursive) throws IOException {
        return list(include, exclude, recursive, FileOrder.NAME);
    }

    @Test
    void presentNamesIgnoreTheGlobs() throws IOException {
        file("a.csv");
        file("a.csv.done");
        FolderSource source = new FolderSource(spec(inbox, List.of("*.csv"), List.of(), false, FileOrder.NAME));

        List<FolderSource.Candidate> listed = source.list();

        assertThat(listed).extracting(c -> c.identity().relPath()).containsExactly("a.csv");
        assertThat(source.present()).containsExactlyInAnyOrder("a.csv", "a.csv.done");
    }

    @Test
    void includeGlobMatchesFileName() throws IOException {
        file("a.csv");
        file("b.txt");
        file("c.CSV");

        assertThat(list(List.of("*.csv"), List.of(), false)).containsExactly("a.csv");
    }

    @Test
    void severalIncludeGlobsAreAlternatives() throws IOException {
        file("a.csv");
        file("b.txt");
        file("c.json");

        assertThat(list(List.of("*.csv", "*.json"), List.of(), false)).containsExactly("a.csv", "c.json");
    }

    @Test
    void excludeGlobRemovesMatches() throws IOException {
        file("a.csv");
        file("a.csv.tmp");
        file("b.csv");

        assertThat(list(List.of("*"), List.of("*.tmp"), false)).containsExactly("a.csv", "b.csv");
    }

    @Test
    void nameGlobMatchesInEverySubfolder() throws IOException {
        file("a.csv");
        file("sub/b.csv");
        file("sub/deep/c.csv");
        file("sub/deep/d.txt");

        assertThat(list(List.of("*.csv"), List.of(), true)).containsExactly("a.csv", "sub/b.csv", "sub/deep/c.csv");
    }

    @Test
    void slashGlobMatchesRelativePath() throws IOException {
        file("a.csv");
        file("2024/b.csv");
        file("2023/c.csv");
        file("2024/deep/d.csv");

        assertThat(list(List.of("2024/*.csv"), List.of(), true)).containsExactly("2024/b.csv");
    }

    @Test
    void slashExcludeGlobMatchesRelativePath() throws IOException {
        file("a.csv");
        file("tmp/b.csv");
        file("keep/tmp/c.csv");

        assertThat(list(List.of("*"), List.of("tmp/**"), true)).containsExactly("a.csv", "keep/tmp/c.csv");
    }

    @Test
    void flatListingIgnoresSubfolders() throws IOException {
        file("a.csv");
        file("sub/b.csv");

        assertThat(list(List.of("*"), List.of(), false)).containsExactly("a.csv");
    }

    @Test
    void orderByName() throws IOException {
        file("c.csv");
        file("a.csv");
        file("b.csv");

        assertThat(list(List.of("*"), List.of(), false, FileOrder.NAME)).containsExactly("a.csv", "b.csv", "c.csv");
    }

    @Test
    void orderByModificationTime() throws IOException {
        Instant base = Instant.parse("2025-03-01T10:00:00Z");
        Files.setLastModifiedTime(file("a.csv"), FileTime.from(base.plusSeconds(30)));
        Files.setLastModifiedTime(file("b.csv"), FileTime.from(base.plusSeconds(10)));
        Files.setLastModifiedTime(file("c.csv"), FileTime.from(base));

        assertThat(list(List.of("*"), List.of(), false, FileOrder.MODIFIED)).containsExactly("c.csv", "b.csv", "a.csv");
    }

    @Test
    void equalModificationTimesOrderedByName() throws IOException {
        FileTime same = FileTime.from(Instant.parse("2025-03-01T10:00:00Z"));
        Files.setLastModifiedTime(file("b.csv"), same);
        Files.setLastModifiedTime(file("a.csv"), same);

        assertThat(list(List.of("*"), List.of(), false, FileOrder.MODIFIED)).containsExactly("a.csv", "b.csv");
    }

    @Test
    void symbolicLinksSkipped() throws IOException {
        Path real = file("a.csv");
        Path outside = temp.resolve("outside.csv");
        Files.writeString(outside, "not a delivery\n");
        Files.createSymbolicLink(inbox.resolve("link-in.csv"), real);
        Files.createSymbolicLink(inbox.resolve("link-out.csv"), outside);

        assertThat(list(List.of("*.csv"), List.of(), false)).containsExactly("a.csv");

        FolderSource source = new FolderSource(spec(inbox, List.of("*.csv"), List.of(), false, FileOrder.NAME));
        source.list();
        assertThat(source.skippedLinks()).as("links reported for the waiting list").containsExactly("link-in.csv", "link-out.csv");
    }

    @Test
    void linkedSubfolderNotFollowed() throws IOException {
        file("a.csv");
        Path outside = Files.createDirectories(temp.resolve("elsewhere"));
        Files.writeString(outside.resolve("b.csv"), "not a delivery\n");
        Files.createSymbolicLink(inbox.resolve("sub"), outside);

        assertThat(list(List.of("*"), List.of(), true)).containsExactly("a.csv");
    }

    @Test
    void candidateCarriesFileIdentity() throws IOException {
        Path a = file("sub/a.csv");

        List<Candidate> candidates = new FolderSource(spec(inbox, List.of("*"), List.of(), true, FileOrder.NAME)).list();

        assertThat(candidates).hasSize(1);
        assertThat(candidates.get(0).path()).isEqualTo(a);
        assertThat(candidates.get(0).identity()).isEqualTo(FileIdentity.of(a, "sub/a.csv"));
    }

    @Test
    void missingSourceFolderThrows() {
        Path missing = temp.resolve("absent");
        FolderSource source = new FolderSource(spec(missing, List.of("*"), List.of(), false, FileOrder.NAME));

        NoSuchFileException e = assertThrows(NoSuchFileException.class, source::list);

        assertThat(e.getFile()).isEqualTo(missing.toString());
        assertThat(e.getReason()).contains("source folder is missing");
    }

    @Test
    void emptyFolderListsNothing() throws IOException {
        assertThat(list(List.of("*"), List.of(), true)).isEmpty();
    }

    @Test
    void linkedSourceFolderListedFlat() throws IOException {
        file("a.csv");
        Path linked = Files.createSymbolicLink(temp.resolve("inbox-link"), inbox);

        List<Candidate> candidates = new FolderSource(spec(linked, List.of("*"), List.of(), false, FileOrder.NAME)).list();

        assertThat(candidates).extracting(c -> c.identity().relPath()).containsExactly("a.csv");
    }

    @Test
    void linkedSourceFolderListedRecursively() throws IOException {
        // An inbox configured as a link to a mount point is followed by the flat listing.
        file("a.csv");
        file("sub/b.csv");
        Path linked = Files.createSymbolicLink(temp.resolve("inbox-link"), inbox);

        List<Candidate> candidates = new FolderSource(spec(linked, List.of("*"), List.of(), true, FileOrder.NAME)).list();

        assertThat(candidates).extracting(c -> c.identity().relPath()).containsExactly("a.csv", "sub/b.csv");
    }
}
