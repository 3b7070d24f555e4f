package io.baton.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.baton.core.config.DescriptorParser;
import io.baton.core.config.ServiceDescriptor;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EffectiveSettingsTest {

    private static final String SECRET = "pa55-word-xyz";

    @TempDir
    Path data;

    private ServiceDescriptor descriptor(String extra) {
        return new DescriptorParser(data).parse("service.yaml", """
                name: orders
                autoStart: false
                restart:
                  automatic: true
                source:
                  path: inbox/orders
                process:
                  - type: copy
                targets:
                  - path: out/orders
                properties:
                  region: eu
                  url: https://${HOST}/api
                """ + extra);
    }

    @Test
    void settingsOverlayDescriptor() {
        ServiceSettings stored = ServiceSettings.NONE.withProperty("region", Setting.plain("us")).withProperty("extra", Setting.plain("1"));
        EffectiveSettings e = EffectiveSettings.resolve(descriptor(""), stored, Map.of("HOST", Setting.plain("h.example")));
        assertThat(e.properties()).containsEntry("region", "us").containsEntry("extra", "1").containsEntry("url", "https://h.example/api");
    }

    @Test
    void flagsOverlayDescriptor() {
        EffectiveSettings plain = EffectiveSettings.resolve(descriptor(""), ServiceSettings.NONE, Map.of("HOST", Setting.plain("h")));
        assertThat(plain.autoStart()).isFalse();
        assertThat(plain.autoRestart()).isTrue();

        ServiceSettings flags = ServiceSettings.NONE.withAutoStart(true).withAutoRestart(false);
        EffectiveSettings overlaid = EffectiveSettings.resolve(descriptor(""), flags, Map.of("HOST", Setting.plain("h")));
        assertThat(overlaid.autoStart()).isTrue();
        assertThat(overlaid.autoRestart()).isFalse();
    }

    @Test
    void unknownVariableNamesServicePropertyAndVariable() {
        var e = assertThrows(SettingsException.class, () -> EffectiveSettings.resolve(descriptor(""), ServiceSettings.NONE, Map.of()));
        assertThat(e.getMessage()).contains("service orders").contains("property url").contains("${HOST}").contains("baton variables");
        assertThat(e.field()).isEqualTo("url");
    }

    @Test
    void unsetSecretSettingStopsStart() {
        ServiceSettings stored = ServiceSettings.NONE.withProperty("token", new Setting(null, true));
        var e = assertThrows(SettingsException.class,
                () -> EffectiveSettings.resolve(descriptor(""), stored, Map.of("HOST", Setting.plain("h"))));
        assertThat(e.getMessage()).contains("service orders").contains("token").contains("baton settings orders --secret token");
    }

    @Test
    void errorNeverContainsSecretValue() {
        ServiceSettings stored = ServiceSettings.NONE.withProperty("token", Setting.secret(SECRET + "${MISSING}"));
        var e = assertThrows(SettingsException.class,
                () -> EffectiveSettings.resolve(descriptor(""), stored, Map.of("HOST", Setting.secret(SECRET))));
        assertThat(e.getMessage()).contains("MISSING").doesNotContain(SECRET);
    }

    @Test
    void toStringLeavesOutValues() {
        ServiceSettings stored = ServiceSettings.NONE.withProperty("token", Setting.secret(SECRET));
        EffectiveSettings e = EffectiveSettings.resolve(descriptor(""), stored, Map.of("HOST", Setting.plain("h")));
        assertThat(e.properties()).containsEntry("token", SECRET);
        assertThat(e.toString()).doesNotContain(SECRET);
    }
}
