package io.baton.testkit.steps;

import io.baton.api.Step;
import io.baton.api.StepContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@code key=value} lines, one for each property named in the comma-separated {@code echo} setting, to its
 * output instead of the input: shows a test which properties the worker received. A property that is not set
 * gives {@code key} without {@code =}.
 */
public final class PropertyEchoStep implements Step {

    @Override
    public void process(StepContext context) throws IOException {
        String names = context.property("echo").orElseThrow(() -> new IOException("the setting 'echo' (property names) is missing"));
        StringBuilder text = new StringBuilder();
        for (String name : names.split(",")) {
            String key = name.trim();
            text.append(context.property(key).map(v -> key + "=" + v).orElse(key)).append('\n');
        }
        try (OutputStream out = context.openOutput()) {
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
