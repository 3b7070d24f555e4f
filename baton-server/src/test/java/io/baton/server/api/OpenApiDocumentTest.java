package io.baton.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document against the API as Javalin registers it, and the error bodies the API sends without
 * a node behind it: an unknown route, a missing login, and a request body that is not JSON.
 */
class OpenApiDocumentTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path run;

    private ApiServer api;
    private String token;

    @BeforeEach
    void startApi() throws IOException {
        api = ApiServer.start(null, "node-a", run.resolve("users.json"), run, "127.0.0.1", 0, null, null);
        token = Files.readString(run.resolve("api.token")).trim();
    }

    @AfterEach
    void stopApi() {
        api.stop();
    }

    @Test
    void documentIsValidOpenApi31() throws IOException {
        SwaggerParseResult result = parse();

        assertThat(result.getMessages()).as("parser messages").isEmpty();
        assertThat(result.getOpenAPI().getOpenapi()).as("OpenAPI version").isEqualTo("3.1.0");
        assertThat(result.getOpenAPI().getComponents().getSecuritySchemes()).as("security schemes").containsOnlyKeys("bearerToken", "basicLogin", "consoleSession");
    }

    @Test
    void documentMatchesRegisteredRoutes() throws Exception {
        Set<String> registered = new TreeSet<>();
        for (JsonNode route : JSON.readTree(get("/api/routes", "Bearer " + token).body())) {
            registered.add(route.path("method").asText() + " " + route.path("path").asText());
        }
        Set<String> documented = new TreeSet<>();
        OpenAPI document = parse().getOpenAPI();
        document.getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(method -> documented.add(method.name().toUpperCase(Locale.ROOT) + " " + path)));

        assertThat(registered).as("registered routes").isNotEmpty();
        assertThat(documented).as("documented routes (a registered route is missing, or a documented one does not exist)")
                .containsExactlyInAnyOrderElementsOf(registered);
    }

    @Test
    void servedDocumentIsTheResource() throws Exception {
        HttpResponse<String> served = get("/api/openapi.yaml", "Bearer " + token);

        assertThat(served.statusCode()).as("status").isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).as("content type").hasValueSatisfying(t -> assertThat(t).startsWith("application/yaml"));
        assertThat(served.body()).as("body").isEqualTo(resource());
    }

    @Test
    void unknownRouteHasErrorBody() throws Exception {
        HttpResponse<String> response = get("/api/no-such-route", "Bearer " + token);

        assertThat(response.statusCode()).as("status").isEqualTo(404);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").asText()).as("error of " + response.body()).isEqualTo("not_found");
        assertThat(body.path("message").asText()).as("message").contains("GET /api/no-such-route").contains("GET /api/routes");
    }

    @Test
    void missingLoginHasErrorBody() throws Exception {
        HttpResponse<String> response = get("/api/openapi.yaml", null);

        assertThat(response.statusCode()).as("status").isEqualTo(401);
        assertThat(JSON.readTree(response.body()).path("error").asText()).as("error of " + response.body()).isEqualTo("unauthorized");
    }

    @Test
    void malformedJsonHasErrorBody() throws Exception {
        HttpResponse<String> response = postSwitchOver("{\"to\": \"node-b\", \"secret-like\": ");

        assertThat(response.statusCode()).as("status of " + response.body()).isEqualTo(400);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").asText()).as("error").isEqualTo("invalid_request");
        assertThat(body.path("message").asText()).as("message").contains("not valid JSON").contains("POST /api/switchover")
                .doesNotContain("secret-like");
    }

    @Test
    void nullBodyHasErrorBody() throws Exception {
        HttpResponse<String> response = postSwitchOver(" null ");

        assertThat(response.statusCode()).as("status of " + response.body()).isEqualTo(400);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").asText()).as("error").isEqualTo("invalid_request");
        assertThat(body.path("message").asText()).as("message").contains("JSON literal null").contains("POST /api/switchover");
    }

    @Test
    void wrongFieldTypeNamesField() throws Exception {
        HttpResponse<String> response = postSwitchOver("{\"timeout\": {\"seconds\": 30}}");

        assertThat(response.statusCode()).as("status of " + response.body()).isEqualTo(400);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").asText()).as("error").isEqualTo("invalid_parameter");
        assertThat(body.path("field").asText()).as("field").isEqualTo("timeout");
        assertThat(body.path("message").asText()).as("message").contains("body field 'timeout'");
    }

    /** Posts a switch-over body, which the API parses before it needs a node, so that no node is required. */
    private HttpResponse<String> postSwitchOver(String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/switchover"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static SwaggerParseResult parse() throws IOException {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        return new OpenAPIV3Parser().readContents(resource(), null, options);
    }

    private static String resource() throws IOException {
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream(OpenApiDocument.RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
