package io.baton.worker;

import io.baton.api.RejectedInputException;
import io.baton.api.Step;
import io.baton.core.config.DescriptorParser;
import io.baton.core.config.ServiceDescriptor;
import io.baton.core.config.ServiceDescriptor.StepSpec;
import io.baton.core.control.ControlMessage;
import io.baton.worker.step.BuiltInSteps;
import io.baton.worker.step.FileStepContext;
import io.baton.worker.step.InputDigest;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of one service, applied to one work item at a time. Every file a step writes lies in the
 * item's staging folder. The daemon commits a batch only after {@link #sync()} has made its outputs
 * durable, so that a commit never refers to data that a crash could still lose.
 */
final class Pipeline {

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final ServiceDescriptor descriptor;
    private final List<Step> steps;
    private final List<Map<String, String>> properties;
    /** Outputs reported done but not yet synced; the daemon commits them only after {@link #sync()}. */
    private final List<Path> unsynced = new ArrayList<>();

    private Pipeline(ServiceDescriptor descriptor, List<Step> steps, List<Map<String, String>> properties) {
        this.descriptor = descriptor;
        this.steps = steps;
        this.properties = properties;
    }

    /** Builds the steps, loading class steps from the service's jars on this JVM's class path. */
    static Pipeline create(ServiceDescriptor d) {
        List<Step> steps = new ArrayList<>();
        List<Map<String, String>> props = new ArrayList<>();
        for (int i = 0; i < d.process().size(); i++) {
            StepSpec spec = d.process().get(i);
            steps.add(spec.type().equals("class") ? load(spec.className(), i) : BuiltInSteps.create(spec.type()));
            props.add(DescriptorParser.stepProperties(d, spec));
        }
        return new Pipeline(d, steps, props);
    }

    private static Step load(String className, int index) {
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("process[" + index + "].class: class " + className
                    + " is not in the service's jars (" + e + "); deploy the jar that contains it in the service's lib folder");
        }
        if (!Step.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("process[" + index + "].class: " + className + " does not implement io.baton.api.Step");
        }
        try {
            return (Step) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("process[" + index + "].class: cannot create " + className
                    + " with its public no-argument constructor: " + e, e);
        }
    }

    /**
     * Makes every output reported done since the last sync durable, with one sync of the file system
     * that contains them ({@code sync -f}, which calls syncfs(2)) instead of one fsync per file. If that
     * command is not available or fails, each file is synced on its own.
     */
    void sync() throws IOException {
        if (unsynced.isEmpty()) {
            return;
        }
        if (!syncFileSystem(unsynced.get(0))) {
            for (Path p : unsynced) {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                    ch.force(true);
                }
            }
        }
        unsynced.clear();
    }

    private static boolean syncFileSystem(Path anyFile) {
        try {
            Process p = new ProcessBuilder("sync", "-f", anyFile.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    ControlMessage process(ControlMessage m) {
        Path staging = Path.of(m.staging());
        Path input = Path.of(m.input());
        InputDigest digest = new InputDigest();
        long records = 0;
        try {
            Files.createDirectories(staging);
            for (int i = 0; i < steps.size(); i++) {
                Path output = staging.resolve(i == steps.size() - 1 ? "output" : "step-" + i);
                FileStepContext ctx = new FileStepContext(descriptor.name(), m.runId(), m.key(), m.relPath(), input, output,
                        properties.get(i), i == 0 ? digest : null);
                steps.get(i).process(ctx);
                if (!Files.exists(output)) {
                    Files.createFile(output);
                }
                records += ctx.records();
                input = output;
            }
            unsynced.add(input);
            return ControlMessage.done(m.itemId(), input.toString(), Files.size(input), records, sha256(m, digest));
        } catch (RejectedInputException e) {
            log.warn("Service {} run {} rejected {}: {}", descriptor.name(), m.runId(), m.relPath(), e.getMessage());
            return ControlMessage.failed(m.itemId(), e.getMessage(), true, sha256(m, digest));
        } catch (IOException e) {
            // Stream errors such as "No space left on device" name no file: add the input and the staging folder.
            String error = e + " (input " + m.input() + ", staging folder " + staging + ")";
            log.warn("Service {} run {} failed on {}: {}", descriptor.name(), m.runId(), m.relPath(), error);
            return ControlMessage.failed(m.itemId(), error, false, sha256(m, digest));
        } catch (RuntimeException e) {
            log.warn("Service {} run {} failed on {}: {}", descriptor.name(), m.runId(), m.relPath(), e.toString());
            return ControlMessage.failed(m.itemId(), e.toString(), false, sha256(m, digest));
        }
    }

    /** Returns the input's SHA-256 for the reply, or null when the input cannot be read, which the reply's error explains. */
    private String sha256(ControlMessage m, InputDigest digest) {
        try {
            return digest.sha256(Path.of(m.input()));
        } catch (IOException e) {
            log.warn("Service {} run {}: cannot hash the input {}: {}", descriptor.name(), m.runId(), m.relPath(), e.toString());
            return null;
        }
    }
}
