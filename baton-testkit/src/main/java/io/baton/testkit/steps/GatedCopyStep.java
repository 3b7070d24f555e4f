package io.baton.testkit.steps;

import io.baton.api.Step;
import io.baton.api.StepContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies the input, but first hangs, ignoring interrupts, for as long as the file named by the
 * {@code gate} setting exists: service code that hangs until a test deletes the gate file.
 */
public final class GatedCopyStep implements Step {

    @Override
    public void process(StepContext context) throws IOException {
        Path gate = Path.of(context.property("gate").orElseThrow(() -> new IOException("the setting 'gate' (a file path) is missing")));
        while (Files.exists(gate)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                // Ignored on purpose: this step stands for code that does not honour interrupts.
            }
        }
        try (InputStream in = context.openInput(); OutputStream out = context.openOutput()) {
            in.transferTo(out);
        }
    }
}
