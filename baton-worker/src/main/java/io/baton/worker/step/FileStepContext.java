package io.baton.worker.step;

import io.baton.api.StepContext;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A {@link StepContext} over plain files: one input, one output, both in the run's staging folder. */
public final class FileStepContext implements StepContext {

    /** Buffer size for step streams, in bytes: large enough that big files stream at disk speed. */
    private static final int BUFFER_BYTES = 256 * 1024;

    private final String serviceName;
    private final long runId;
    private final String workItemKey;
    private final String inputName;
    private final Path input;
    private final Path output;
    private final Map<String, String> properties;
    /** The digest that the input stream feeds, for the first step only; null for the others. */
    private final InputDigest inputDigest;
    private long records;

    public FileStepContext(String serviceName, long runId, String workItemKey, String inputName,
            Path input, Path output, Map<String, String> properties) {
        this(serviceName, runId, workItemKey, inputName, input, output, properties, null);
    }

    /** Creates the context of the first step, whose input stream also feeds {@code inputDigest}. */
    public FileStepContext(String serviceName, long runId, String workItemKey, String inputName,
            Path input, Path output, Map<String, String> properties, InputDigest inputDigest) {
        this.inputDigest = inputDigest;
        this.serviceName = serviceName;
        this.runId = runId;
        this.workItemKey = workItemKey;
        this.inputName = inputName;
        this.input = input;
        this.output = output;
        this.properties = Map.copyOf(properties);
    }

    @Override public String serviceName() { return serviceName; }
    @Override public long runId() { return runId; }
    @Override public String workItemKey() { return workItemKey; }
    @Override public String inputName() { return inputName; }
    @Override public Path input() { return input; }
    @Override public Path output() { return output; }
    @Override public Map<String, String> properties() { return properties; }

    @Override
    public InputStream openInput() throws IOException {
        InputStream in = Files.newInputStream(input);
        return new BufferedInputStream(inputDigest == null ? in : inputDigest.wrap(in), BUFFER_BYTES);
    }

    @Override
    public OutputStream openOutput() throws IOException {
        return new BufferedOutputStream(Files.newOutputStream(output), BUFFER_BYTES);
    }

    @Override
    public void addRecords(long count) {
        records += count;
    }

    /** Records counted so far by {@link #addRecords(long)}. */
    public long records() {
        return records;
    }
}
