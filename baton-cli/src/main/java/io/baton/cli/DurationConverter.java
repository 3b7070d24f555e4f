package io.baton.cli;

import io.baton.core.config.Durations;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Converts a {@code --timeout} value: a duration such as {@code 30s} or {@code 2m}, or a plain whole
 * number of seconds, which earlier versions of {@code baton node stop} took.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    static final String EXPECTED = Durations.EXPECTED + ", or whole seconds";

    @Override
    public Duration convert(String value) {
        Duration parsed = value.trim().matches("\\d{1,12}") ? Duration.ofSeconds(Long.parseLong(value.trim())) : Durations.parseOrNull(value);
        if (parsed == null || parsed.isZero()) {
            throw new CommandLine.TypeConversionException("invalid duration '" + value + "': expected " + EXPECTED);
        }
        return parsed;
    }
}
