package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.testkit.NodeProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes with a keytool-generated PKCS12 certificate serve HTTPS only; the CLI works against both,
 * and the passive node forwards over HTTPS. A wrong keystore password stops a node at start with a
 * message that names the files.
 */
class ApiTlsIT {

    private static final String STORE_PASSWORD = "store-Secret-1618";

    @TempDir
    Path tmp;

    @Test
    void nodesServeHttpsAndForward() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path keyStore = generateKeyStore(cluster.root.resolve("api.p12"));
            NodeProcess a = withTls(cluster.node("tls-a"), keyStore, STORE_PASSWORD);
            NodeProcess b = withTls(cluster.node("tls-b"), keyStore, STORE_PASSWORD);
            a.start().awaitRole("ACTIVE", Duration.ofSeconds(60));
            b.start().awaitRole("PASSIVE", Duration.ofSeconds(60));

            assertThat(a.base()).as("address in run/api.url").startsWith("https://127.0.0.1:");
            assertThat(a.home().resolve("run/api.crt")).as("certificate for the CLI").exists();
            String port = Files.readString(a.home().resolve("run/api.port")).trim();
            assertThat(plainHttpStatus("http://127.0.0.1:" + port + "/health/live")).as("plain HTTP to a TLS node").isNotEqualTo(200);

            NodeProcess.CliResult viaActive = a.cli("cluster");
            assertThat(viaActive.exitCode()).as("baton cluster on the TLS node: " + viaActive.err()).isZero();
            NodeProcess.CliResult viaPassive = b.cli("services");
            assertThat(viaPassive.exitCode()).as("baton services through the passive TLS node: " + viaPassive.err()).isZero();

            HttpResponse<String> forwarded = b.client().send(HttpRequest.newBuilder(URI.create(b.base() + "/api/services"))
                    .header("Authorization", "Bearer " + Files.readString(b.home().resolve("run/api.token")).trim()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(forwarded.statusCode()).as("services through the passive TLS node: " + forwarded.body()).isEqualTo(200);
            assertThat(forwarded.headers().firstValue("Baton-Forwarded-To")).as("forwarding header").hasValue("tls-a " + a.base());
            // Both nodes serve the same certificate, so trusting the one in tls-a's run/api.crt covers both.
            NodeProcess.CliResult monitor = a.cli("monitor", "--once", "--trust", a.home().resolve("run/api.crt").toString(),
                    "--cluster", a.base(), b.base());
            assertThat(monitor.exitCode()).as("baton monitor --once over HTTPS: " + monitor.out() + monitor.err()).isZero();
            NodeProcess.CliResult untrusted = a.cli("monitor", "--once", "--grace", "1s", "--interval", "500ms", "--cluster", a.base());
            assertThat(untrusted.exitCode()).as("baton monitor --once without --trust").isEqualTo(1);
            assertThat(untrusted.out()).contains("TLS handshake failed").contains("--trust FILE");

            // By now tls-b has probed the HTTPS API of tls-a many times: a live node is not reported hung.
            assertThat(b.output()).as("tls-b's log").doesNotContain("holder-api-silent");
        }
    }

    @Test
    void wrongKeyStorePasswordStopsStart() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path keyStore = generateKeyStore(cluster.root.resolve("api.p12"));
            NodeProcess node = withTls(cluster.node("tls-wrong"), keyStore, "not-the-password");

            node.start();

            assertThat(node.awaitExit(Duration.ofSeconds(60))).as("exit status").isEqualTo(1);
            assertThat(node.output()).as("node output").contains("cannot start")
                    .contains(node.home().resolve("conf/api.password").toString()).contains(keyStore.toString())
                    .contains("does not open");
        }
    }

    /** Generates a self-signed EC certificate for 127.0.0.1 and localhost with the JDK's keytool. */
    private static Path generateKeyStore(Path file) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "api", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(p.exitValue()).as("keytool: " + output).isZero();
        return file;
    }

    /** Rewrites the node's node.yaml with {@code api.tls} and a password file in its conf/ folder. */
    private static NodeProcess withTls(NodeProcess node, Path keyStore, String password) throws IOException {
        Path passwordFile = node.home().resolve("conf/api.password");
        Files.writeString(passwordFile, password + "\n");
        Files.writeString(node.home().resolve("conf/node.yaml"), "nodeId: " + node.nodeId() + "\ndataDirectory: " + node.data()
                + "\napi:\n  port: 0\n  tls:\n    keyStore: " + keyStore + "\n    keyStorePasswordFile: conf/api.password\n");
        return node;
    }

    /** Returns the status of a plain HTTP GET, or -1 when the connection fails. */
    private static int plainHttpStatus(String url) throws InterruptedException {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }
}
