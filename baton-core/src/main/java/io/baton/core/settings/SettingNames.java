package io.baton.core.settings;

import java.util.regex.Pattern;

/** The rules for names and values of settings and variables, checked before anything is stored. */
public final class SettingNames {

    /** A letter or underscore, then letters, digits, '_', '.' or '-': usable both as a property key and in {@code ${NAME}}. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");

    /** Maximum length of a value in characters. */
    public static final int MAX_VALUE_LENGTH = 65_536;

    private SettingNames() {
    }

    /**
     * Rejects a setting key or variable name that does not match {@link #NAME}.
     *
     * @param kind what the name names, such as {@code setting} or {@code variable}, for the message
     */
    public static void checkName(String kind, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new SettingsException("name", "invalid " + kind + " name '" + name + "': expected a letter or '_', then up to 127"
                    + " letters, digits, '_', '.' or '-'");
        }
    }

    /** Rejects a missing, overlong or NUL-containing value; the message names the key, never the value. */
    public static void checkValue(String kind, String name, String value) {
        if (value == null) {
            throw new SettingsException("value", "the " + kind + " " + name + " has no value; send {\"value\": \"...\"}");
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new SettingsException("value", "the value of " + kind + " " + name + " has " + value.length() + " characters, more than"
                    + " the maximum of " + MAX_VALUE_LENGTH + "; store large content in a file and set its path instead");
        }
        if (value.indexOf('\0') >= 0) {
            throw new SettingsException("value", "the value of " + kind + " " + name + " contains a NUL character, which a property"
                    + " cannot hold; remove it");
        }
    }
}
