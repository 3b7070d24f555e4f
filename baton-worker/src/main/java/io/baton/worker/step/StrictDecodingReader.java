package io.baton.worker.step;

import io.baton.api.RejectedInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A reader that decodes bytes strictly and rejects the input at the first byte sequence that is
 * invalid in the charset, naming the charset, the line and the byte offset.
 *
 * <p>A line count kept above {@link java.io.InputStreamReader} can be wrong: when one read call meets
 * invalid bytes, that reader throws and discards the characters the call had already decoded
 * (checked on JDK 25). This reader counts the line ends in those characters too, with the rule
 * Commons CSV uses: CR, LF and CRLF each end one line. Line numbers are 1-based physical lines, so a
 * quoted field that spans lines counts them all.
 *
 * <p>One leading U+FEFF (a byte-order mark) is dropped, whatever the charset. The decoders of Java's
 * "UTF-16" and "UTF-32" charsets consume a byte-order mark themselves and pick the byte order from it.
 * The fixed-order charsets (UTF-8, UTF-16LE, UTF-16BE) deliver it as U+FEFF, which this reader drops.
 * A byte-order mark of another encoding than the declared one (a UTF-16 mark in a UTF-8 file, say)
 * rejects the input at once with a message that names both encodings. The rest of such a file is
 * either invalid or silently wrong in the declared charset. Declared "UTF-16" and "UTF-32" need a
 * byte-order mark: without one, Java's decoders assume big-endian, which turns little-endian text into
 * other characters without an error, so the input is rejected with a request to declare the byte order.
 *
 * <p>A NUL character (U+0000) rejects the input too. Text files contain none, and NULs are what UTF-16
 * or UTF-32 text, or a binary file, turns into when it is decoded in a single-byte or UTF-8 charset.
 *
 * <p>Not thread-safe. Memory is one byte buffer, whatever the input size.
 */
final class StrictDecodingReader extends Reader {

    private static final char BYTE_ORDER_MARK = '\uFEFF';
    private static final int BUFFER_BYTES = 8192;
    private static final HexFormat BYTES_FORMAT = HexFormat.ofDelimiter(" ").withPrefix("0x").withUpperCase();

    private final InputStream input;
    private final Charset charset;
    private final CharsetDecoder decoder;

