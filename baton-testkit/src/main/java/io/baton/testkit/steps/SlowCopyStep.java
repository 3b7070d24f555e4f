package io.baton.testkit.steps;

import io.baton.api.Step;
import io.baton.api.StepContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies the input after sleeping {@code delayMillis} (default 10): widens the window in which a
 * test can kill a worker or a daemon in the middle of an item.
 */
public final class SlowCopyStep implements Step {

    @Override
    public void process(StepContext context) throws IOException {
        long delay = Long.parseLong(context.property("delayMillis").orElse("10"));
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while copying " + context.inputName(), e);
        }
        try (InputStream in = context.openInput(); OutputStream out = context.openOutput()) {
            in.transferTo(out);
        }
    }
}
