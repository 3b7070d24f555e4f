package io.baton.worker.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.api.RejectedInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests {@link CopyStep}, {@link GzipStep} and {@link GunzipStep} on real files. */
class CompressionStepsTest {

    @TempDir
    Path folder;

    @Test
    void copyKeepsBytesUnchanged() throws IOException {
        byte[] input = randomBytes(700_000);

        FileStepContext context = StepRunner.run(new CopyStep(), folder, input, Map.of());

        assertThat(StepRunner.output(context)).isEqualTo(input);
        assertThat(context.records()).isZero();
    }

    @Test
    void gzipWritesStandardGzip() throws IOException {
        byte[] input = compressibleText();

        byte[] compressed = StepRunner.output(StepRunner.run(new GzipStep(), folder, input, Map.of()));

        assertThat(compressed).startsWith(0x1F, 0x8B, 0x08);
        assertThat(compressed.length).isLessThan(input.length / 4);
        try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            assertThat(gzip.readAllBytes()).isEqualTo(input);
        }
    }

    @Test
    void gunzipDecompressesStandardGzip() throws IOException {
        byte[] input = compressibleText();

        FileStepContext context = StepRunner.run(new GunzipStep(), folder, gzip(input), Map.of());

        assertThat(StepRunner.output(context)).isEqualTo(input);
    }

    @Test
    void gzipRoundTripRestoresInput() throws IOException {
        byte[] input = randomBytes(1_500_000);
        Path compressedFolder = Files.createDirectory(folder.resolve("gzip"));
        Path restoredFolder = Files.createDirectory(folder.resolve("gunzip"));

        byte[] compressed = StepRunner.output(StepRunner.run(new GzipStep(), compressedFolder, input, Map.of()));
        byte[] restored = StepRunner.output(StepRunner.run(new GunzipStep(), restoredFolder, compressed, Map.of()));

        assertThat(compressed).isNotEqualTo(input);
        assertThat(restored).isEqualTo(input);
    }

    @Test
    void gzipOfEmptyInputRoundTrips() throws IOException {
        Path compressedFolder = Files.createDirectory(folder.resolve("gzip"));
        Path restoredFolder = Files.createDirectory(folder.resolve("gunzip"));

        byte[] compressed = StepRunner.output(StepRunner.run(new GzipStep(), compressedFolder, new byte[0], Map.of()));
        byte[] restored = StepRunner.output(StepRunner.run(new GunzipStep(), restoredFolder, compressed, Map.of()));

        assertThat(compressed).isNotEmpty();
        assertThat(restored).isEmpty();
    }

    @Test
    void gunzipJoinsConcatenatedMembers() throws IOException {
        byte[] input = concat(gzip(bytes("first\n")), gzip(bytes("second\n")));

        FileStepContext context = StepRunner.run(new GunzipStep(), folder, input, Map.of());

        assertThat(StepRunner.output(context)).isEqualTo(bytes("first\nsecond\n"));
    }

    @Test
    void gunzipRejectsCorruptData() throws IOException {
        byte[] corrupt = gzip(compressibleText());
        int middle = corrupt.length / 2;
        corrupt[middle] = (byte) ~corrupt[middle];

        assertThatThrownBy(() -> StepRunner.run(new GunzipStep(), folder, corrupt, Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageStartingWith("Gzip input is corrupt");
    }

    @Test
    void gunzipRejectsWrongChecksum() throws IOException {
        byte[] corrupt = gzip(compressibleText());
        // The CRC-32 of the uncompressed data is in the 4 bytes before the 4-byte size at the end.
        int crcByte = corrupt.length - 8;
        corrupt[crcByte] = (byte) ~corrupt[crcByte];

        assertThatThrownBy(() -> StepRunner.run(new GunzipStep(), folder, corrupt, Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageStartingWith("Gzip input is corrupt")
                .hasMessageContaining("trailer");
    }

    @Test
    void gunzipRejectsTruncatedData() throws IOException {
        byte[] complete = gzip(compressibleText());
        byte[] truncated = Arrays.copyOf(complete, complete.length / 2);

        assertThatThrownBy(() -> StepRunner.run(new GunzipStep(), folder, truncated, Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageStartingWith("Gzip input is truncated");
    }

    @Test
    void gunzipRejectsInputThatIsNotGzip() {
        assertThatThrownBy(() -> StepRunner.run(new GunzipStep(), folder, bytes("id,name\n1,Anna\n"), Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageStartingWith("Input is not gzip data")
                .hasMessageContaining("0x1F 0x8B");
    }

    @Test
    void gunzipRejectsEmptyInput() {
        assertThatThrownBy(() -> StepRunner.run(new GunzipStep(), folder, new byte[0], Map.of()))
                .isInstanceOf(RejectedInputException.class)
                .hasMessageStartingWith("Input is not gzip data");
    }

    private static byte[] compressibleText() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            text.append("2024-01-").append(i % 28 + 1).append(",EUR,").append(i % 977).append('\n');
        }
        return bytes(text.toString());
    }

    private static byte[] randomBytes(int size) {
        byte[] data = new byte[size];
        new Random(42).nextBytes(data);
        return data;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(data);
        }
        return compressed.toByteArray();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
