package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Commands on deployed services, each one call of the node's API. */
final class ServiceCommands {

    private ServiceCommands() {
    }

    abstract static class OnService implements Callable<Integer> {
        @Parameters(paramLabel = "SERVICE", description = "service name")
        String service;

        @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
        Path home;

        Api api() throws java.io.IOException {
            return Api.connect(Home.resolve(home));
        }
    }

    @Command(name = "undeploy", mixinStandardHelpOptions = true, description = "Stops a service and removes it from the repository; its history stays in the journal.")
    static final class Undeploy extends OnService {
        @Override
        public Integer call() throws Exception {
            System.out.println(api().delete("/api/services/" + service).path("message").asText());
            return 0;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Starts a service's worker and its schedule, or puts it in line for a worker slot when the node's maxWorkers are in use.")
    static final class Start extends OnService {
        @Override
        public Integer call() throws Exception {
            JsonNode s = api().post("/api/services/" + service + "/start");
            if ("WAITING".equals(s.path("state").asText())) {
                System.out.println("Service " + service + " is WAITING: " + s.path("reason").asText() + "; it starts when a slot frees");
            } else {
                System.out.println("Service " + service + " is " + s.path("state").asText() + " (worker pid " + s.path("workerPid").asText() + ")");
            }
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stops a service at a commit point; its worker is killed after the grace period.")
    static final class Stop extends OnService {
        @Override
        public Integer call() throws Exception {
            JsonNode s = api().post("/api/services/" + service + "/stop");
            System.out.println("Service " + service + " is " + s.path("state").asText());
            return 0;
        }
    }

    @Command(name = "kill", mixinStandardHelpOptions = true, description = "Kills a service's worker process group at once; in-flight work is redone later.")
    static final class Kill extends OnService {
        @Override
        public Integer call() throws Exception {
            JsonNode s = api().post("/api/services/" + service + "/kill");
            System.out.println("Service " + service + " is " + s.path("state").asText());
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pauses a service's schedule; the worker keeps running and manual triggers still work.")
    static final class Pause extends OnService {
        @Override
        public Integer call() throws Exception {
            api().post("/api/services/" + service + "/pause");
            System.out.println("Schedule of service " + service + " paused; resume it with: baton resume " + service);
            return 0;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resumes a paused schedule.")
    static final class Resume extends OnService {
        @Override
        public Integer call() throws Exception {
            api().post("/api/services/" + service + "/resume");
            System.out.println("Schedule of service " + service + " resumed");
            return 0;
        }
    }

    @Command(name = "trigger", mixinStandardHelpOptions = true, description = "Starts a run now, unless one is in progress, and prints its run id, or how to find the run.")
    static final class Trigger extends OnService {
        @Override
        public Integer call() throws Exception {
            System.out.println(api().post("/api/services/" + service + "/trigger").path("message").asText());
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows a service's state, schedule with its next slots, and last run; or the node's role, epoch and"
                    + " worker slots without SERVICE.")
    static final class Status implements Callable<Integer> {
        @Parameters(paramLabel = "SERVICE", arity = "0..1", description = "service name")
        String service;

        @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
        Path home;

        @Option(names = "--json", description = "print the API's JSON as it is")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Api api = Api.connect(Home.resolve(home));
            JsonNode body = service == null ? api.get("/api/node") : api.get("/api/services/" + service);
            if (json) {
                System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
                return 0;
            }
            System.out.print(service == null ? nodeText(body) : serviceText(body));
            return 0;
        }

        /** Formats the node view of {@code GET /api/node} for people. */
        static String nodeText(JsonNode n) {
            StringBuilder out = new StringBuilder();
            out.append("node:       ").append(n.path("nodeId").asText()).append('\n');
            out.append("role:       ").append(n.path("role").asText()).append(", ").append(epochText(n)).append('\n');
            out.append("active:     ").append(n.path("activeNode").asText("-")).append('\n');
            out.append("data:       ").append(n.path("dataDirectory").asText()).append('\n');
            JsonNode slots = n.path("workerSlots");
            if (!slots.isMissingNode() && !slots.isNull()) {
                String max = slots.path("max").isNull() ? "no cap" : "max " + slots.path("max").asText();
                out.append("workers:    ").append(slots.path("inUse").size()).append(" running (").append(max).append(")")
                        .append(names(slots.path("inUse"), ": ")).append('\n');
                if (!slots.path("waiting").isEmpty()) {
                    out.append("waiting:    ").append(names(slots.path("waiting"), "")).append('\n');
                }
            }
            return out.toString();
        }

        /** Names the epoch this node holds, or, on a node that holds none, the highest one it saw in the lease. */
        private static String epochText(JsonNode n) {
            if (n.path("epoch").asLong() > 0) {
                return "epoch " + n.path("epoch").asText();
            }
            JsonNode seen = n.path("highestEpochSeen");
            return seen.isNumber() && seen.asLong() > 0 ? "no epoch (highest seen: " + seen.asText() + ")" : "no epoch";
        }

        private static String names(JsonNode list, String before) {
            java.util.List<String> names = new java.util.ArrayList<>();
            list.forEach(n -> names.add(n.asText()));
            return names.isEmpty() ? "" : before + String.join(", ", names);
        }

        /** Formats the service view of {@code GET /api/services/NAME} for people. */
        static String serviceText(JsonNode s) {
            java.io.StringWriter text = new java.io.StringWriter();
            print(s, new java.io.PrintWriter(text, true));
            return text.toString();
        }

        private static void print(JsonNode s, java.io.PrintWriter out) {
            out.println("service:    " + s.path("name").asText());
            out.println("state:      " + s.path("state").asText() + text(s.path("reason"), " (", ")"));
            if (!s.path("descriptorValid").asBoolean(true)) {
                // An invalid descriptor has no schedule or autoStart: printing defaults would look like real settings.
                out.println("descriptor: invalid; fix service.yaml and run baton deploy again");
                return;
            }
            out.println("autoStart:  " + s.path("autoStart").asText() + ", autoRestart " + s.path("autoRestart").asText());
            out.println("schedule:   " + s.path("schedule").asText("manual") + text(s.path("misfire"), ", misfire ", "")
                    + (s.path("paused").asBoolean() ? ", PAUSED" : ""));
            JsonNode next = s.path("nextSlots");
            if (next.isArray() && !next.isEmpty()) {
                out.println("next slots:");
                for (JsonNode slot : next) {
                    out.println("  " + slot.asText());
                }
            }
            for (JsonNode r : s.path("remotes")) {
                out.println("remote:     " + r.path("role").asText() + " " + r.path("server").asText() + r.path("folder").asText());
                for (JsonNode w : r.path("weakened")) {
                    out.println("  WEAKENED: " + w.asText());
                }
            }
            out.println("run now:    " + (s.path("runInProgress").asBoolean() ? "yes" : "no"));
            JsonNode last = s.path("lastRun");
            out.println("last run:   " + (last.isMissingNode() || last.isNull() ? "-"
                    : last.path("runId").asText() + " " + last.path("state").asText() + " (" + last.path("committed").asText()
                      + " committed, " + last.path("failed").asText() + " failed, " + last.path("quarantined").asText() + " quarantined)"));
            out.println("last poll:  " + s.path("lastPoll").asText("-"));
            out.println("worker pid: " + (s.path("workerPid").isNull() ? "-" : s.path("workerPid").asText()));
            if (s.path("settingsChanged").asBoolean()) {
                out.println("NOTE:       " + s.path("note").asText());
            }
        }

        private static String text(JsonNode n, String before, String after) {
            return n.isMissingNode() || n.isNull() || n.asText().isEmpty() ? "" : before + n.asText() + after;
        }
    }

    @Command(name = "schedule", mixinStandardHelpOptions = true,
            description = "Lists the latest schedule slots of a service: fired, skipped while a run was in progress, or missed.")
    static final class Slots extends OnService {
        @Option(names = "--limit", defaultValue = "20", description = "how many slots, newest first, 1 to " + OptionRange.MAX_LIMIT
                + " (default: ${DEFAULT-VALUE})")
        int limit;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            OptionRange.require(spec.commandLine(), "--limit", limit, 1, OptionRange.MAX_LIMIT);
            JsonNode slots = api().get("/api/services/" + service + "/slots?limit=" + limit);
            System.out.printf("%-32s %-13s %-7s %-10s %s%n", "SLOT", "OUTCOME", "RUN", "NODE", "DETAIL");
            for (JsonNode s : slots) {
                System.out.printf("%-32s %-13s %-7s %-10s %s%n", s.path("slot").asText(), s.path("outcome").asText(),
                        s.path("runId").isNull() ? "-" : s.path("runId").asText(), s.path("nodeId").asText(),
                        s.path("detail").isNull() ? "" : s.path("detail").asText());
            }
            return 0;
        }
    }

    @Command(name = "cron", mixinStandardHelpOptions = true,
            description = "Checks a cron expression and shows its next slots with their UTC offsets, before it goes into a descriptor.")
    static final class CronCheck implements Callable<Integer> {
        /** The maximum number of slots the node's API lists for one expression. */
        static final int MAX_SLOTS = 100;

        @Parameters(paramLabel = "EXPRESSION", description = "six fields (second minute hour day-of-month month day-of-week) or five")
        String expression;

        @Option(names = "--zone", defaultValue = "UTC", description = "time zone ID (default: ${DEFAULT-VALUE})")
        String zone;

        @Option(names = "--count", defaultValue = "5", description = "how many slots, 1 to " + MAX_SLOTS + " (default: ${DEFAULT-VALUE})")
        int count;

        @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
        Path home;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            OptionRange.require(spec.commandLine(), "--count", count, 1, MAX_SLOTS);
            String query = "expression=" + encode(expression) + "&timeZone=" + encode(zone) + "&count=" + count;
            JsonNode preview;
            try {
                preview = Api.connect(Home.resolve(home)).get("/api/cron?" + query);
            } catch (Api.ApiFailure e) {
                ParameterException usage = e.asUsageError(spec.commandLine());
                throw usage == null ? e : usage;
            }
            System.out.println("cron " + preview.path("expression").asText() + " in " + preview.path("timeZone").asText() + ":");
            for (JsonNode slot : preview.path("nextSlots")) {
                System.out.println("  " + slot.asText());
            }
            return 0;
        }

        private static String encode(String s) {
            return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Command(name = "services", mixinStandardHelpOptions = true, description = "Lists the deployed services with their state.")
    static final class ListServices implements Callable<Integer> {
        @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
        Path home;

        @Override
        public Integer call() throws Exception {
            JsonNode list = Api.connect(Home.resolve(home)).get("/api/services");
            System.out.printf("%-24s %-9s %-10s %-8s %s%n", "SERVICE", "STATE", "AUTOSTART", "IN A RUN", "LAST RUN");
            for (JsonNode s : list) {
                JsonNode last = s.path("lastRun");
                String lastRun = last.isMissingNode() || last.isNull() ? "-"
                        : last.path("runId").asText() + " " + last.path("state").asText() + " (" + last.path("committed").asText() + " committed)";
                String state = s.path("state").asText() + (s.path("paused").asBoolean() ? "*" : "");
                System.out.printf("%-24s %-9s %-10s %-8s %s%n", s.path("name").asText(), state,
                        s.path("autoStart").asText(), s.path("runInProgress").asBoolean() ? "yes" : "no", lastRun);
                if (s.path("paused").asBoolean()) {
                    System.out.println("  * schedule paused");
                }
                if (!s.path("reason").isNull() && !s.path("reason").asText().isEmpty()) {
                    System.out.println("  reason: " + s.path("reason").asText());
                }
            }
            return 0;
        }
    }
}
