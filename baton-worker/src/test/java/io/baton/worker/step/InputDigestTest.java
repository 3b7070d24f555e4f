package io.baton.worker.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputDigestTest {

    /** SHA-256 of "hello\n", as printed by sha256sum. */
    private static final String HELLO = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

    @TempDir
    Path temp;

    private FileStepContext context(Path input, InputDigest digest) {
        return new FileStepContext("orders", 1, "key", "in.txt", input, temp.resolve("out"), Map.of(), digest);
    }

    @Test
    void hashFromStepRead() throws IOException {
        Path input = Files.writeString(temp.resolve("in.txt"), "hello\n");
        InputDigest digest = new InputDigest();
        try (InputStream in = context(input, digest).openInput()) {
            in.readAllBytes();
        }
        // The file changes after the read: a digest taken from the step's read still returns the old content's hash.
        Files.writeString(input, "HELLO\n");

        assertThat(digest.sha256(input)).isEqualTo(HELLO);
    }

    @Test
    void hashReadAgainAfterPartialRead() throws IOException {
        Path input = Files.writeString(temp.resolve("in.txt"), "hello\n");
        InputDigest digest = new InputDigest();
        try (InputStream in = context(input, digest).openInput()) {
            in.read();
        }

        assertThat(digest.sha256(input)).isEqualTo(HELLO);
    }

    @Test
    void skippedBytesAreHashed() throws IOException {
        Path input = Files.writeString(temp.resolve("in.txt"), "hello\n");
        InputDigest digest = new InputDigest();
        try (InputStream in = digest.wrap(Files.newInputStream(input))) {
            in.skip(3);
            in.readAllBytes();
        }
        Files.writeString(input, "HELLO\n");

        assertThat(digest.sha256(input)).isEqualTo(HELLO);
    }
}
