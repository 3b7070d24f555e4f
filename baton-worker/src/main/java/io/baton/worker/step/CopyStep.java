package io.baton.worker.step;

import io.baton.api.Step;
import io.baton.api.StepContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies the input to the output byte for byte, in constant memory. Counts no records. */
public final class CopyStep implements Step {

    @Override
    public void process(StepContext context) throws IOException {
        try (InputStream input = context.openInput();
                OutputStream output = context.openOutput()) {
            input.transferTo(output);
        }
    }
}
