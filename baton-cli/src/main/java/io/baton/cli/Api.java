package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The CLI's client of the node's REST API, with the address and token the local daemon wrote to {@code run/}. A node
 * that serves HTTPS writes its certificate to {@code run/api.crt}, and the CLI trusts that certificate alone.
 */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String base;
    private final String token;

    private Api(HttpClient http, String base, String token) {
        this.http = http;
        this.base = base;
        this.token = token;
    }

    static Api connect(Path home) throws IOException {
        Path run = home.resolve("run");
        try {
            String token = Files.readString(run.resolve("api.token"), StandardCharsets.UTF_8).trim();
            String base = baseUrl(home, run);
            HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
            if (base.startsWith("https:")) {
                http.sslContext(trustedContext(run.resolve("api.crt")));
            }
            return new Api(http.build(), base, token);
        } catch (NoSuchFileException e) {
            throw new ApiFailure("no running node found in " + home + " (" + e.getFile() + " is missing); start one with: baton node");
        }
    }

    private static javax.net.ssl.SSLContext trustedContext(Path certificate) throws IOException {
        try {
            return io.baton.server.api.TlsTrust.trustingPem(certificate);
        } catch (java.security.GeneralSecurityException e) {
            throw new ApiFailure("the node's certificate " + certificate + " is invalid: " + e.getMessage() + "; restart the node to write it again");
        }
    }

    /** Returns the scheme, host and port from {@code run/api.url}, or for a daemon that does not write it, from {@code run/api.port}. */
    private static String baseUrl(Path home, Path run) throws IOException {
        Path url = run.resolve("api.url");
        if (Files.exists(url)) {
            return Files.readString(url, StandardCharsets.UTF_8).trim();
        }
        String port = Files.readString(run.resolve("api.port"), StandardCharsets.UTF_8).trim();
        String host = NodeCommand.readConfig(home).apiHost();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    JsonNode post(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    JsonNode post(String path, Object body) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    }

    /** Sends raw bytes, such as a service archive, with their content type. */
    JsonNode post(String path, byte[] body, String contentType) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** Returns the body of a call whose response is not JSON, such as an exported archive. */
    byte[] getBytes(String path) throws IOException {
        HttpResponse<byte[]> r = exchange(HttpRequest.newBuilder(URI.create(base + path)).GET(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() >= 400) {
            throw failure(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        }
        return r.body();
    }

    /**
     * Writes the body of a call to a file as it arrives, so that an export need not fit in memory. Returns the
     * number of bytes written. A failed call leaves no file behind.
     */
    long download(String path, Path file) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".part");
        HttpResponse<Path> r = exchange(HttpRequest.newBuilder(URI.create(base + path)).GET(), HttpResponse.BodyHandlers.ofFile(partial));
        if (r.statusCode() >= 400) {
            String body = Files.readString(partial, StandardCharsets.UTF_8);
            Files.deleteIfExists(partial);
            throw failure(r.statusCode(), body);
        }
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return Files.size(file);
    }

    JsonNode put(String path, Object body) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    }

    JsonNode delete(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    boolean reachable() {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + "/health/live")).GET()
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode send(HttpRequest.Builder b) throws IOException {
        HttpResponse<String> r = exchange(b, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() >= 400) {
            throw failure(r.statusCode(), r.body());
        }
        return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    private <T> HttpResponse<T> exchange(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(b.header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(5)).build(), handler);
        } catch (ConnectException e) {
            throw new ApiFailure("cannot reach the node at " + base + "; is 'baton node' running?");
        } catch (javax.net.ssl.SSLException e) {
            throw new ApiFailure("the TLS connection to the node at " + base + " failed: " + e.getMessage() + "; the certificate in"
                    + " api.tls.keyStore must name the host in run/api.url (api.host in conf/node.yaml) as a subject alternative name");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiFailure("interrupted");
        }
    }

    /** Returns the node's error as a failure, with the message of its JSON error body when it has one. */
    private static ApiFailure failure(int status, String body) throws IOException {
        JsonNode json = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        return new ApiFailure(status, json.path("message").asText(body));
    }

    /** A call the node refused or could not take; the message is the node's. */
    static final class ApiFailure extends RuntimeException {
        /** The HTTP status of the node's response, or 0 when the node could not be reached. */
        private final int status;

        ApiFailure(String message) {
            this(0, message);
        }

        ApiFailure(int status, String message) {
            super(message);
            this.status = status;
        }

        /**
         * Throws a usage error (exit 2) when the node rejected the request as invalid (400), for commands whose
         * options go into the request as they are, so that the invalid value is the caller's argument.
         */
        ParameterException asUsageError(CommandLine command) {
            if (status != 400) {
                return null;
            }
            return new ParameterException(command, getMessage() + "; see: " + command.getCommandSpec().qualifiedName() + " --help");
        }
    }
}
