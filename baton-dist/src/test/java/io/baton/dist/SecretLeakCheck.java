package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.testkit.NodeProcess;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Searches everything a user or an operator can read for secret values: the body of every GET route that
 * {@code GET /api/routes} lists, CLI output, exported archives (each entry unpacked), the output file of every
 * node of a {@link TestCluster}, every file under the data directory's {@code logs/}, and the journal's audit
 * rows. Each hit is recorded with where it was; {@link #assertNoLeaks()} fails with the list.
 *
 * <p>Messages name a secret by its number in the list, so that a failure does not print it again.
 */
final class SecretLeakCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");

    private final TestCluster cluster;
    private final List<String> secrets;
    private final List<String> hits = new ArrayList<>();
    private final List<String> scanned = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SecretLeakCheck(TestCluster cluster, List<String> secrets) {
        this.cluster = cluster;
        this.secrets = List.copyOf(secrets);
        for (String s : secrets) {
            if (s.length() < 8) {
                throw new IllegalArgumentException("a secret for the leak check needs at least 8 characters, so that it cannot occur by chance");
            }
        }
    }

    /** Records a hit for every secret that {@code text} contains. */
    SecretLeakCheck scanText(String where, String text) {
        scanned.add(where);
        for (int i = 0; i < secrets.size(); i++) {
            if (text.contains(secrets.get(i))) {
                hits.add(where + " contains secret #" + (i + 1));
            }
        }
        return this;
    }

    /** Scans bytes as UTF-8 text, and a zip archive entry by entry as well, because compression hides the text. */
    SecretLeakCheck scanBytes(String where, byte[] bytes) throws IOException {
        scanText(where, new String(bytes, StandardCharsets.UTF_8));
        if (bytes.length > 4 && bytes[0] == 'P' && bytes[1] == 'K') {
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
                ZipEntry entry;
                while ((entry = zip.getNextEntry()) != null) {
                    scanText(where + " entry " + entry.getName(), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return this;
    }

    /**
     * Calls every GET route of the node's API. A path parameter takes its value from {@code parameters}, unless
     * {@code routes} lists the concrete paths of that route. A route with a parameter that neither gives fails the
     * check, so that a route added later is not skipped without notice.
     */
    SecretLeakCheck scanApiGets(NodeProcess node, Map<String, String> parameters, Map<String, List<String>> routes)
            throws IOException, InterruptedException {
        JsonNode list = node.get("/api/routes");
        int calls = 0;
        for (JsonNode route : list) {
            if (!route.path("method").asText().equals("GET")) {
                continue;
            }
            for (String path : concretePaths(route.path("path").asText(), parameters, routes)) {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base(node) + path))
                        .header("Authorization", "Bearer " + Files.readString(node.home().resolve("run/api.token")).trim())
                        .timeout(Duration.ofMinutes(1)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                scanBytes("GET " + path + " (HTTP " + r.statusCode() + ")", r.body());
                calls++;
            }
        }
        assertThat(calls).as("GET routes called").isGreaterThan(10);
        return this;
    }

    private static List<String> concretePaths(String route, Map<String, String> parameters, Map<String, List<String>> routes) {
        if (routes.containsKey(route)) {
            return routes.get(route);
        }
        Matcher m = PATH_PARAMETER.matcher(route);
        StringBuilder path = new StringBuilder();
        while (m.find()) {
            String value = parameters.get(m.group(1));
            if (value == null) {
                throw new AssertionError("route " + route + " has the path parameter {" + m.group(1) + "}, which the leak check cannot"
                        + " fill; pass a value or the route's paths");
            }
            m.appendReplacement(path, Matcher.quoteReplacement(value));
        }
        m.appendTail(path);
        return List.of(path.toString());
    }

    private static String base(NodeProcess node) throws IOException {
        return "http://127.0.0.1:" + Files.readString(node.home().resolve("run/api.port")).trim();
    }

    /** Runs {@code baton ARGS} and scans its standard output and error. */
    SecretLeakCheck scanCli(NodeProcess node, String... args) throws IOException, InterruptedException {
        NodeProcess.CliResult r = node.cli(args);
        scanText("baton " + String.join(" ", args) + " (exit " + r.exitCode() + ")", r.out() + "\n" + r.err());
        return this;
    }

    /** Scans the output file of every node of the cluster and every file under the data directory's {@code logs/}. */
    SecretLeakCheck scanNodeLogs() throws IOException {
        for (NodeProcess n : cluster.nodes()) {
            scanText("output of node " + n.nodeId(), n.output());
        }
        Path logs = cluster.data.resolve("logs");
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                scanBytes("log file " + cluster.data.relativize(f), Files.readAllBytes(f));
            }
        }
        return this;
    }

    /** Scans every column of every audit row; use it only while no node of the cluster runs. */
    SecretLeakCheck scanAuditRows() throws java.sql.SQLException {
        List<List<String>> rows = cluster.query("SELECT * FROM operator_actions");
        assertThat(rows).as("audit rows").isNotEmpty();
        for (List<String> row : rows) {
            scanText("audit row " + row.get(0), String.join("|", row.stream().map(String::valueOf).toList()));
        }
        return this;
    }

    /** Fails with every place that contained a secret. */
    void assertNoLeaks() {
        assertThat(hits).as("places that contain a secret, of " + scanned.size() + " scanned").isEmpty();
    }

    /** The places scanned so far, for a test that checks the scan reached them. */
    List<String> scanned() {
        return List.copyOf(scanned);
    }
}
