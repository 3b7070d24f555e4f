package io.baton.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NodeConfigTest {

    private static final Path HOME = Path.of("/opt/baton");
    private static final Path FILE = HOME.resolve("conf/node.yaml");

    private static NodeConfig parse(String yaml) {
        return NodeConfig.parse(FILE, yaml, HOME);
    }

    @Test
    void maxWorkersAbsentMeansNoCap() {
        NodeConfig c = parse("nodeId: a\n");

        assertThat(c.maxWorkers()).isEqualTo(NodeConfig.NO_WORKER_CAP);
    }

    @Test
    void maxWorkersParses() {
        NodeConfig c = parse("nodeId: a\nmaxWorkers: 4\n");

        assertThat(c.maxWorkers()).isEqualTo(4);
        assertThat(c.withApiPort(0).maxWorkers()).as("kept by withApiPort").isEqualTo(4);
        assertThat(c.withNodeId("b").maxWorkers()).as("kept by withNodeId").isEqualTo(4);
    }

    @Test
    void maxWorkersZeroRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("maxWorkers: 0\n"));

        assertThat(e.field()).isEqualTo("maxWorkers");
        assertThat(e.getMessage()).isEqualTo(FILE + ": field 'maxWorkers' is '0'; expected a whole number from 1 to 10000");
    }

    @Test
    void maxWorkersTextRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("maxWorkers: many\n"));

        assertThat(e.getMessage()).contains("field 'maxWorkers' is 'many'");
    }

    @Test
    void apiTlsAbsentMeansPlainHttp() {
        assertThat(parse("nodeId: a\napi: { port: 0 }\n").apiTls()).isNull();
    }

    @Test
    void apiTlsPathsResolveAgainstHome() {
        NodeConfig c = parse("api:\n  tls: { keyStore: conf/api.p12, keyStorePasswordFile: /etc/baton/api.pass }\n");

        assertThat(c.apiTls().keyStore()).isEqualTo(HOME.resolve("conf/api.p12"));
        assertThat(c.apiTls().keyStorePasswordFile()).isEqualTo(Path.of("/etc/baton/api.pass"));
        assertThat(c.withApiPort(0).apiTls()).as("kept by withApiPort").isEqualTo(c.apiTls());
    }

    @Test
    void apiTlsWithoutPasswordFileRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("api:\n  tls: { keyStore: conf/api.p12 }\n"));

        assertThat(e.field()).isEqualTo("api.tls.keyStorePasswordFile");
    }
}
