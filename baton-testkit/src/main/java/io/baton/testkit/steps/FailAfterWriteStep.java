package io.baton.testkit.steps;

import io.baton.api.Step;
import io.baton.api.StepContext;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes {@code bytes} (default 1 MiB) of output, then fails with an {@link IOException}: a step that
 * leaves partial output behind, as a write to a full disk does.
 */
public final class FailAfterWriteStep implements Step {

    @Override
    public void process(StepContext context) throws IOException {
        long bytes = Long.parseLong(context.property("bytes").orElse(Long.toString(1024 * 1024)));
        byte[] block = new byte[8192];
        try (OutputStream out = context.openOutput()) {
            for (long written = 0; written < bytes; written += block.length) {
                out.write(block, 0, (int) Math.min(block.length, bytes - written));
            }
        }
        throw new IOException("failed on purpose after writing " + bytes + " bytes of " + context.inputName());
    }
}
