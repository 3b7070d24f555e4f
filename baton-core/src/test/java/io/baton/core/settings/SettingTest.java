package io.baton.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SettingTest {

    private static final String SECRET = "hunter2-secret";

    @Test
    void secretViewHasNoValue() {
        assertThat(Setting.secret(SECRET).view()).containsExactly(java.util.Map.entry("secret", true), java.util.Map.entry("set", true));
        assertThat(new Setting(null, true).view()).containsEntry("set", false);
    }

    @Test
    void plainViewHasValue() {
        assertThat(Setting.plain("eu").view()).containsEntry("value", "eu").containsEntry("secret", false);
    }

    @Test
    void secretIsMaskedInExportAndText() {
        assertThat(Setting.secret(SECRET).exported()).isEqualTo(Setting.MASK);
        assertThat(Setting.secret(SECRET).toString()).doesNotContain(SECRET);
        assertThat(Setting.plain("eu").exported()).isEqualTo("eu");
    }

    @Test
    void invalidNamesAreRejected() {
        for (String name : new String[] {"", "1abc", "a b", "a/b", "a}", "x".repeat(129)}) {
            var e = assertThrows(SettingsException.class, () -> SettingNames.checkName("setting", name), name);
            assertThat(e.field()).isEqualTo("name");
        }
        SettingNames.checkName("setting", "db.url-2_x");
    }

    @Test
    void invalidValueMessageHidesValue() {
        String value = SECRET + "\0";
        var e = assertThrows(SettingsException.class, () -> SettingNames.checkValue("setting", "token", value));
        assertThat(e.getMessage()).contains("token").contains("NUL").doesNotContain(SECRET);
        var tooLong = assertThrows(SettingsException.class,
                () -> SettingNames.checkValue("setting", "token", SECRET.repeat(SettingNames.MAX_VALUE_LENGTH)));
        assertThat(tooLong.getMessage()).doesNotContain(SECRET);
    }
}
