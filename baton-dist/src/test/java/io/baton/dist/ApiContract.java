package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The node's OpenAPI document as a test oracle: it checks a real response against the documented status,
 * media type and JSON schema of its operation, and counts which documented responses were checked, so
 * that a documented status that no test provoked fails the test.
 */
final class ApiContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head");

    /** Response header of a call that a passive node forwarded, with the id and API address of the node that served it. */
    static final String FORWARDED_TO = "Baton-Forwarded-To";

    private final JsonNode document;
    private final SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Set<String> checked = new TreeSet<>();

    ApiContract(String yaml) throws IOException {
        this.document = YAML.readTree(yaml);
    }

    /** Returns every documented operation as "METHOD /path/{pattern}". */
    Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        document.path("paths").properties().forEach(path -> {
            for (String method : METHODS) {
                if (path.getValue().has(method)) {
                    operations.add(method.toUpperCase() + " " + path.getKey());
                }
            }
        });
        return operations;
    }

    /** Returns the operations that document {@code status}. */
    Set<String> operationsWith(int status) {
        Set<String> found = new TreeSet<>();
        for (String operation : operations()) {
            if (!response(operation, status).isMissingNode()) {
                found.add(operation);
            }
        }
        return found;
    }

    /** Returns every documented response as "METHOD /path status". */
    Set<String> documentedResponses() {
        Set<String> responses = new TreeSet<>();
        for (String operation : operations()) {
            operation(operation).path("responses").fieldNames().forEachRemaining(status -> responses.add(operation + " " + status));
        }
        return responses;
    }

    Set<String> checkedResponses() {
        return checked;
    }

    /**
     * Checks a response of {@code operation}: its status is the expected one and documented, its media type
     * is a documented one, and a JSON body validates against the documented schema.
     */
    void check(String operation, HttpResponse<String> response, int expectedStatus) throws IOException {
        String what = operation + " -> " + response.statusCode() + " " + response.body();
        assertThat(response.statusCode()).as("status of " + what).isEqualTo(expectedStatus);
        JsonNode documented = response(operation, expectedStatus);
        assertThat(documented.isMissingNode()).as("status " + expectedStatus + " documented for " + operation).isFalse();

        String mediaType = response.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
        JsonNode content = documented.path("content");
        assertThat(content.has(mediaType)).as("media type " + mediaType + " documented for " + what + "; documented: " + content).isTrue();
        if (mediaType.equals("application/json")) {
            List<com.networknt.schema.Error> errors = schema(content.path(mediaType).path("schema")).validate(response.body(), InputFormat.JSON);
            assertThat(errors).as("schema errors of " + what).isEmpty();
        }
        checked.add(operation + " " + expectedStatus);
    }

    /**
     * Checks a response that a passive node forwarded: it names the node that served it in {@code
     * Baton-Forwarded-To}, and its status, which the active node chose, is documented with this body.
     */
    void checkForwarded(String operation, HttpResponse<String> response, String activeNode) throws IOException {
        String what = operation + " -> " + response.statusCode() + " " + response.body();
        assertThat(response.headers().firstValue(FORWARDED_TO)).as("forwarding header of " + what)
                .hasValueSatisfying(value -> assertThat(value).startsWith(activeNode + " "));
        check(operation, response, response.statusCode());
    }

    /** Checks that a passive node served the call itself, without forwarding it. */
    void checkLocal(String operation, HttpResponse<String> response, int expectedStatus) throws IOException {
        assertThat(response.headers().firstValue(FORWARDED_TO)).as("forwarding header of " + operation + " on the passive node").isEmpty();
        check(operation, response, expectedStatus);
    }

    /** Returns the JSON body of a response. */
    static JsonNode bodyOf(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private JsonNode operation(String operation) {
        String[] parts = operation.split(" ", 2);
        return document.path("paths").path(parts[1]).path(parts[0].toLowerCase());
    }

    /** Returns the documented response, with a reference to a shared response resolved. */
    private JsonNode response(String operation, int status) {
        JsonNode response = operation(operation).path("responses").path(Integer.toString(status));
        if (response.has("$ref")) {
            return document.at(response.path("$ref").asText().substring(1));
        }
        return response;
    }

    /**
     * Builds a JSON Schema 2020-12 of one documented schema. OpenAPI 3.1 schemas are JSON Schema 2020-12,
     * so the schema only needs the document's components beside it for its {@code #/components/...} references.
     */
    private Schema schema(JsonNode documented) throws IOException {
        ObjectNode root = documented.deepCopy();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("components", document.path("components"));
        return schemas.getSchema(JSON.writeValueAsString(root), InputFormat.JSON);
    }
}
