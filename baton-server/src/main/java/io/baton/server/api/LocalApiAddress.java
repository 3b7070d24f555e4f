package io.baton.server.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files in the program directory's {@code run/} through which the local CLI finds the node's API:
 * {@code api.port}, {@code api.url} with the scheme and address to connect to, and with TLS {@code api.crt}
 * with the certificate to trust. The node's own token, {@code api.token}, is written by {@link ApiServer}.
 */
final class LocalApiAddress {

    private LocalApiAddress() {
    }

    static void write(Path runFolder, String host, int port, ApiTls tls) throws IOException {
        Files.writeString(runFolder.resolve("api.port"), port + "\n", StandardCharsets.UTF_8);

        // A wildcard address accepts connections on every interface. The CLI connects through loopback, by the name a certificate contains.
        String local = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        String url = (tls == null ? "http" : "https") + "://" + (local.contains(":") ? "[" + local + "]" : local) + ":" + port;
        Files.writeString(runFolder.resolve("api.url"), url + "\n", StandardCharsets.UTF_8);

        if (tls == null) {
            Files.deleteIfExists(runFolder.resolve("api.crt"));
        } else {
            Files.writeString(runFolder.resolve("api.crt"), tls.certificatePem(), StandardCharsets.UTF_8);
        }
    }

    /** Removes the files, so that the CLI reports no running node. */
    static void remove(Path runFolder) throws IOException {
        Files.deleteIfExists(runFolder.resolve("api.port"));
        Files.deleteIfExists(runFolder.resolve("api.url"));
        Files.deleteIfExists(runFolder.resolve("api.crt"));
    }
}
