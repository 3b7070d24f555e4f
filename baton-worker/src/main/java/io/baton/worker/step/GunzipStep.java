package io.baton.worker.step;

import io.baton.api.RejectedInputException;
import io.baton.api.Step;
import io.baton.api.StepContext;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Decompresses gzip input (RFC 1952), in constant memory. Several concatenated members decompress
 * into one output, as with {@code gunzip}. Counts no records.
 *
 * <p>Input that is not gzip, corrupt or truncated is rejected with {@link RejectedInputException},
 * and the message names which of the three it is. Other read and write failures stay plain
 * {@link IOException}s, which Baton retries.
 */
public final class GunzipStep implements Step {

    private static final int BUFFER_BYTES = 64 * 1024;

    @Override
    public void process(StepContext context) throws IOException {
        try (InputStream input = context.openInput();
                OutputStream output = context.openOutput();
                GZIPInputStream gzip = openGzip(input)) {
            copy(gzip, output);
        }
    }

    /** Opens the stream, which reads the first gzip header, so that header errors get their own message. */
    private static GZIPInputStream openGzip(InputStream input) throws IOException {
        try {
            return new GZIPInputStream(input, BUFFER_BYTES);
        } catch (EOFException e) {
            throw new RejectedInputException("Input is not gzip data: it ends before the end of the"
                    + " gzip header, which is at least 10 bytes long.", e);
        } catch (ZipException e) {
            throw new RejectedInputException("Input is not gzip data: " + e.getMessage()
                    + ". A gzip file starts with the bytes 0x1F 0x8B 0x08.", e);
        }
    }

    // NOTE: java.util.zip.GZIPInputStream (checked on JDK 25) ignores bytes after the last member
    // that do not form a gzip header, so input with trailing garbage is accepted, not rejected.
    private static void copy(GZIPInputStream gzip, OutputStream output) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        long written = 0;
        while (true) {
            int count;
            try {
                count = gzip.read(buffer);
            } catch (EOFException e) {
                throw new RejectedInputException(String.format("Gzip input is truncated: the compressed"
                        + " data ends after %,d decompressed bytes (%s). The file may be incomplete.",
                        written, e.getMessage()), e);
            } catch (ZipException e) {
                throw new RejectedInputException(String.format(
                        "Gzip input is corrupt after %,d decompressed bytes: %s.", written, e.getMessage()), e);
            }
            if (count < 0) {
                return;
            }
            output.write(buffer, 0, count);
            written += count;
        }
    }
}
