package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code baton alerts}: the open alerts of the node. */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = "Lists the node's open alerts, oldest first, with how often each was raised; a kind marked [silenced]"
                + " matches a silence, so its notices are only logged. --json adds the latest notices and the counts of dropped"
                + " notices and failed deliveries.")
final class AlertsCommand implements Callable<Integer> {

    @Mixin
    JsonListing listing;

    @Override
    public Integer call() throws Exception {
        JsonNode alerts = listing.get("/api/alerts");
        if (listing.printedAsJson(alerts)) {
            return 0;
        }
        JsonNode open = alerts.path("open");
        if (open.isEmpty()) {
            System.out.println("No open alert.");
            return 0;
        }
        TextTable table = new TextTable("KIND", "SEVERITY", "SERVICE", "NODE", "SINCE", "COUNT", "MESSAGE");
        for (JsonNode a : open) {
            // The log channel marks silenced notices the same way.
            String kind = a.path("kind").asText() + (a.path("silenced").asBoolean() ? " [silenced]" : "");
            table.row(kind, a.path("severity").asText(), a.path("service").asText("-"), a.path("node").asText(),
                    a.path("since").asText(), a.path("occurrences").asText(), a.path("message").asText());
        }
        table.print(System.out);
        return 0;
    }
}
