package io.baton.core;

import io.baton.core.config.ClusterConfig;
import io.baton.core.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The shared data directory ({@code BATON_DATA}) of a cluster and its layout:
 *
 * <pre>
 *   cluster.yaml   cluster-wide settings
 *   services/      the service repository, one folder per service
 *   state/         journal.db, lease, epochs/&lt;n&gt;, nodes/&lt;id&gt; (the node registry)
 *   work/          staging of in-flight runs, work/&lt;service&gt;/&lt;epoch&gt;-&lt;run&gt;/
 *   logs/          one log per node and per service
 *   settings/      users.json: users and API tokens of the management API; variables.json and
 *                  services/&lt;name&gt;.json: setting variables and service settings (all mode 0600)
 * </pre>
 */
public final class DataDirectory {

    private final Path root;

    public DataDirectory(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() { return root; }
    public Path clusterFile() { return root.resolve("cluster.yaml"); }
    public Path services() { return root.resolve("services"); }
    public Path service(String name) { return services().resolve(name); }
    public Path state() { return root.resolve("state"); }
    public Path journalFile() { return state().resolve("journal.db"); }
    public Path leaseFile() { return state().resolve("lease"); }
    public Path epochs() { return state().resolve("epochs"); }
    public Path nodes() { return state().resolve("nodes"); }
    public Path work() { return root.resolve("work"); }
    public Path logs() { return root.resolve("logs"); }
    public Path settings() { return root.resolve("settings"); }
    public Path usersFile() { return settings().resolve("users.json"); }

    /**
     * Creates the layout and a default {@code cluster.yaml}. Existing files are kept, so running it
     * twice is harmless.
     */
    public static DataDirectory init(Path dir) throws IOException {
        DataDirectory data = new DataDirectory(dir);
        for (Path p : List.of(data.root, data.services(), data.state(), data.epochs(), data.nodes(), data.work(), data.logs())) {
            Files.createDirectories(p);
        }
        try {
            Files.writeString(data.clusterFile(), ClusterConfig.DEFAULT_YAML, StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            // Keep the operator's settings.
        }
        return data;
    }

    /**
     * Checks that the directory is a usable data directory and reads its cluster settings. Nothing is
     * written, so a passive node can call it.
     *
     * @throws ConfigException when cluster.yaml is missing or invalid
     * @throws DataDirectoryException when a folder is missing or not writable
     */
    public ClusterConfig open() {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new DataDirectoryException(root + " is a file, not a data directory; pass the data directory, or create one elsewhere with: baton init DIR");
        }
        if (!Files.isDirectory(root)) {
            throw new DataDirectoryException(root + " does not exist; create a data directory with: baton init " + root);
        }
        String yaml;
        try {
            yaml = Files.readString(clusterFile(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(clusterFile(), "(file)", null,
                    "a cluster.yaml in the data directory; create the data directory with: baton init " + root);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot read " + clusterFile() + ": " + e.getMessage());
        }
        ClusterConfig config = ClusterConfig.parse(clusterFile(), yaml);
        for (Path p : List.of(root, services(), state(), epochs(), work(), logs())) {
            if (!Files.isDirectory(p)) {
                throw new DataDirectoryException(p + " is missing; run 'baton init " + root + "' to complete the data directory");
            }
            if (!Files.isWritable(p)) {
                throw new DataDirectoryException(p + " is not writable for this user; give the node's user write access to the whole data directory");
            }
        }
        return config;
    }
}
