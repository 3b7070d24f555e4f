package io.baton.cli;

import io.baton.core.DataDirectory;
import io.baton.core.cluster.ClusterView;
import io.baton.core.cluster.ClusterViewReader;
import io.baton.core.cluster.LocalObservation;
import io.baton.core.cluster.NodeRegistry;
import io.baton.core.cluster.StaleRule;
import io.baton.core.config.ClusterConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Shows every node with its role, the lease, the current epoch, heartbeat ages, stale registrations, "
                + "the last change of the active node and open alerts. Asks the local node, active or passive; "
                + "with --data, or when no local node runs, reads the data directory itself.")
final class ClusterCommand implements Callable<Integer> {

    @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
    Path home;

    @Option(names = "--data", description = "read this data directory directly instead of asking the local node")
    Path data;

    @Option(names = "--json", description = "print the view as JSON, for scripts")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ClusterView view = data != null ? readDirectly(data) : fromNodeOrDirectory();
        if (json) {
            System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(view));
        } else {
            System.out.print(ClusterText.format(view));
        }
        return 0;
    }

    private ClusterView fromNodeOrDirectory() throws Exception {
        Path h = Home.resolve(home);
        try {
            return Api.JSON.treeToValue(Api.connect(h).get("/api/cluster"), ClusterView.class);
        } catch (Api.ApiFailure e) {
            Path configured = NodeCommand.readConfig(h).dataDirectory();
            if (configured == null) {
                throw new Api.ApiFailure(e.getMessage() + "; or pass --data DIR to read a data directory directly");
            }
            System.err.println("baton: " + e.getMessage() + "; reading " + configured + " directly");
            return readDirectly(configured);
        }
    }

    private static ClusterView readDirectly(Path dir) throws Exception {
        DataDirectory directory = new DataDirectory(dir);
        String clusterYaml;
        try {
            clusterYaml = java.nio.file.Files.readString(directory.clusterFile(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new Api.ApiFailure(directory.clusterFile() + " is missing, so " + dir + " is not a data directory; pass --data DIR "
                    + "with the data directory the nodes use, or set dataDirectory in conf/node.yaml of this program directory");
        }
        // Parsed without DataDirectory.open(), which also demands write access that a reader does not need.
        ClusterConfig cluster = ClusterConfig.parse(directory.clusterFile(), clusterYaml);
        StaleRule staleRule = new StaleRule(NodeRegistry.staleAfter(cluster.renewInterval(), cluster.leaseDuration()),
                InetAddress.getLocalHost().getHostName());
        return new ClusterViewReader(directory, staleRule).read(Instant.now(), LocalObservation.none());
    }
}
