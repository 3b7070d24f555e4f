package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton logs [SERVICE]}: the newest log entries of the cluster's nodes or of one service, oldest first. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Prints the newest log entries, oldest first: of every node of the cluster, or of one service (its runs and its"
                + " worker's output), with filters by node, run, level, time and text.")
final class LogsCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE", description = "the service whose log to read, or '*' for the node logs and every service's log (default: the node logs)")
    String service;

    @Option(names = "--node", paramLabel = "ID", description = "only the entries of this node")
    String node;

    @Option(names = "--run", paramLabel = "ID", description = "only the entries of this run")
    String run;

    @Option(names = "--level", paramLabel = "LEVEL", description = "the lowest level shown: TRACE, DEBUG, INFO, WARN or ERROR")
    String level;

    @Option(names = "--since", paramLabel = "T", description = "only entries at or after T, an ISO-8601 instant or a date")
    String since;

    @Option(names = "--until", paramLabel = "T", description = "only entries before T, an ISO-8601 instant or a date (the whole day)")
    String until;

    @Option(names = "--grep", paramLabel = "TEXT", description = "only entries whose message contains TEXT, ignoring case")
    String contains;

    @Option(names = "--limit", paramLabel = "N", description = "number of entries, the newest that match, 1 to 10000 (default: ${DEFAULT-VALUE})",
            defaultValue = "200")
    int limit;

    @Mixin
    JsonListing listing;

    @Override
    public Integer call() throws Exception {
        OptionRange.require(listing.spec.commandLine(), "--limit", limit, 1, OptionRange.MAX_LIMIT);
        String query = new QueryString().add("service", service).add("node", node).add("run", run).add("level", level).add("since", since)
                .add("until", until).add("contains", contains).add("limit", limit).toString();
        JsonNode result = listing.get("/api/logs" + query);
        if (listing.printedAsJson(result)) {
            return 0;
        }
        if (result.path("truncated").asBoolean()) {
            System.out.println("NOTE: only the last 16 MiB of each log file were searched; narrow the search with --since for older entries");
        }
        if (result.path("entries").isEmpty()) {
            System.err.println("No log entries match" + (service != null || node != null
                    ? "; check the " + (service != null ? "service name with: baton services" : "node id with: baton cluster") : ""));
        }
        for (JsonNode e : result.path("entries")) {
            System.out.println(e.path("at").asText() + " " + String.format("%-5s", e.path("level").asText()) + " node=" + e.path("node").asText()
                    + " service=" + text(e.path("service")) + " run=" + text(e.path("run")) + " " + e.path("logger").asText() + " - "
                    + e.path("message").asText());
        }
        return 0;
    }

    private static String text(JsonNode value) {
        return value.isTextual() ? value.asText() : "-";
    }
}
