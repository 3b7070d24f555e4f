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

/** The CLI's client of the node's REST API, with the address and token the local daemon wrote to {@code run/}. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    private Api(String base, String token) {
        this.base = base;
        this.token = token;
    }

    static Api connect(Path home) throws IOException {
        Path run = home.resolve("run");
        try {
            String port = Files.readString(run.resolve("api.port"), StandardCharsets.UTF_8).trim();
            String token = Files.readString(run.resolve("api.token"), StandardCharsets.UTF_8).trim();
            String host = NodeCommand.readConfig(home).apiHost();
            return new Api("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port, token);
        } catch (NoSuchFileException e) {
            throw new ApiFailure("no running node found in " + home + " (" + e.getFile() + " is missing); start one with: baton node");
        }
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
            return new ParameterException(command, getMessage() + "; see: baton " + command.getCommandName() + " --help");
        }
    }
}
