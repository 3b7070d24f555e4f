package io.baton.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.baton.core.config.ClusterConfig;
import io.baton.core.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    @TempDir
    Path temp;

    @Test
    void initCreatesLayout() throws IOException {
        Path root = temp.resolve("data");

        DataDirectory data = DataDirectory.init(root);

        assertThat(data.root()).isEqualTo(root);
        assertThat(root.resolve("services")).isDirectory();
        assertThat(root.resolve("state")).isDirectory();
        assertThat(root.resolve("state/epochs")).isDirectory();
        assertThat(root.resolve("work")).isDirectory();
        assertThat(root.resolve("logs")).isDirectory();
        assertThat(root.resolve("cluster.yaml")).hasContent(ClusterConfig.DEFAULT_YAML);
    }

    @Test
    void layoutPathsAreUnderRoot() throws IOException {
        DataDirectory data = DataDirectory.init(temp.resolve("data"));

        assertThat(data.clusterFile()).isEqualTo(data.root().resolve("cluster.yaml"));
        assertThat(data.service("orders")).isEqualTo(data.root().resolve("services/orders"));
        assertThat(data.journalFile()).isEqualTo(data.root().resolve("state/journal.db"));
        assertThat(data.leaseFile()).isEqualTo(data.root().resolve("state/lease"));
        assertThat(data.epochs()).isEqualTo(data.root().resolve("state/epochs"));
    }

    @Test
    void initKeepsExistingClusterYaml() throws IOException {
        Path root = temp.resolve("data");
        Files.createDirectories(root);
        String custom = "name: prod\nlease:\n  duration: 30s\n";
        Files.writeString(root.resolve("cluster.yaml"), custom);

        DataDirectory.init(root);

        assertThat(root.resolve("cluster.yaml")).hasContent(custom);
    }

    @Test
    void initTwiceIsHarmless() throws IOException {
        Path root = temp.resolve("data");
        DataDirectory.init(root);
        Files.writeString(root.resolve("state/epochs/1"), "node-a\n");

        DataDirectory.init(root);

        assertThat(root.resolve("state/epochs/1")).hasContent("node-a\n");
        assertThat(root.resolve("cluster.yaml")).hasContent(ClusterConfig.DEFAULT_YAML);
    }

    @Test
    void openReadsClusterSettings() throws IOException {
        Path root = temp.resolve("data");
        DataDirectory.init(root);
        Files.writeString(root.resolve("cluster.yaml"), "name: prod\nlease:\n  duration: 20s\n");

        ClusterConfig config = new DataDirectory(root).open();

        assertThat(config.name()).isEqualTo("prod");
        assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void openMissingDirectoryNamesPathAndInit() {
        Path root = temp.resolve("absent");

        DataDirectoryException e = assertThrows(DataDirectoryException.class, () -> new DataDirectory(root).open());

        assertThat(e.getMessage()).contains(root.toString());
        assertThat(e.getMessage()).contains("baton init " + root);
    }

    @Test
    void openRegularFileNamesPath() throws IOException {
        Path root = temp.resolve("data");
        Files.writeString(root, "not a folder\n");

        DataDirectoryException e = assertThrows(DataDirectoryException.class, () -> new DataDirectory(root).open());

        assertThat(e.getMessage()).contains(root.toString());
        assertThat(e.getMessage()).doesNotContain("does not exist");
    }

    @Test
    void openMissingClusterYamlNamesPathAndInit() throws IOException {
        Path root = temp.resolve("data");
        DataDirectory.init(root);
        Files.delete(root.resolve("cluster.yaml"));

        ConfigException e = assertThrows(ConfigException.class, () -> new DataDirectory(root).open());

        assertThat(e.file()).isEqualTo(root.resolve("cluster.yaml").toString());
        assertThat(e.getMessage()).contains(root.resolve("cluster.yaml").toString());
        assertThat(e.getMessage()).contains("baton init " + root);
    }

    @Test
    void openInvalidClusterYamlNamesPathAndField() throws IOException {
        // init keeps an existing cluster.yaml, so the fix here is to edit the named field, not to run baton init.
        Path root = temp.resolve("data");
        DataDirectory.init(root);
        Files.writeString(root.resolve("cluster.yaml"), "name: prod\nlease:\n  duration: 10 seconds\n");

        ConfigException e = assertThrows(ConfigException.class, () -> new DataDirectory(root).open());

        assertThat(e.getMessage()).contains(root.resolve("cluster.yaml").toString());
        assertThat(e.field()).isEqualTo("lease.duration");
        assertThat(e.getMessage()).contains("'10 seconds'");
        assertThat(e.getMessage()).contains("expected a duration such as");
    }

    @Test
    void openUnparsableClusterYamlNamesPath() throws IOException {
        Path root = temp.resolve("data");
        DataDirectory.init(root);
        Files.writeString(root.resolve("cluster.yaml"), "lease: [15s\n");

        ConfigException e = assertThrows(ConfigException.class, () -> new DataDirectory(root).open());

        assertThat(e.getMessage()).contains(root.resolve("cluster.yaml").toString());
        assertThat(e.getMessage()).contains("invalid YAML at line 1, column ");
    }

    @Test
    void openMissingSubfolderNamesPathAndInit() throws IOException {
        Path root = temp.resolve("data");
        DataDirectory.init(root);
        Files.delete(root.resolve("state/epochs"));

        DataDirectoryException e = assertThrows(DataDirectoryException.class, () -> new DataDirectory(root).open());

        assertThat(e.getMessage()).contains(root.resolve("state/epochs").toString());
        assertThat(e.getMessage()).contains("baton init " + root);
    }

    @Test
    void openWritesNothing() throws IOException {
        Path root = temp.resolve("data");
        Files.createDirectories(root);

        assertThrows(ConfigException.class, () -> new DataDirectory(root).open());

        assertThat(root).isEmptyDirectory();
    }
}
