package io.baton.worker.step;

import io.baton.api.StepContext;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.apache.commons.csv.CSVFormat;

/**
 * The step properties of {@link CsvToJsonLinesStep}, validated. Its class comment describes each
 * property. An invalid value throws {@link IllegalArgumentException} naming the property.
 */
record CsvSettings(Charset charset, CSVFormat format, long maxRecordChars) {

    static final String DELIMITER_PROPERTY = "delimiter";
    static final String CHARSET_PROPERTY = "charset";
    static final String MAX_RECORD_CHARS_PROPERTY = "maxRecordChars";

    static final long DEFAULT_MAX_RECORD_CHARS = 1_048_576;

    static CsvSettings from(StepContext context) {
        return new CsvSettings(charset(context), format(context), maxRecordChars(context));
    }

    private static Charset charset(StepContext context) {
        String name = context.property(CHARSET_PROPERTY).orElse(StandardCharsets.UTF_8.name());
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(String.format(
                    "Step property charset: \"%s\" is not a charset this JVM supports."
                            + " Use a name such as UTF-8, UTF-16LE or windows-1252.",
                    name), e);
        }
    }

    private static CSVFormat format(StepContext context) {
        String delimiter = context.property(DELIMITER_PROPERTY).orElse(",");
        if (delimiter.isEmpty()) {
            throw new IllegalArgumentException("Step property delimiter is empty. Set it to the field"
                    + " separator, for example \",\" or \";\".");
        }
        try {
            return CSVFormat.DEFAULT.builder().setDelimiter(delimiter).get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(String.format(
                    "Step property delimiter: \"%s\" is invalid: %s", delimiter, e.getMessage()), e);
        }
    }

    private static long maxRecordChars(StepContext context) {
        String text = context.property(MAX_RECORD_CHARS_PROPERTY).orElse(null);
        if (text == null) {
            return DEFAULT_MAX_RECORD_CHARS;
        }
        try {
            long value = Long.parseLong(text.strip());
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Falls through to the message below, which names the property and the value.
        }
        throw new IllegalArgumentException(String.format(
                "Step property maxRecordChars: \"%s\" is invalid. Set it to a whole number of"
                        + " characters, at least 1.", text));
    }
}
