package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManuallyStartedServicesTest {

    @Test
    void startedWithoutAutoStartListed() throws Exception {
        JsonNode services = Api.JSON.readTree("""
                [
                  {"name": "billing", "state": "RUNNING", "autoStart": false},
                  {"name": "orders", "state": "RUNNING", "autoStart": true},
                  {"name": "queued", "state": "WAITING", "autoStart": false},
                  {"name": "idle", "state": "STOPPED", "autoStart": false},
                  {"name": "broken", "state": "INVALID"}
                ]
                """);

        assertThat(ManuallyStartedServices.namesIn(services)).containsExactly("billing", "queued");
    }

    @Test
    void noteNamesServicesAndNode() {
        String note = ManuallyStartedServices.switchOverNote(List.of("billing", "queued"), "node-b");

        assertThat(note).contains("2 service(s) started without autoStart stay stopped on node node-b: billing, queued.");
        assertThat(note).contains("baton start SERVICE").contains("baton autostart SERVICE on");
    }

    @Test
    void noNoteWithoutSuchServices() {
        assertThat(ManuallyStartedServices.switchOverNote(List.of(), "node-b")).isNull();
    }
}
