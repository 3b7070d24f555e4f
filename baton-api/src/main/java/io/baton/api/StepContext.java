package io.baton.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The view a {@link Step} has of the work item it processes. */
public interface StepContext {

    /** Name of the service, as in its descriptor. */
    String serviceName();

    /** Identifier of the run that processes this item. */
    long runId();

    /**
     * Stable key of the work item: the same for every attempt at the same delivered file, on every
     * node, and different for a new delivery under the same name. Use it to make side effects that
     * Baton cannot undo (an HTTP call, a database write) idempotent.
     */
    String workItemKey();

    /** Path of the input file relative to the source folder, with '/' as separator. */
    String inputName();

    /** The input of this step: the source file for the first step, the previous step's output after it. */
    Path input();

    /** Opens the input for reading; the caller closes the stream. */
    InputStream openInput() throws IOException;

    /** The file this step writes, inside the staging folder. */
    Path output();

    /** Opens {@link #output()} for writing, truncating it; the caller closes the stream. */
    OutputStream openOutput() throws IOException;

    /** The service's properties merged with the step's own settings, the step's taking precedence. */
    Map<String, String> properties();

    /** Returns one property, if set. */
    default Optional<String> property(String name) {
        return Optional.ofNullable(properties().get(name));
    }

    /** Adds to the number of records this item produced, for the run's statistics. */
    void addRecords(long count);
}
