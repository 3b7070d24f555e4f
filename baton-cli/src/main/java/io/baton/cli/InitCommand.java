package io.baton.cli;

import io.baton.core.DataDirectory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "init", mixinStandardHelpOptions = true, description = "Creates a data directory (BATON_DATA) with a default cluster.yaml; existing files are kept.")
final class InitCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "the data directory to create")
    Path dir;

    @Override
    public Integer call() throws Exception {
        DataDirectory data = DataDirectory.init(dir);
        System.out.println("Data directory ready: " + data.root());
        System.out.println("Cluster settings: " + data.clusterFile());
        return 0;
    }
}
