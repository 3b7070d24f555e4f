package io.baton.worker.step;

import io.baton.api.Step;
import io.baton.api.StepContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Compresses the input into one gzip member (RFC 1952) at the JDK's default deflate level, in
 * constant memory. Counts no records.
 */
public final class GzipStep implements Step {

    private static final int BUFFER_BYTES = 64 * 1024;

    @Override
    public void process(StepContext context) throws IOException {
        try (InputStream input = context.openInput();
                OutputStream output = context.openOutput();
                GZIPOutputStream gzip = new GZIPOutputStream(output, BUFFER_BYTES)) {
            input.transferTo(gzip);
            // Writes the gzip trailer before the output stream closes.
            gzip.finish();
        }
    }
}
