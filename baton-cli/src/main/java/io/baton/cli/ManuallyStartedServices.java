package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Services that an operator started and that the next active node leaves stopped, because a node that
 * becomes active, by failover or switch-over, starts only the services whose {@code autoStart} is on.
 */
final class ManuallyStartedServices {

    /** States of a service that was started and has not been stopped since, as {@code GET /api/services} reports them. */
    private static final Set<String> STARTED = Set.of("WAITING", "STARTING", "RUNNING");

    private ManuallyStartedServices() {
    }

    /** Returns the names of the started services with {@code autoStart} off, from a {@code GET /api/services} response. */
    static List<String> namesIn(JsonNode services) {
        List<String> names = new ArrayList<>();
        for (JsonNode s : services) {
            if (STARTED.contains(s.path("state").asText()) && !s.path("autoStart").asBoolean(false)) {
                names.add(s.path("name").asText());
            }
        }
        return names;
    }

    /** Returns the note that the switch-over prints, or null when every started service starts again on {@code newNode}. */
    static String switchOverNote(List<String> names, String newNode) {
        if (names.isEmpty()) {
            return null;
        }
        return "Note: " + names.size() + " service(s) started without autoStart stay stopped on node " + newNode + ": "
                + String.join(", ", names) + ". Start them there with `baton start SERVICE`, or turn autoStart on with "
                + "`baton autostart SERVICE on` so that a node starts them whenever it becomes active.";
    }
}
