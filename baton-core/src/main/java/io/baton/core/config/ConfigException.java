package io.baton.core.config;

import java.nio.file.Path;

/**
 * A configuration file that cannot be used: names the file, the field, the value found and what is
 * expected, so that an operator can fix it without reading code.
 */
public final class ConfigException extends RuntimeException {

    private final String file;
    private final String field;

    public ConfigException(Path file, String field, Object value, String expected) {
        this(file == null ? "(no file)" : file.toString(), field, value, expected);
    }

    public ConfigException(String file, String field, Object value, String expected) {
        super(format(file, field, value, expected));
        this.file = file;
        this.field = field;
    }

    /** Creates the exception for a fault that does not fit "field F is V; expected E", with the sentence given whole. */
    public ConfigException(String file, String sentence, String field) {
        super(file + ": " + sentence);
        this.file = file;
        this.field = field;
    }

    private static String format(String file, String field, Object value, String expected) {
        String found = value == null ? "missing" : "'" + value + "'";
        return file + ": field '" + field + "' is " + found + "; expected " + expected;
    }

    public String file() {
        return file;
    }

    public String field() {
        return field;
    }
}
