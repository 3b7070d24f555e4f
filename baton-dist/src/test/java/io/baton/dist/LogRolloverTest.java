package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/** The node and service logs of the program directory's logback.xml roll over at the size set for them. */
class LogRolloverTest {

    @TempDir
    Path logs;

    @Test
    void nodeAndServiceLogsRollOverBySize() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        context.putProperty("baton.logs", logs.toString());
        context.putProperty("baton.node", "n1");
        context.putProperty("baton.logs.maxSize", "10KB");
        context.putProperty("baton.logs.maxHistory", "3");
        context.putProperty("baton.logs.totalSize", "1GB");
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(Path.of("src/dist/conf/logback.xml").toFile());
        context.getLogger("org.eclipse.jetty").setLevel(ch.qos.logback.classic.Level.OFF);
        Logger log = context.getLogger("rollover");

        String line = "x".repeat(200);
        context.getMDCAdapter().put("service", "orders");
        try {
            for (int i = 0; i < 400; i++) {
                log.info("line {} {}", i, line);
                if (i % 50 == 0) {
                    // The appenders are asynchronous with a bounded queue that drops lines rather than block.
                    Thread.sleep(50);
                }
            }
        } finally {
            context.getMDCAdapter().remove("service");
        }
        context.stop();

        List<String> names = names();
        assertThat(names).as("active node log").contains("node-n1.log");
        assertThat(names).as("active service log").contains("service-orders.log");
        assertThat(names.stream().filter(n -> n.matches("node-n1\\.\\d{4}-\\d{2}-\\d{2}\\.\\d+\\.log")))
                .as("rolled-over node logs among " + names).hasSizeGreaterThanOrEqualTo(3);
        assertThat(names.stream().filter(n -> n.matches("service-orders\\.\\d{4}-\\d{2}-\\d{2}\\.\\d+\\.log")))
                .as("rolled-over service logs among " + names).hasSizeGreaterThanOrEqualTo(3);
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.toList()) {
                assertThat(Files.size(f)).as("size of " + f.getFileName()).isLessThan(10 * 1024 + 2 * 1024);
            }
        }
    }

    private List<String> names() throws Exception {
        try (Stream<Path> files = Files.list(logs)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
