package io.baton.worker.step;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a work item's input, computed while the first step reads it, so that most inputs are read
 * only once. When the step did not read the input exactly once from start to end (it used the path, opened it
 * twice, or stopped early), {@link #sha256} reads the file again to hash it.
 */
public final class InputDigest {

    private static final int BUFFER_BYTES = 256 * 1024;

    private final MessageDigest digest = newDigest();
    private long bytesRead;
    private int streamsOpened;

    /** Returns the stream that feeds this digest: the first stream opened; later ones pass through. */
    InputStream wrap(InputStream in) {
        streamsOpened++;
        if (streamsOpened > 1) {
            return in;
        }
        return new DigestingStream(in);
    }

    /**
     * Returns the input's SHA-256 in lower-case hex: from the step's read when it covered the whole file,
     * else from a read of its own.
     *
     * @throws IOException when the input cannot be read
     */
    public String sha256(Path input) throws IOException {
        if (streamsOpened == 1 && bytesRead == Files.size(input)) {
            return HexFormat.of().formatHex(digest.digest());
        }
        MessageDigest again = newDigest();
        byte[] buffer = new byte[BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(input)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                again.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(again.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java SE implementation must provide", e);
        }
    }

    /** Feeds every byte read into the digest; skipped bytes are read too, so none is missed. */
    private final class DigestingStream extends FilterInputStream {

        DigestingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                digest.update((byte) b);
                bytesRead++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                digest.update(b, off, n);
                bytesRead += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(BUFFER_BYTES, Math.max(n, 1))];
            long skipped = 0;
            while (skipped < n) {
                int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
