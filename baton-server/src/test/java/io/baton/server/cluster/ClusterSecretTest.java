package io.baton.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSecretTest {

    @TempDir
    Path state;

    @Test
    void firstNodeCreatesOwnerOnlyFile() throws Exception {
        ClusterSecret.readOrCreate(state, "node-a");

        Path file = state.resolve(ClusterSecret.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var files = Files.list(state)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("no temporary file left").containsExactly(ClusterSecret.FILE_NAME);
        }
    }

    @Test
    void secondNodeReadsSameKey() throws Exception {
        ClusterSecret first = ClusterSecret.readOrCreate(state, "node-a");
        String before = Files.readString(state.resolve(ClusterSecret.FILE_NAME));

        ClusterSecret second = ClusterSecret.readOrCreate(state, "node-b");

        assertThat(Files.readString(state.resolve(ClusterSecret.FILE_NAME))).as("file unchanged").isEqualTo(before);
        assertThat(second.verify("text", first.sign("text"))).as("signature of node-a checked by node-b").isTrue();
        assertThat(second.verify("other text", first.sign("text"))).as("signature of other text").isFalse();
    }

    @Test
    void shortKeyRejected() throws Exception {
        Files.writeString(state.resolve(ClusterSecret.FILE_NAME), "abcd\n");

        assertThatThrownBy(() -> ClusterSecret.readOrCreate(state, "node-a")).isInstanceOf(IOException.class)
                .hasMessageContaining(state.resolve(ClusterSecret.FILE_NAME).toString()).hasMessageContaining("delete the file");
    }
}
