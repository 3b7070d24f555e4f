package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.core.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Commands that move the active role between the nodes of a cluster. */
final class RoleCommands {

    private RoleCommands() {
    }

    @Command(name = "switchover", mixinStandardHelpOptions = true,
            description = {"Hands the active role to a passive node without waiting for the lease to expire.",
                "Run on a passive node, the call is forwarded to the active node. The active node stops every service at a commit point, "
                    + "publishes what is committed, and waits until the target has taken the next epoch. If the target does not take it "
                    + "within the timeout, the active node stays active and starts its services again (exit code 1).",
                "The new active node starts only the services with autoStart on; the command names the started services that stay stopped."})
    static final class SwitchOver implements Callable<Integer> {

        @Option(names = "--to", paramLabel = "NODE", description = "node id of the passive node to hand over to (default: the first passive node that sees the offer)")
        String to;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
                description = "time the services get to reach a commit point, and then the target gets to take over, such as 30s or 2m; "
                        + "a plain number is seconds (default: ${DEFAULT-VALUE})")
        Duration timeout;

        @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
        Path home;

        @Override
        public Integer call() throws Exception {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("to", to);
            body.put("timeout", Durations.format(timeout));
            Api api = Api.connect(Home.resolve(home));

            // Listed before the switch-over stops them, because the new active node starts only services with autoStart on.
            List<String> manuallyStarted = ManuallyStartedServices.namesIn(api.get("/api/services"));

            JsonNode r = api.post("/api/switchover", body);
            String newNode = r.path("newNode").asText();
            System.out.println("Switched over to node " + newNode + " (epoch " + r.path("epoch").asLong() + ") in "
                    + r.path("millis").asLong() + " ms.");
            System.out.println(r.path("message").asText());
            String note = ManuallyStartedServices.switchOverNote(manuallyStarted, newNode);
            if (note != null) {
                System.out.println(note);
            }
            return 0;
        }
    }

    @Command(name = "takeover", mixinStandardHelpOptions = true,
            description = {"Makes this passive node active at once, after you fenced the hung active node by hand (stopped or killed it, "
                    + "or cut it off the shared storage).",
                "The node checks that NODE holds the lease, that its lease is not being renewed, and, when NODE runs on this host, that its "
                    + "process is stopped or gone. The takeover is logged and recorded with who requested it."})
    static final class Takeover implements Callable<Integer> {

        @Option(names = "--confirm-fenced", paramLabel = "NODE", required = true, description = "node id of the active node that you fenced")
        String fenced;

        @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
        Path home;

        @Override
        public Integer call() throws Exception {
            JsonNode r = Api.connect(Home.resolve(home)).post("/api/takeover", Map.of("confirmFenced", fenced));
            System.out.println("Node " + r.path("nodeId").asText() + " took over epoch " + r.path("epoch").asLong() + " from node "
                    + r.path("previousNode").asText() + " in " + r.path("millis").asLong() + " ms (recorded as requested by "
                    + r.path("actor").asText() + ").");
            return 0;
        }
    }
}
