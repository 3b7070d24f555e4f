package io.baton.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WritableFolderTest {

    @TempDir
    Path root;

    @Test
    void missingFolderCreated() {
        Path archive = root.resolve("archive/2026/12/04");

        assertThat(RunExecutor.writableFolder(archive)).isNull();
        assertThat(archive).isDirectory();
    }

    @Test
    void fileOnPathNamed() throws Exception {
        Path blocker = Files.writeString(root.resolve("archive"), "a file where a folder belongs\n");

        String problem = RunExecutor.writableFolder(root.resolve("archive/2026/12/04"));

        assertThat(problem).contains("because " + blocker + " is a file, not a folder");
        assertThat(problem).contains("move that file away");
        assertThat(problem).doesNotContain("FileSystemException");
        assertThat(blocker).isRegularFile();
    }
}
