package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code baton audit}: the audit trail of management actions, newest first. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Lists the management actions recorded in the journal, newest first: deploys, starts, stops, switch-overs,"
                + " actions on work items and the others, done, refused or failed, with who, from where, on which node and why.")
final class AuditCommand implements Callable<Integer> {

    @Option(names = "--service", paramLabel = "NAME", description = "only the actions on this service")
    String service;

    @Option(names = "--action", paramLabel = "ACTION",
            description = "only this action, such as deploy, start, switch-over, takeover, node-stop or retry")
    String action;

    @Option(names = "--outcome", paramLabel = "OUTCOME", description = "only this outcome: done, refused or failed")
    String outcome;

    @Option(names = "--since", paramLabel = "T",
            description = "only actions at or after T, an ISO-8601 instant or a date of the node's time zone")
    String since;

    @Option(names = "--limit", paramLabel = "N", description = "maximum number of actions, 1 to 10000 (default: ${DEFAULT-VALUE})",
            defaultValue = "50")
    int limit;

    @Mixin
    JsonListing listing;

    @Override
    public Integer call() throws Exception {
        OptionRange.require(listing.spec.commandLine(), "--limit", limit, 1, OptionRange.MAX_LIMIT);
        JsonNode entries = listing.get("/api/audit" + query());
        if (listing.printedAsJson(entries)) {
            return 0;
        }
        if (entries.isEmpty()) {
            System.out.println("No audit rows match" + (action == null ? "" : "; actions are named like deploy, start, stop, trigger, retry,"
                    + " switch-over, takeover, user-add or token-create (see docs/operations.md)"));
            return 0;
        }
        TextTable table = new TextTable("ID", "AT", "BY", "NODE", "ACTION", "OUTCOME", "ON", "DETAIL");
        for (JsonNode e : entries) {
            table.row(e.path("id").asText(), e.path("at").asText(), e.path("actor").asText() + "@" + e.path("remoteAddress").asText(),
                    e.path("nodeId").asText(), e.path("action").asText(), e.path("outcome").asText(), subject(e), e.path("detail").asText(""));
        }
        table.print(System.out);
        return 0;
    }

    private String query() {
        return new QueryString().add("limit", limit).add("service", service).add("action", action).add("outcome", outcome)
                .add("since", since).toString();
    }

    /** Names what an action acted on: a service and version, a work item or filter, or a target such as a node. */
    private static String subject(JsonNode e) {
        List<String> parts = new ArrayList<>();
        if (!e.path("service").isNull() && !e.path("service").isMissingNode()) {
            parts.add(e.path("service").asText() + (e.path("version").isNumber() ? " v" + e.path("version").asText() : ""));
        }
        if (e.path("itemId").isNumber()) {
            parts.add("item " + e.path("itemId").asText());
        }
        if (e.path("filter").isTextual()) {
            parts.add("[" + e.path("filter").asText() + "]");
        }
        if (e.path("target").isTextual()) {
            parts.add(e.path("target").asText());
        }
        return parts.isEmpty() ? "-" : String.join(" ", parts);
    }
}
