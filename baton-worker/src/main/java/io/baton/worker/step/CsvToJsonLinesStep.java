package io.baton.worker.step;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.baton.api.RejectedInputException;
import io.baton.api.Step;
import io.baton.api.StepContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Converts CSV to JSON Lines: the first record is the header, and every following record becomes one
 * JSON object on its own line, with the header names as keys in header order and the fields as JSON
 * strings. The output is UTF-8 with '\n' after every object, and each object counts as one record.
 *
 * <p>Parsing follows RFC 4180 as Commons CSV's {@code CSVFormat.DEFAULT} implements it: fields in
 * double quotes may contain the delimiter, line breaks (kept as they are in the file) and doubled
 * quotes. LF, CRLF and a lone CR each end a record. Memory stays constant whatever the file size,
 * because records are streamed one at a time and the length of one record is limited.
 *
 * <p>Step properties:
 * <ul>
 *   <li>{@code delimiter}: the field separator, default {@code ","}. It may be longer than one
 *       character. It must not be a line break or the quote character.
 *   <li>{@code charset}: the input charset, default UTF-8, any name that {@link Charset#forName}
 *       accepts. For UTF-16 input, {@code UTF-16} reads the byte order from a byte-order mark and
 *       rejects input without one. {@code UTF-16LE} and {@code UTF-16BE} fix the byte order and accept
 *       an optional byte-order mark.
 *   <li>{@code maxRecordChars}: the maximum length of one record in characters, default 1,048,576.
 *       Records up to this length always pass. Because the parser reads ahead, the check allows up
 *       to 16,384 characters more before it rejects the input.
 * </ul>
 *
 * <p>The whole input is rejected with {@link RejectedInputException}, with a message that names the
 * line, when:
 * <ul>
 *   <li>bytes are invalid in the charset (never replaced by U+FFFD),
 *   <li>a record has more or fewer fields than the header, because a short record usually means a
 *       truncated line or a line break in an unquoted field, and padding it would hide that,
 *   <li>two header columns have the same name, because a JSON object cannot hold both values,
 *   <li>the CSV is malformed (an unclosed quote, text after a closing quote), or a record is longer
 *       than {@code maxRecordChars}.
 * </ul>
 *
 * <p>Other rules: a byte-order mark at the start is skipped. Blank lines (no characters at all
 * between two line ends) are skipped anywhere, also before the header, and are not records. A
 * one-column file therefore needs {@code ""} to express an empty value. An empty input, or one with
 * only a header line that ends with a line break, produces an empty output and 0 records. Text that
 * has no line break at all, or a NUL character, is rejected, because it comes from a wrong charset
 * far more often than from a CSV file. Line numbers are 1-based physical lines, so
 * a quoted field that spans lines counts them all.
 *
 * <p>An invalid property throws {@link IllegalArgumentException}, which Baton treats as transient
 * because the input is not at fault.
 */
public final class CsvToJsonLinesStep implements Step {

    private static final JsonFactory JSON_FACTORY = new JsonFactoryBuilder()
            // Objects are separated by the '\n' written after each one, not by Jackson's default space.
            .rootValueSeparator((String) null)
            // The output stream is closed by process(), after the generator has flushed into it.
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    @Override
    public void process(StepContext context) throws IOException {
        CsvSettings settings = CsvSettings.from(context);

        long records;
        try (InputStream input = context.openInput();
                OutputStream output = context.openOutput();
                JsonGenerator json = JSON_FACTORY.createGenerator(output, JsonEncoding.UTF8)) {
            StrictDecodingReader text = new StrictDecodingReader(input, settings.charset());
            RecordLengthLimitReader reader = new RecordLengthLimitReader(text, settings.maxRecordChars());
            try (CSVParser parser = CSVParser.parse(reader, settings.format())) {
                records = convert(parser, reader, json, settings.format().getDelimiterString());
            }
            checkLineBreakSeen(text, records, settings);
        }

        // Counted only after the output is complete, so that a rejected input adds no records.
        context.addRecords(records);
    }

    /** Writes one JSON object per record after the header and returns the number written. */
    private static long convert(CSVParser parser, RecordLengthLimitReader reader, JsonGenerator json, String delimiter)
            throws IOException {
        Iterator<CSVRecord> records = parser.iterator();
        if (!hasNext(records, delimiter)) {
            return 0;
        }

        String[] header = records.next().values();
        long headerEndLine = parser.getCurrentLineNumber();
        checkHeader(header, headerEndLine - lineBreaks(header));
        reader.recordEnded(headerEndLine);

        long count = 0;
        while (hasNext(records, delimiter)) {
            CSVRecord record = records.next();
            long endLine = parser.getCurrentLineNumber();
            checkFieldCount(record, header, endLine - lineBreaks(record.values()));

            json.writeStartObject();
            for (int i = 0; i < header.length; i++) {
                json.writeStringField(header[i], record.get(i));
            }
            json.writeEndObject();
            json.writeRaw('\n');

            count++;
            reader.recordEnded(endLine);
        }
        return count;
    }

    /** Calls {@code hasNext()}, which parses the next record, and restores the IOException it wraps. */
    private static boolean hasNext(Iterator<CSVRecord> records, String delimiter) throws IOException {
        try {
            return records.hasNext();
        } catch (UncheckedIOException e) {
            IOException cause = e.getCause();
            if (cause instanceof RejectedInputException rejected) {
                throw rejected;
            }
            if (cause instanceof CSVException invalid) {
                // A wrong delimiter is the usual cause: a quoted field then runs into the file's real delimiter.
                throw new RejectedInputException("Invalid CSV: " + invalid.getMessage() + ". The step's delimiter setting is \""
                        + delimiter + "\"; if the file separates fields with another character, set it, for example"
                        + " settings: { delimiter: \";\" }", invalid);
            }
            // Anything else is a failure to read the file, which a later attempt may not meet.
            throw cause;
        }
    }

    /**
     * Rejects text without any line break that gave no record. A one-line CSV contains only a header, so
     * such an input was almost always decoded in the wrong charset or cut off. UTF-16 read with the wrong
     * byte order, for one, has no line break.
     */
    private static void checkLineBreakSeen(StrictDecodingReader text, long records, CsvSettings settings)
            throws RejectedInputException {
        if (records > 0 || !text.deliveredText() || text.line() > 1) {
            return;
        }
        throw new RejectedInputException(String.format(
                "Invalid CSV: the input decoded as %s has text but no line break, so it has no record after"
                        + " the header. The declared charset is probably wrong (for UTF-16 without a byte-order"
                        + " mark, set source.charset or the step's charset setting to UTF-16LE or UTF-16BE), or"
                        + " the file was cut off after its first line.",
                settings.charset().name()));
    }

    private static void checkHeader(String[] header, long line) throws RejectedInputException {
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            Integer earlier = columns.putIfAbsent(header[i], i + 1);
            if (earlier != null) {
                throw new RejectedInputException(String.format(
                        "Header on line %d has the column name \"%s\" twice (columns %d and %d)."
                                + " Every column needs a unique name to become a JSON key.",
                        line, header[i], earlier, i + 1));
            }
        }
    }

    private static void checkFieldCount(CSVRecord record, String[] header, long line)
            throws RejectedInputException {
        if (record.size() != header.length) {
            throw new RejectedInputException(String.format(
                    "Record on line %d has %d fields, but the header has %d. Every record needs"
                            + " exactly one field per header column. Quote fields that contain the"
                            + " delimiter or a line break.",
                    line, record.size(), header.length));
        }
    }

    /**
     * Counts the line ends inside the fields of one record, to find the record's first line from
     * the parser's line number, which is the record's last line.
     */
    private static long lineBreaks(String[] values) {
        long count = 0;
        for (String value : values) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                boolean crlfSecondHalf = c == '\n' && i > 0 && value.charAt(i - 1) == '\r';
                if (c == '\r' || (c == '\n' && !crlfSecondHalf)) {
                    count++;
                }
            }
        }
        return count;
    }
}
