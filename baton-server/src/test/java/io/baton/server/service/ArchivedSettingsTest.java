package io.baton.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.config.DescriptorParser;
import io.baton.core.config.ServiceDescriptor;
import io.baton.core.settings.ServiceSettings;
import io.baton.core.settings.Setting;
import io.baton.core.settings.SettingsStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchivedSettingsTest {

    private static final String SECRET = "archive-secret-993";
    private static final String YAML = """
            name: orders
            source: { path: in }
            process: [ { type: copy } ]
            targets: [ { path: out } ]
            properties:
              url: https://${HOST}/x
              auth: ${API_KEY}
            """;

    @TempDir
    Path data;

    private ServiceDescriptor descriptor() {
        return new DescriptorParser(data).parse("service.yaml", YAML);
    }

    private ArchivedSettings exported() {
        ServiceSettings stored = ServiceSettings.NONE.withProperty("region", Setting.plain("eu"))
                .withProperty("password", Setting.secret(SECRET)).withAutoStart(true);
        Map<String, Setting> variables = Map.of("HOST", Setting.plain("h.example"), "API_KEY", Setting.secret(SECRET),
                "UNUSED", Setting.plain("u"));
        return ArchivedSettings.of(descriptor(), stored, variables);
    }

    @Test
    void exportMasksSecretsAndKeepsUsedVariables() throws IOException {
        String json = new String(exported().toJson(), StandardCharsets.UTF_8);

        assertThat(json).doesNotContain(SECRET).contains(Setting.MASK).contains("h.example").contains("eu").doesNotContain("UNUSED");
    }

    @Test
    void archiveEntryRoundTrip() throws IOException {
        ServiceContent content = ServiceContent.of(YAML, Map.of());
        ServiceVersion record = new ServiceVersion("orders", 1, "2026-03-01T10:15:30Z", "api-token", "127.0.0.1", null,
                content.descriptorSha256(), content.jarSha256());
        ServiceArchive.Contents read = ServiceArchive.read(ServiceArchive.write(record, content, exported()));

        assertThat(read.settings().properties()).containsKeys("region", "password");
        assertThat(read.settings().properties().get("password").value()).isEqualTo(Setting.MASK);
        assertThat(read.manifest().sha256()).containsKey(ArchivedSettings.ENTRY);
    }

    @Test
    void deployAddsMissingAndListsSecrets() throws IOException {
        SettingsStore store = new SettingsStore(data.resolve("settings"));
        store.updateService("orders", s -> s.withProperty("region", Setting.plain("us")));

        List<String> toSet = ArchivedSettings.parse(exported().toJson()).addMissing("orders", store);

        assertThat(toSet).containsExactlyInAnyOrder("baton settings orders --secret password", "baton variables --secret API_KEY");
        ServiceSettings stored = store.service("orders");
        assertThat(stored.properties().get("region").value()).as("a stored value is kept").isEqualTo("us");
        assertThat(stored.properties().get("password").isSet()).as("the mask is never stored as a value").isFalse();
        assertThat(stored.autoStart()).isTrue();
        assertThat(store.variables().get("HOST").value()).isEqualTo("h.example");
        assertThat(store.variables().get("API_KEY").isSet()).isFalse();
    }

    @Test
    void deployKeepsSecretsAlreadySet() throws IOException {
        SettingsStore store = new SettingsStore(data.resolve("settings"));
        store.updateService("orders", s -> s.withProperty("password", Setting.secret("here")));
        store.updateVariables(v -> Map.of("API_KEY", Setting.secret("here-too")));

        List<String> toSet = exported().addMissing("orders", store);

        assertThat(toSet).isEmpty();
        assertThat(store.service("orders").properties().get("password").value()).isEqualTo("here");
    }
}
