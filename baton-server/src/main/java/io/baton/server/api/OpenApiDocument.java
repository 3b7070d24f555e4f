package io.baton.server.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI 3.1 document of the API, {@code openapi.yaml} on the class path, served at
 * {@code GET /api/openapi.yaml}. It is written by hand, so a test fails the build when a registered
 * route is missing from it or when it documents a route the node does not serve.
 */
final class OpenApiDocument {

    /** Class path resource of the document. */
    static final String RESOURCE = "/openapi.yaml";

    private final byte[] yaml;

    private OpenApiDocument(byte[] yaml) {
        this.yaml = yaml;
    }

    /** Reads the document once, at start, so that a build without it fails before the node serves anything. */
    static OpenApiDocument load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document " + RESOURCE + " is missing from the class path of baton-server");
            }
            return new OpenApiDocument(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the OpenAPI document " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    void serve(Context ctx) {
        ctx.contentType("application/yaml; charset=utf-8").result(yaml);
    }
}
