package io.baton.worker.step;

import io.baton.api.Step;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The steps that a service descriptor can name by type, without Java code of its own. */
public final class BuiltInSteps {

    private static final SortedMap<String, Supplier<Step>> FACTORIES = new TreeMap<>(Map.of(
            "copy", CopyStep::new,
            "gzip", GzipStep::new,
            "gunzip", GunzipStep::new,
            "csv-to-jsonl", CsvToJsonLinesStep::new));

    private BuiltInSteps() {
    }

    /**
     * Creates a new instance of the built-in step of the given type.
     *
     * @throws IllegalArgumentException if no built-in step has that type; the message lists the known types
     */
    public static Step create(String type) {
        Objects.requireNonNull(type, "type");
        Supplier<Step> factory = FACTORIES.get(type);
        if (factory == null) {
            throw new IllegalArgumentException(String.format(
                    "Unknown built-in step type \"%s\". Known types: %s.", type, String.join(", ", types())));
        }
        return factory.get();
    }

    /** Returns the built-in step types as an unmodifiable set that iterates in name order. */
    public static Set<String> types() {
        return Collections.unmodifiableSet(FACTORIES.keySet());
    }
}
