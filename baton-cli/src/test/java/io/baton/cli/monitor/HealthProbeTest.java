package io.baton.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe against real HTTP servers on loopback that act as an active node, a passive node, and a proxy before a stopped node. */
class HealthProbeTest {

    private final HealthProbe probe = new HealthProbe(Duration.ofMillis(500), null);
    private HttpServer server;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Starts a server whose /health/active returns {@code status} with {@code body}, and whose /health/live returns {@code liveStatus}. */
    private URI serve(int status, String body, int liveStatus) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health/active", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add(HealthProbe.NODE_HEADER, "node-a");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.createContext("/health/live", exchange -> {
            exchange.sendResponseHeaders(liveStatus, -1);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** One row: what the server returns, and what the probe must make of it. */
    private record Case(String name, int activeStatus, String activeBody, int liveStatus, NodeHealth.State state, String detail) {
    }

    @Test
    void responsesMapToStates() throws Exception {
        List<Case> cases = List.of(
                new Case("active node", 200, "active", 200, NodeHealth.State.ACTIVE, "active"),
                new Case("passive node", 503, "passive", 200, NodeHealth.State.NOT_ACTIVE, "passive"),
                new Case("proxy before a stopped node", 503, "", 503, NodeHealth.State.DOWN,
                        "/health/active returned 503 and /health/live returned 503"));
        for (Case c : cases) {
            NodeHealth health = probe.probe(serve(c.activeStatus(), c.activeBody(), c.liveStatus()));

            assertThat(health.state()).as("state of the %s", c.name()).isEqualTo(c.state());
            assertThat(health.detail()).as("detail of the %s", c.name()).isEqualTo(c.detail());
            assertThat(health.nodeId()).as("node id of the %s", c.name()).isEqualTo("node-a");
            server.stop(0);
        }
    }

    @Test
    void closedPortIsDown() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        NodeHealth health = probe.probe(URI.create("http://127.0.0.1:" + port));

        assertThat(health.state()).isEqualTo(NodeHealth.State.DOWN);
        assertThat(health.detail()).startsWith("unreachable: connection");
    }

    @Test
    void hungNodeIsDown() throws Exception {
        // Accepts connections, as the kernel does for a paused process, and never responds.
        try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            NodeHealth health = probe.probe(URI.create("http://127.0.0.1:" + hung.getLocalPort()));

            assertThat(health.state()).isEqualTo(NodeHealth.State.DOWN);
            assertThat(health.detail()).isEqualTo("unreachable: no response within 500 ms");
        }
    }
}
