package io.baton.server.api;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiPortTest {

    @TempDir
    Path run;

    @Test
    void portInUseNamesSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> ApiServer.start(null, "node-a", run.resolve("users.json"), run, "127.0.0.1", port, null, null))
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("API port " + port)
                    .hasMessageContaining("--api-port")
                    .hasMessageContaining("api.port in conf/node.yaml");
        }
    }
}