    /** Undecoded bytes, kept in read mode (position to limit) between calls. */
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER_BYTES).flip();

    /** Bytes consumed by the decoder before the start of {@link #bytes}. */
    private long bytesBeforeBuffer;
    private boolean endOfInput;
    private boolean finished;
    private boolean atStartOfText = true;
    private boolean byteOrderMarkChecked;
    private long line = 1;
    private boolean lastCharWasCarriageReturn;
    private boolean deliveredText;

    StrictDecodingReader(InputStream input, Charset charset) {
        this.input = Objects.requireNonNull(input, "input");
        this.charset = Objects.requireNonNull(charset, "charset");
        this.decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** Tells whether this reader has delivered at least one character, a dropped byte-order mark aside. */
    boolean deliveredText() {
        return deliveredText;
    }

    /** Returns the 1-based line of the next character this reader delivers. */
    long line() {
        return line;
    }

    @Override
    public int read(char[] target, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, target.length);
        if (length == 0) {
            return 0;
        }

        // Loops only when a call decoded nothing but the byte-order mark, because a Reader must
        // return at least one character or -1.
        while (true) {
            CharBuffer out = CharBuffer.wrap(target, offset, length);
            decodeInto(out);
            int count = out.position() - offset;
            if (count == 0 && finished) {
                return -1;
            }

            count = dropLeadingByteOrderMark(target, offset, count);
            countLines(target, offset, count);
            if (count > 0) {
                deliveredText = true;
                return count;
            }
        }
    }

    /** Decodes into {@code out} until it is full, the input ends, or some characters are ready. */
    private void decodeInto(CharBuffer out) throws IOException {
        if (!byteOrderMarkChecked) {
            byteOrderMarkChecked = true;
            checkByteOrderMark();
        }
        int start = out.position();
        while (!finished) {
            CoderResult result = decoder.decode(bytes, out, endOfInput);
            if (result.isError()) {
                // The characters decoded before the bad bytes still count, so that the line is exact.
                countLines(out.array(), start, out.position() - start);
                throw rejection(result);
            }
            if (result.isOverflow()) {
                return;
            }
            if (endOfInput) {
                if (decoder.flush(out).isOverflow()) {
                    return;
                }
                finished = true;
                return;
            }
            if (out.position() > start) {
                // Return what is decoded rather than block on the next read.
                return;
            }
            refill();
        }
    }

    /** Reads the first bytes and rejects a byte-order mark that contradicts the declared charset. */
    private void checkByteOrderMark() throws IOException {
        String name = charset.name().toUpperCase(java.util.Locale.ROOT);
        while (bytes.remaining() < 4 && !endOfInput) {
            refill();
        }
        String found = byteOrderMarkEncoding();
        if (name.equals("UTF-16") || name.equals("UTF-32")) {
            checkByteOrderDeclared(name, found);
            return;
        }
        if (name.contains("UTF-16") || name.contains("UTF-32")) {
            return;
        }
        if (found == null || (found.equals("UTF-8") && charset.equals(java.nio.charset.StandardCharsets.UTF_8))) {
            return;
        }
        throw new RejectedInputException(String.format(
                "Invalid %s input on line 1: the file starts with a %s byte-order mark, so it is probably"
                        + " %s, not %s. Set source.charset (or the step's charset setting) to %s, or convert"
                        + " the file to %s.",
                charset.name(), found, found, charset.name(), found, charset.name()));
    }

    /**
     * Rejects non-empty input in a charset whose byte order comes from a byte-order mark when the mark is
     * missing, because the decoder's fallback to big-endian decodes little-endian text into other characters.
     */
    private void checkByteOrderDeclared(String name, String found) throws RejectedInputException {
        boolean marked = name.equals("UTF-16")
                ? "UTF-16LE".equals(found) || "UTF-16BE".equals(found)
                : "UTF-32LE".equals(found) || "UTF-32BE".equals(found);
        if (marked || !bytes.hasRemaining()) {
            return;
        }
        throw new RejectedInputException(String.format(
                "Invalid %s input on line 1: the file has no byte-order mark, so its byte order is unknown."
                        + " Set source.charset (or the step's charset setting) to %sLE or %sBE, whichever the"
                        + " file's writer used (Windows tools usually write little-endian, %sLE).",
                name, name, name, name));
    }

    /** Returns the encoding whose byte-order mark starts the buffered bytes, or null. */
    private String byteOrderMarkEncoding() {
        int p = bytes.position();
        int n = bytes.remaining();
        if (n >= 4 && bytes.get(p) == (byte) 0xFF && bytes.get(p + 1) == (byte) 0xFE && bytes.get(p + 2) == 0 && bytes.get(p + 3) == 0) {
            return "UTF-32LE";
        }
        if (n >= 4 && bytes.get(p) == 0 && bytes.get(p + 1) == 0 && bytes.get(p + 2) == (byte) 0xFE && bytes.get(p + 3) == (byte) 0xFF) {
            return "UTF-32BE";
        }
        if (n >= 3 && bytes.get(p) == (byte) 0xEF && bytes.get(p + 1) == (byte) 0xBB && bytes.get(p + 2) == (byte) 0xBF) {
            return "UTF-8";
        }
        if (n >= 2 && bytes.get(p) == (byte) 0xFF && bytes.get(p + 1) == (byte) 0xFE) {
            return "UTF-16LE";
        }
        if (n >= 2 && bytes.get(p) == (byte) 0xFE && bytes.get(p + 1) == (byte) 0xFF) {
            return "UTF-16BE";
        }
        return null;
    }

    private void refill() throws IOException {
        bytesBeforeBuffer += bytes.position();
        bytes.compact();
        int read = input.read(bytes.array(), bytes.position(), bytes.remaining());
        if (read < 0) {
            endOfInput = true;
        } else {
            bytes.position(bytes.position() + read);
        }
        bytes.flip();
    }

    private int dropLeadingByteOrderMark(char[] chars, int offset, int count) {
        if (!atStartOfText || count == 0) {
            return count;
        }
        atStartOfText = false;
        if (chars[offset] != BYTE_ORDER_MARK) {
            return count;
        }
        System.arraycopy(chars, offset + 1, chars, offset, count - 1);
        return count - 1;
    }

    /** Counts the line ends in delivered characters and rejects a NUL character among them. */
    private void countLines(char[] chars, int offset, int count) throws RejectedInputException {
        for (int i = offset; i < offset + count; i++) {
            char c = chars[i];
            if (c == '\0') {
                throw nulCharacter();
            }
            if (c == '\r' || (c == '\n' && !lastCharWasCarriageReturn)) {
                line++;
            }
            lastCharWasCarriageReturn = c == '\r';
        }
    }

    private RejectedInputException nulCharacter() {
        return new RejectedInputException(String.format(
                "Invalid %s input on line %d: the text contains a NUL character (U+0000), which text files do not"
                        + " contain. The file is probably UTF-16 or UTF-32 (then set source.charset, or the step's"
                        + " charset setting, to UTF-16LE or UTF-16BE), or not a text file.",
                charset.name(), line));
    }

    private RejectedInputException rejection(CoderResult result) {
        long byteOffset = bytesBeforeBuffer + bytes.position();
        int available = Math.min(result.length(), bytes.remaining());
        byte[] badBytes = new byte[available];
        bytes.get(bytes.position(), badBytes);
        String problem = result.isUnmappable()
                ? "have no mapping to Unicode in " + charset.name()
                : "are not a valid " + charset.name() + " sequence";
        return new RejectedInputException(String.format(
                "Invalid %s input on line %d: byte(s) %s at byte offset %d %s."
                        + " Convert the file to %s, or set source.charset (or the step's charset setting)"
                        + " to the file's actual charset.",
                charset.name(), line, BYTES_FORMAT.formatHex(badBytes), byteOffset, problem,
                charset.name()));
    }

    @Override
    public void close() throws IOException {
        input.close();
    }
}
