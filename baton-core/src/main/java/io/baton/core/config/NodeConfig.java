package io.baton.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Settings of one node, from {@code BATON_HOME/conf/node.yaml}; never shared between nodes.
 *
 * @param maxWorkers the most service workers this node runs at once, or {@link #NO_WORKER_CAP}
 * @param apiTls the API's TLS keystore, or null when the API serves plain HTTP
 */
public record NodeConfig(String nodeId, Path dataDirectory, String apiHost, int apiPort, int maxWorkers, ApiTls apiTls) {

    /**
     * The API's certificate and private key: a PKCS12 keystore and a file whose first line is its password,
     * both resolved against the program directory.
     */
    public record ApiTls(Path keyStore, Path keyStorePasswordFile) {
    }

    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    public static final int DEFAULT_API_PORT = 8491;
    /** The value of {@code maxWorkers} when node.yaml does not set it: as many workers as services. */
    public static final int NO_WORKER_CAP = 0;

    public static NodeConfig parse(Path file, String yaml, Path home) {
        YamlFields root = YamlFields.parse(file.toString(), yaml);
        root.rejectUnknown(Set.of("nodeId", "dataDirectory", "api", "maxWorkers"));
        String nodeId = root.string("nodeId", defaultNodeId());
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw root.error("nodeId", nodeId, "1 to 63 letters, digits, '.', '_' or '-'");
        }
        String data = root.string("dataDirectory", null);
        YamlFields api = root.object("api");
        api.rejectUnknown(Set.of("host", "port", "tls"));
        return new NodeConfig(nodeId, data == null ? null : home.resolve(data).normalize(),
                api.string("host", "127.0.0.1"), api.integer("port", DEFAULT_API_PORT, 0, 65535),
                root.integer("maxWorkers", NO_WORKER_CAP, 1, 10_000), apiTls(api, home));
    }

    private static ApiTls apiTls(YamlFields api, Path home) {
        if (!api.has("tls")) {
            return null;
        }
        YamlFields tls = api.object("tls");
        tls.rejectUnknown(Set.of("keyStore", "keyStorePasswordFile"));
        String keyStore = tls.requiredString("keyStore", "the path of a PKCS12 keystore with the API's certificate and key");
        String passwordFile = tls.requiredString("keyStorePasswordFile", "the path of a file that contains the keystore's password");
        return new ApiTls(home.resolve(keyStore).normalize(), home.resolve(passwordFile).normalize());
    }

    public NodeConfig withNodeId(String id) {
        return new NodeConfig(id, dataDirectory, apiHost, apiPort, maxWorkers, apiTls);
    }

    public NodeConfig withDataDirectory(Path dir) {
        return new NodeConfig(nodeId, dir, apiHost, apiPort, maxWorkers, apiTls);
    }

    public NodeConfig withApiPort(int port) {
        return new NodeConfig(nodeId, dataDirectory, apiHost, port, maxWorkers, apiTls);
    }

    static String defaultNodeId() {
        try {
            String host = InetAddress.getLocalHost().getHostName();
            String cleaned = host.replaceAll("[^A-Za-z0-9._-]", "-");
            return NODE_ID.matcher(cleaned).matches() ? cleaned : "node";
        } catch (UnknownHostException e) {
            return "node";
        }
    }
}
