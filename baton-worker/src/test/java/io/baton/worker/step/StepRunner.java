package io.baton.worker.step;

import io.baton.api.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Runs one step on one work item made of real files in a test folder, as a worker would. */
final class StepRunner {

    private StepRunner() {
    }

    /** Writes {@code input} to a file in {@code folder}, runs the step and returns its context. */
    static FileStepContext run(Step step, Path folder, byte[] input, Map<String, String> properties)
            throws IOException {
        Path inputFile = folder.resolve("input");
        Path outputFile = folder.resolve("output");
        Files.write(inputFile, input);
        FileStepContext context = new FileStepContext(
                "test-service", 1, "work-item-1", "input", inputFile, outputFile, properties);
        step.process(context);
        return context;
    }

    static byte[] output(FileStepContext context) throws IOException {
        return Files.readAllBytes(context.output());
    }
}
