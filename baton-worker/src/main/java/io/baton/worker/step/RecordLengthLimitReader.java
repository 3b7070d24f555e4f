package io.baton.worker.step;

import io.baton.api.RejectedInputException;
import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * A reader that rejects the input when more than a maximum number of characters pass between two
 * record ends, so that one huge record cannot exhaust the heap.
 *
 * <p>A CSV parser keeps a whole record in memory, and an unclosed quote makes the rest of the file one
 * field. The caller reports each record end with {@link #recordEnded(long)}. The parser reads ahead
 * of the record it returns by up to one buffer, so the count since a record end includes up to one
 * buffer of what follows, and the next record may already be partly buffered. This reader therefore
 * allows one buffer beyond the maximum: a record of at most {@code maxRecordChars} characters always
 * passes, and one longer than {@code maxRecordChars} plus two buffers is always rejected.
 */
final class RecordLengthLimitReader extends FilterReader {

    /**
     * The parser's read buffer in characters. Commons CSV 1.14.1 reads through an UnsynchronizedBufferedReader
     * of Commons IO 2.20.0 with its default buffer, IOUtils.DEFAULT_BUFFER_SIZE, which is 8,192.
     */
    static final int PARSER_READ_AHEAD_CHARS = 8192;

    private final long maxRecordChars;
    private long charsSinceRecordEnd;
    private long firstLineOfNextRecord = 1;

    RecordLengthLimitReader(Reader in, long maxRecordChars) {
        super(in);
        if (maxRecordChars < 1) {
            throw new IllegalArgumentException("maxRecordChars must be at least 1, got " + maxRecordChars);
        }
        this.maxRecordChars = maxRecordChars;
    }

    /** Starts counting the next record after a record that ended on the given 1-based line. */
    void recordEnded(long line) {
        charsSinceRecordEnd = 0;
        firstLineOfNextRecord = line + 1;
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
            count(1);
        }
        return c;
    }

    @Override
    public int read(char[] target, int offset, int length) throws IOException {
        int count = super.read(target, offset, length);
        if (count > 0) {
            count(count);
        }
        return count;
    }

    private void count(int chars) throws RejectedInputException {
        charsSinceRecordEnd += chars;
        if (charsSinceRecordEnd > maxRecordChars + PARSER_READ_AHEAD_CHARS) {
            throw new RejectedInputException(String.format(
                    "The record starting on or after line %d is longer than %,d characters (step"
                            + " property maxRecordChars). An unclosed quote makes the rest of the file"
                            + " one field, so check the quotes from line %d on, or raise maxRecordChars.",
                    firstLineOfNextRecord, maxRecordChars, firstLineOfNextRecord));
        }
    }
}
