package io.baton.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailedAttemptStagingTest {

    @TempDir
    Path root;

    private final FailedAttemptStaging staging = new FailedAttemptStaging("copy", 7, "node-a");

    @Test
    void outputsAndFolderRemoved() throws Exception {
        Path item = Files.createDirectories(root.resolve("work/copy/1-7/3"));
        Files.write(item.resolve("step-0"), new byte[4096]);
        Files.write(item.resolve("output"), new byte[1024]);

        staging.remove(item, RunExecutor.DOWNLOAD);

        assertThat(item).doesNotExist();
        assertThat(item.getParent()).isDirectory();
    }

    @Test
    void downloadKept() throws Exception {
        Path item = Files.createDirectories(root.resolve("work/copy/1-7/3"));
        Files.writeString(item.resolve(RunExecutor.DOWNLOAD), "remote input\n");
        Files.write(item.resolve("output"), new byte[1024]);

        staging.remove(item, RunExecutor.DOWNLOAD);

        assertThat(item.resolve("output")).doesNotExist();
        assertThat(item.resolve(RunExecutor.DOWNLOAD)).hasContent("remote input");
    }

    @Test
    void missingFolderIgnored() {
        Path item = root.resolve("work/copy/1-7/3");

        staging.remove(item, RunExecutor.DOWNLOAD);

        assertThat(item).doesNotExist();
    }

    @Test
    void symbolicLinkNotFollowed() throws Exception {
        Path elsewhere = Files.writeString(root.resolve("elsewhere.txt"), "not Baton's\n");
        Path item = Files.createDirectories(root.resolve("work/copy/1-7/3"));
        Files.createSymbolicLink(item.resolve("output"), elsewhere);

        staging.remove(item, RunExecutor.DOWNLOAD);

        assertThat(item).doesNotExist();
        assertThat(elsewhere).hasContent("not Baton's");
    }
}
