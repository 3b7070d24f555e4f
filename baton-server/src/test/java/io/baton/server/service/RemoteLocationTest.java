package io.baton.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.config.RemoteSpec;
import io.baton.core.config.RemoteSpec.AlgorithmPolicy;
import io.baton.core.config.RemoteSpec.Credentials;
import io.baton.core.config.RemoteSpec.HostKeyPolicy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RemoteLocationTest {

    private static RemoteSpec spec(String folder) {
        return new RemoteSpec("sftp", "files.example.com", 2222, "partner", folder, new Credentials(Path.of("pw"), null, null, null, null),
                Path.of("known_hosts"), HostKeyPolicy.STRICT, AlgorithmPolicy.MODERN, Duration.ofSeconds(30), Duration.ofSeconds(60), 3,
                Duration.ofSeconds(2), null);
    }

    @Test
    void locationRoundTripsOddNames() {
        RemoteLocation written = RemoteLocation.of(spec("/in bound"), "/in bound/Überweisung März.jsonl");
        RemoteLocation read = RemoteLocation.parse(written.toString());

        assertThat(read.toString()).isEqualTo("sftp://partner@files.example.com:2222/in bound/Überweisung März.jsonl");
        assertThat(read.server()).isEqualTo("sftp://partner@files.example.com:2222");
        assertThat(read.folder()).isEqualTo("/in bound");
        assertThat(read.name()).isEqualTo("Überweisung März.jsonl");
    }

    @Test
    void belongsOnlyToTheSameServerAndFolder() {
        RemoteLocation file = RemoteLocation.parse("sftp://partner@files.example.com:2222/inbound/a.jsonl");

        assertThat(file.inFolderOf(spec("/inbound"))).isTrue();
        assertThat(file.inFolderOf(spec("/inbound/"))).isTrue();
        assertThat(file.inFolderOf(spec("/inbound/sub"))).isFalse();
        assertThat(file.inFolderOf(spec("/"))).isFalse();
        assertThat(RemoteLocation.parse("sftp://partner@files.example.com:2222/a.jsonl").inFolderOf(spec("/"))).isTrue();
        assertThat(RemoteLocation.parse("sftp://other@files.example.com:2222/inbound/a.jsonl").inFolderOf(spec("/inbound"))).isFalse();
    }

    @Test
    void refusesTextWithoutAServerPart() {
        assertThatThrownBy(() -> RemoteLocation.parse("/inbound/a.jsonl")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a remote location");
    }
}
