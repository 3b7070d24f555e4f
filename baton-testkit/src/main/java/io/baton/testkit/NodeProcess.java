package io.baton.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A Baton node running as a real process ({@code bin/baton node}) with a program directory of its
 * own, for tests that kill, pause and restart nodes. Its lib/ is a link to the built distribution's,
 * its output goes to {@code node.out} in its program directory.
 */
public final class NodeProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** JVM options that make node and CLI processes start fast on a small machine. */
    public static final String FAST_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto";

    private final Path distHome;
    private final Path home;
    private final Path data;
    private final String nodeId;
    private final HttpClient plainHttp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The HTTPS client and the certificate text it trusts, built again when a restarted node writes another certificate. */
    private HttpClient httpsClient;
    private String trustedPem;
    private Process process;
    /** The command that runs the daemon as another user, or empty to run it as this process's user. */
    private List<String> userPrefix = List.of();

    public NodeProcess(Path distHome, Path home, Path data, String nodeId) {
        this.distHome = distHome;
        this.home = home;
        this.data = data;
        this.nodeId = nodeId;
    }

    /** Creates the program directory: conf/ with node.yaml and logback.xml, lib/ linked to the distribution's. */
    public NodeProcess prepare() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.createDirectories(home.resolve("run"));
        if (!Files.exists(home.resolve("lib"))) {
            Files.createSymbolicLink(home.resolve("lib"), distHome.resolve("lib"));
        }
        Files.copy(distHome.resolve("conf/logback.xml"), home.resolve("conf/logback.xml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(home.resolve("conf/node.yaml"), "nodeId: " + nodeId + "\ndataDirectory: " + data + "\napi:\n  port: 0\n");
        return this;
    }

    /**
     * Runs the daemon, and so its workers, as the given user and group id through {@code setpriv}
     * (util-linux), for tests of file permissions, which root ignores. The program and data
     * directories must be readable and writable by that user; CLI calls still run as this process's user.
     */
    public NodeProcess asUser(int uid, int gid) {
        userPrefix = List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--");
        return this;
    }

    public Path home() { return home; }
    public Path data() { return data; }
    public String nodeId() { return nodeId; }
    public Process process() { return process; }
    public long pid() { return process.pid(); }

    /** Starts the daemon; the API address is ready once {@link #awaitApi} returns. */
    public NodeProcess start(String... extraArgs) throws IOException {
        Files.deleteIfExists(home.resolve("run/api.port"));
        Files.deleteIfExists(home.resolve("run/api.token"));
        Files.deleteIfExists(home.resolve("run/api.url"));
        List<String> argv = new ArrayList<>(userPrefix);
        argv.addAll(List.of(distHome.resolve("bin/baton").toString(), "node"));
        argv.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("node.out").toFile()));
        environment(pb.environment());
        process = pb.start();
        return this;
    }

    private void environment(Map<String, String> env) {
        env.put("BATON_HOME", home.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("BATON_JAVA_OPTS", FAST_JVM);
    }

    public NodeProcess awaitApi(Duration timeout) {
        await(timeout, "the API of node " + nodeId + " to come up", () -> Files.exists(home.resolve("run/api.token"))
                && Files.exists(home.resolve("run/api.port")) && live());
        return this;
    }

    public NodeProcess awaitRole(String role, Duration timeout) {
        awaitApi(timeout);
        await(timeout, "node " + nodeId + " to become " + role, () -> role.equals(tryGet("/api/node").path("role").asText()));
        return this;
    }

    private boolean live() {
        try {
            HttpResponse<Void> r = client().send(HttpRequest.newBuilder(URI.create(base() + "/health/live")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Returns the node's API address from {@code run/api.url}, with the scheme, host and port the daemon serves. */
    public String base() {
        try {
            Path url = home.resolve("run/api.url");
            return Files.exists(url) ? Files.readString(url).trim() : "http://127.0.0.1:" + Files.readString(home.resolve("run/api.port")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns a client for this node: with HTTPS, one that trusts the certificate the daemon wrote to {@code run/api.crt}. */
    public synchronized HttpClient client() {
        Path certificate = home.resolve("run/api.crt");
        if (!base().startsWith("https:") || !Files.exists(certificate)) {
            return plainHttp;
        }
        try {
            String pem = Files.readString(certificate);
            if (pem.equals(trustedPem)) {
                return httpsClient;
            }
            java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("node", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(
                    new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
            javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            httpsClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).sslContext(context).build();
            trustedPem = pem;
            return httpsClient;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the certificate " + certificate + ": " + e, e);
        }
    }

    /** Result of an API call: status and parsed body. */
    public record Response(int status, JsonNode body) {
    }

    public Response call(String method, String path, Object body) {
        try {
            String token = Files.readString(home.resolve("run/api.token")).trim();
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
            HttpRequest req = HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").method(method, publisher).timeout(Duration.ofMinutes(2)).build();
            HttpResponse<String> r = client().send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JsonNode get(String path) {
        Response r = call("GET", path, null);
        if (r.status() != 200) {
            throw new IllegalStateException("GET " + path + " returned status " + r.status() + ": " + r.body());
        }
        return r.body();
    }

    /** GET that returns an empty object while the node is unreachable. */
    public JsonNode tryGet(String path) {
        try {
            return call("GET", path, null).body();
        } catch (RuntimeException e) {
            return JSON.createObjectNode();
        }
    }

    /**
     * Returns the role the node's API reports, or an empty string when the node does not answer within
     * two seconds: a paused process accepts connections but never replies. Polling loops use it. Assertions
     * use {@link #roleNow()}, because a loaded machine can take longer than two seconds to respond.
     */
    public String role() {
        try {
            String token = Files.readString(home.resolve("run/api.token")).trim();
            HttpRequest req = HttpRequest.newBuilder(URI.create(base() + "/api/node")).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> r = client().send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return r.statusCode() == 200 ? JSON.readTree(r.body()).path("role").asText() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * Returns the role the node's API reports, waiting up to two minutes (the timeout of {@link #call}) for
     * the response. Assertions use it on a node that is expected to respond.
     *
     * @throws IllegalStateException when the API returns a status other than 200
     * @throws UncheckedIOException when the node cannot be reached or does not respond in time
     */
    public String roleNow() {
        return get("/api/node").path("role").asText();
    }

    /** Result of a CLI invocation. */
    public record CliResult(int exitCode, String out, String err) {
    }

    /** Runs {@code bin/baton ARGS} against this node's program directory. */
    public CliResult cli(String... args) throws IOException, InterruptedException {
        return cliWithInput(null, args);
    }

    /** Runs {@code bin/baton ARGS} with this text on its standard input, such as a password for {@code --password-stdin}. */
    public CliResult cliWithInput(String input, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(distHome.resolve("bin/baton").toString()));
        argv.addAll(List.of(args));
        Path out = Files.createTempFile(home, "cli", ".out");
        Path err = Files.createTempFile(home, "cli", ".err");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile());
        environment(pb.environment());
        Process p = pb.start();
        if (input != null) {
            try (var stdin = p.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("baton " + String.join(" ", args) + " did not finish within 3 minutes");
        }
        CliResult r = new CliResult(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /** Sends a signal (KILL, TERM, STOP, CONT) to the daemon process only. */
    public void signal(String name) throws IOException, InterruptedException {
        Signals.send(name, process.pid());
    }

    /** {@code kill -9} of the daemon alone; its workers notice the closed channel themselves. */
    public void kill9() throws IOException, InterruptedException {
        signal("KILL");
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("node " + nodeId + " did not exit within " + timeout);
        }
        return process.exitValue();
    }

    public String output() throws IOException {
        Path f = home.resolve("node.out");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Signals.killWorkersOf(data);
    }

    /** Polls a condition until it holds, failing with what was awaited. */
    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
