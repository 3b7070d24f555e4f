package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Commands on the run history in the journal. */
final class RunCommands {

    private RunCommands() {
    }

    @Command(name = "runs", mixinStandardHelpOptions = true, description = "Lists the latest runs of a service.")
    static final class ListRuns implements Callable<Integer> {
        @Parameters(paramLabel = "SERVICE", description = "service name")
        String service;

        @Option(names = "--limit", description = "number of runs, 1 to " + OptionRange.MAX_LIMIT + " (default: ${DEFAULT-VALUE})",
                defaultValue = "20")
        int limit;

        @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
        Path home;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            OptionRange.require(spec.commandLine(), "--limit", limit, 1, OptionRange.MAX_LIMIT);
            JsonNode runs = Api.connect(Home.resolve(home)).get("/api/services/" + service + "/runs?limit=" + limit);
            System.out.printf("%-8s %-10s %-6s %-10s %-30s %9s %7s %7s  %s%n", "RUN", "STATE", "EPOCH", "NODE", "STARTED",
                    "COMMITTED", "FAILED", "QUARANT", "REASON");
            for (JsonNode r : runs) {
                System.out.printf("%-8s %-10s %-6s %-10s %-30s %9s %7s %7s  %s%n", r.path("id").asText(), r.path("state").asText(),
                        r.path("epoch").asText(), r.path("nodeId").asText(), r.path("startedAt").asText(), r.path("itemsCommitted").asText(),
                        r.path("itemsFailed").asText(), r.path("itemsQuarantined").asText(),
                        r.path("reason").isNull() ? "" : r.path("reason").asText());
            }
            return 0;
        }
    }

    @Command(name = "waiting", mixinStandardHelpOptions = true,
            description = "Lists the files of a service that were not ready at its last poll, and why each one waits.")
    static final class Waiting implements Callable<Integer> {
        @Parameters(paramLabel = "SERVICE", description = "service name")
        String service;

        @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
        Path home;

        @Override
        public Integer call() throws Exception {
            JsonNode files = Api.connect(Home.resolve(home)).get("/api/services/" + service + "/waiting");
            if (files.isEmpty()) {
                System.out.println("No file of service " + service + " was waiting at its last poll.");
                return 0;
            }
            System.out.println("As of the last poll of service " + service + ":");
            System.out.printf("%-40s %-30s %s%n", "FILE", "UNCHANGED SINCE", "REASON");
            for (JsonNode f : files) {
                System.out.printf("%-40s %-30s %s%n", f.path("relPath").asText(), f.path("since").asText(), f.path("reason").asText());
            }
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Shows one run with every work item and its outcome.")
    static final class ShowRun implements Callable<Integer> {
        @Parameters(paramLabel = "RUN_ID", description = "run id")
        long runId;

        @Option(names = "--json", description = "print the API's JSON")
        boolean json;

        @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
        Path home;

        @Override
        public Integer call() throws Exception {
            JsonNode body = Api.connect(Home.resolve(home)).get("/api/runs/" + runId);
            if (json) {
                System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
                return 0;
            }
            JsonNode r = body.path("run");
            System.out.println("Run " + r.path("id").asText() + " of " + r.path("service").asText() + ": " + r.path("state").asText()
                    + " (node " + r.path("nodeId").asText() + ", epoch " + r.path("epoch").asText() + ", " + r.path("trigger").asText() + ")");
            System.out.println("  started " + r.path("startedAt").asText() + ", ended " + r.path("endedAt").asText()
                    + (r.path("reason").isNull() ? "" : ", reason: " + r.path("reason").asText()));
            System.out.println("  " + r.path("itemsCommitted").asText() + " committed, " + r.path("itemsFailed").asText() + " failed, "
                    + r.path("itemsQuarantined").asText() + " quarantined, " + r.path("records").asText() + " records");
            for (JsonNode i : body.path("items")) {
                System.out.println("  item " + i.path("id").asText() + "  " + i.path("state").asText() + "  " + i.path("relPath").asText()
                        + (i.path("error").isNull() ? "" : "  (" + i.path("error").asText() + ")"));
                for (JsonNode a : body.path("openActions")) {
                    if (a.path("itemId").asLong() == i.path("id").asLong()) {
                        boolean gaveUp = a.path("state").asText().equals("GAVE_UP");
                        System.out.println("    action " + a.path("seq").asText() + " " + a.path("kind").asText() + "  " + a.path("state").asText()
                                + " after " + a.path("attempts").asText() + " attempt(s)"
                                + (a.path("detail").isNull() ? "" : ": " + a.path("detail").asText())
                                + (gaveUp ? "; runs no longer retry it: fix the cause, then baton retry " + i.path("id").asText() : ""));
                    }
                }
            }
            return 0;
        }
    }
}
