package io.baton.worker.step;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.api.RejectedInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvToJsonLinesStepTest {

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final byte[] UTF16LE_BOM = {(byte) 0xFF, (byte) 0xFE};

    @TempDir
    Path folder;

    @Test
    void writesOneObjectPerLineInHeaderOrder() throws IOException {
        FileStepContext context = run("zeta,alpha\n1,2\n3,\"x \"\"y\"\"\"\n", Map.of());

        assertThat(outputText(context))
                .isEqualTo("{\"zeta\":\"1\",\"alpha\":\"2\"}\n{\"zeta\":\"3\",\"alpha\":\"x \\\"y\\\"\"}\n");
        assertThat(context.records()).isEqualTo(2);
    }

    @Test
    void writesNonAsciiAsUtf8() throws IOException {
        FileStepContext context = run("city\nSant Julià de Lòria\n", Map.of());

        assertThat(StepRunner.output(context))
                .isEqualTo("{\"city\":\"Sant Julià de Lòria\"}\n".getBytes(UTF_8));
    }

    @Test
    void skipsUtf8ByteOrderMark() throws IOException {
        FileStepContext context = run(concat(UTF8_BOM, "id,name\n1,Zoë\n".getBytes(UTF_8)), Map.of());

        assertThat(outputText(context)).isEqualTo("{\"id\":\"1\",\"name\":\"Zoë\"}\n");
    }

    @Test
    void rejectsInvalidUtf8WithLineNumber() {
        // 0xE9 is 'é' in Windows-1252 and never valid on its own in UTF-8.
        byte[] input = concat("id,name\n1,Anna\n2,Ren".getBytes(UTF_8), new byte[] {(byte) 0xE9},
                "e\n3,Bo\n".getBytes(UTF_8));

        assertThatThrownBy(() -> run(input, Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("UTF-8")
                .hasMessageContaining("line 3")
                .hasMessageContaining("0xE9")
                .hasMessageNotContaining("\uFFFD");
    }

    @Test
    void rejectsInvalidUtf8BeyondFirstBuffer() {
        // Thousands of CRLF lines move the bad byte far past the decoder's and the parser's buffers.
        StringBuilder text = new StringBuilder("id,name\r\n");
        for (int i = 2; i <= 10_000; i++) {
            text.append(i).append(",name ").append(i).append("\r\n");
        }
        byte[] input = concat(text.toString().getBytes(UTF_8), new byte[] {'x', ',', (byte) 0xE9, '\r', '\n'});

        assertThatThrownBy(() -> run(input, Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("line 10001:");
    }

    @Test
    void countsQuotedLineBreaksInLineNumbers() {
        byte[] input = concat("a,b\n\"first\nsecond\",1\n2,".getBytes(UTF_8), new byte[] {(byte) 0xE9, '\n'});

        assertThatThrownBy(() -> run(input, Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("line 4:");
    }

    @Test
    void rejectsTruncatedUtf8AtEnd() {
        // 0xC3 starts a two-byte sequence, and the input ends before its second byte.
        byte[] input = concat("a\nok\n".getBytes(UTF_8), new byte[] {(byte) 0xC3});

        assertThatThrownBy(() -> run(input, Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("line 3:")
                .hasMessageContaining("0xC3");
    }

    @Test
    void decodesUtf16WithByteOrderMark() throws IOException {
        byte[] input = concat(UTF16LE_BOM, "id,name\n1,Zoë\n".getBytes(Charset.forName("UTF-16LE")));

        FileStepContext context = run(input, Map.of("charset", "UTF-16"));

        assertThat(outputText(context)).isEqualTo("{\"id\":\"1\",\"name\":\"Zoë\"}\n");
    }

    @Test
    void decodesUtf16LeWithByteOrderMark() throws IOException {
        byte[] input = concat(UTF16LE_BOM, "id,name\n1,Zoë\n".getBytes(Charset.forName("UTF-16LE")));

        FileStepContext context = run(input, Map.of("charset", "UTF-16LE"));

        assertThat(outputText(context)).isEqualTo("{\"id\":\"1\",\"name\":\"Zoë\"}\n");
    }

    @Test
    void decodesUtf16LeWithoutByteOrderMark() throws IOException {
        byte[] input = "id,name\n1,Zoë\n".getBytes(Charset.forName("UTF-16LE"));

        FileStepContext context = run(input, Map.of("charset", "UTF-16LE"));

        assertThat(outputText(context)).isEqualTo("{\"id\":\"1\",\"name\":\"Zoë\"}\n");
    }

    @Test
    void rejectsUnpairedSurrogateInUtf16() {
        byte[] input = concat("a\n".getBytes(Charset.forName("UTF-16LE")), new byte[] {0x00, (byte) 0xD8, 'b', 0});

        assertThatThrownBy(() -> run(input, Map.of("charset", "UTF-16LE")))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("UTF-16LE")
                .hasMessageContaining("line 2:");
    }

    @Test
    void rejectsUtf16WithoutByteOrderMark() {
        byte[] input = "id,name\n1,Zoë\n".getBytes(Charset.forName("UTF-16LE"));

        assertThatThrownBy(() -> run(input, Map.of("charset", "UTF-16")))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("no byte-order mark")
                .hasMessageContaining("UTF-16LE or UTF-16BE");
    }

    @Test
    void rejectsUtf16LeReadAsBigEndian() {
        byte[] input = "id,name\n1,Zoë\n".getBytes(Charset.forName("UTF-16LE"));

        assertThatThrownBy(() -> run(input, Map.of("charset", "UTF-16BE")))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("no line break")
                .hasMessageContaining("UTF-16LE or UTF-16BE");
    }

    @Test
    void rejectsNulCharacterWithLineNumber() {
        byte[] input = "id,name\n1,Zoë\n".getBytes(Charset.forName("UTF-16LE"));

        assertThatThrownBy(() -> run(input, Map.of("charset", "ISO-8859-1")))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("NUL character")
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> run("id,name\n1,a\0b\n", Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("line 2");
    }

    @Test
    void invalidCsvNamesDelimiter() {
        assertThatThrownBy(() -> run("\"id\";\"name\"\n\"1\";\"Zoë\"\n", Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageStartingWith("Invalid CSV")
                .hasMessageContaining("delimiter setting is \",\"")
                .hasMessageContaining("delimiter: \";\"");
    }

    @Test
    void rejectsHeaderWithoutLineBreak() {
        assertThatThrownBy(() -> run("id,name", Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("no line break");
    }

    @Test
    void rejectsUtf16ByteOrderMarkInUtf8() {
        byte[] input = concat(UTF16LE_BOM, "id,name\n1,Zoë\n".getBytes(Charset.forName("UTF-16LE")));

        assertThatThrownBy(() -> run(input, Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("line 1")
                .hasMessageContaining("UTF-16LE byte-order mark")
                .hasMessageContaining("source.charset");
    }

    @Test
    void rejectsUtf8ByteOrderMarkInWindows1252() {
        byte[] input = concat(UTF8_BOM, "id\n1\n".getBytes(UTF_8));

        assertThatThrownBy(() -> run(input, Map.of("charset", "windows-1252")))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("UTF-8 byte-order mark")
                .hasMessageContaining("windows-1252");
    }

    @Test
    void quotedSemicolonFileWithByteOrderMark() throws IOException {
        byte[] withMark = concat(UTF8_BOM, "\"id\";\"amount\"\r\n\"1\";\"9.50\"\r\n".getBytes(UTF_8));
        byte[] withoutMark = "\"id\";\"amount\"\r\n\"1\";\"9.50\"\r\n".getBytes(UTF_8);

        String fromMarked = outputText(run(withMark, Map.of("delimiter", ";")));
        String fromUnmarked = outputText(run(withoutMark, Map.of("delimiter", ";")));

        assertThat(fromMarked).isEqualTo("{\"id\":\"1\",\"amount\":\"9.50\"}\n");
        assertThat(fromUnmarked).isEqualTo(fromMarked);
    }

    @Test
    void decodesWindows1252WhenDeclared() throws IOException {
        byte[] input = concat("name\nRen".getBytes(UTF_8), new byte[] {(byte) 0xE9, '\n'});

        FileStepContext context = run(input, Map.of("charset", "windows-1252"));

        assertThat(outputText(context)).isEqualTo("{\"name\":\"René\"}\n");
    }

    @Test
    void usesDelimiterProperty() throws IOException {
        FileStepContext context = run("a;b\n1;2,5\n", Map.of("delimiter", ";"));

        assertThat(outputText(context)).isEqualTo("{\"a\":\"1\",\"b\":\"2,5\"}\n");
    }

    @Test
    void rejectsRecordWithTooManyFields() {
        assertThatThrownBy(() -> run("a,b\n1,2\n1,2,3\n", Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("3 fields")
                .hasMessageContaining("header has 2");
    }

    @Test
    void rejectsRecordWithTooFewFields() {
        assertThatThrownBy(() -> run("a,b,c\n1,2,3\n4,5\n", Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("2 fields")
                .hasMessageContaining("header has 3");
    }

    @Test
    void namesFirstLineOfMultiLineRecord() {
        assertThatThrownBy(() -> run("a,b\n1,2\n\"one\r\ntwo\nthree\",4,5\n", Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("line 3 has 3 fields");
    }

    @Test
    void skipsBlankLines() throws IOException {
        FileStepContext context = run("\na,b\n\n1,2\n\r\n\n3,4\n\n", Map.of());

        assertThat(outputText(context)).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}\n{\"a\":\"3\",\"b\":\"4\"}\n");
        assertThat(context.records()).isEqualTo(2);
    }

    @Test
    void keepsQuotedEmptyValueInOneColumnFile() throws IOException {
        FileStepContext context = run("a\n\"\"\n\nx\n", Map.of());

        assertThat(outputText(context)).isEqualTo("{\"a\":\"\"}\n{\"a\":\"x\"}\n");
    }

    @Test
    void emptyInputGivesEmptyOutput() throws IOException {
        FileStepContext context = run(new byte[0], Map.of());

        assertThat(Files.exists(context.output())).isTrue();
        assertThat(StepRunner.output(context)).isEmpty();
        assertThat(context.records()).isZero();
    }

    @Test
    void headerOnlyGivesEmptyOutput() throws IOException {
        FileStepContext context = run(concat(UTF8_BOM, "a,b\n".getBytes(UTF_8)), Map.of());

        assertThat(StepRunner.output(context)).isEmpty();
        assertThat(context.records()).isZero();
    }

    @Test
    void byteOrderMarkOnlyGivesEmptyOutput() throws IOException {
        FileStepContext context = run(UTF8_BOM, Map.of());

        assertThat(StepRunner.output(context)).isEmpty();
        assertThat(context.records()).isZero();
    }

    @Test
    void rejectsDuplicateHeaderNames() {
        assertThatThrownBy(() -> run("id,name,id\n1,2,3\n", Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("\"id\" twice")
                .hasMessageContaining("columns 1 and 3");
    }

    @Test
    void rejectsUnclosedQuote() {
        assertThatThrownBy(() -> run("a,b\n\"1,2\n3,4\n", Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageStartingWith("Invalid CSV");
    }

    @Test
    void rejectsRecordLongerThanLimit() {
        // Longer than the limit plus two parser buffers of 8,192 characters, so that it must fail.
        String input = "a,b\n1,2\n\"" + "x".repeat(20_000) + "\",3\n";

        assertThatThrownBy(() -> run(input, Map.of("maxRecordChars", "1000")))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageContaining("on or after line 3")
                .hasMessageContaining("maxRecordChars");
    }

    @Test
    void acceptsRecordWithinLimit() throws IOException {
        String value = "x".repeat(50_000);

        FileStepContext context = run("a\n" + value + "\n", Map.of("maxRecordChars", "60000"));

        assertThat(outputText(context)).isEqualTo("{\"a\":\"" + value + "\"}\n");
    }

    @Test
    void smallLimitAcceptsShortRecords() throws IOException {
        // Many buffers of short records: the parser's read-ahead alone must not trip the limit.
        StringBuilder input = new StringBuilder("a,b\n");
        for (int i = 0; i < 20_000; i++) {
            input.append(i).append(",x\n");
        }

        FileStepContext context = run(input.toString(), Map.of("maxRecordChars", "10"));

        assertThat(context.records()).isEqualTo(20_000);
    }

    @Test
    void rejectsUnknownCharsetProperty() {
        assertThatThrownBy(() -> run("a\n1\n", Map.of("charset", "no-such-charset")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("charset")
                .hasMessageContaining("no-such-charset");
    }

    @Test
    void rejectsDelimiterEqualToQuote() {
        assertThatThrownBy(() -> run("a\n1\n", Map.of("delimiter", "\"")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Step property delimiter");
    }

    @Test
    void rejectsInvalidMaxRecordCharsProperty() {
        assertThatThrownBy(() -> run("a\n1\n", Map.of("maxRecordChars", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRecordChars");
    }

    private FileStepContext run(String input, Map<String, String> properties) throws IOException {
        return run(input.getBytes(UTF_8), properties);
    }

    private FileStepContext run(byte[] input, Map<String, String> properties) throws IOException {
        return StepRunner.run(new CsvToJsonLinesStep(), folder, input, properties);
    }

    private static String outputText(FileStepContext context) throws IOException {
        return new String(StepRunner.output(context), UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            joined.writeBytes(part);
        }
        return joined.toByteArray();
    }
}
