package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.core.journal.OperatorAction;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Operator actions on work items (retry, release, reprocess) and the list of recorded actions. */
final class ItemCommands {

    private ItemCommands() {
    }

    /** One action on a work item given by id, or on every item a filter matches. */
    abstract static class ItemAction implements Callable<Integer> {
        @Parameters(paramLabel = "ITEM", arity = "0..1", description = "work item id, as listed by baton run RUN_ID")
        Long item;

        @Option(names = "--service", paramLabel = "NAME", description = "filter: items of this service")
        String service;

        @Option(names = "--state", paramLabel = "STATE",
                description = "filter: items in this state, one of the states named above (default: all of them)")
        String state;

        @Option(names = "--since", paramLabel = "T",
                description = "filter: items last changed at or after T, an ISO-8601 instant or a date of the node's time zone")
        String since;

        @Option(names = "--until", paramLabel = "T",
                description = "filter: items last changed before T; a date includes that whole day")
        String until;

        @Option(names = "--all", description = "confirms a filter without --service, which acts on the items of every service")
        boolean all;

        @Option(names = "--dry-run", description = "lists the items the filter matches without acting on them")
        boolean dryRun;

        @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
        Path home;

        @Spec
        CommandSpec spec;

        /** The action's name in the API path: retry, release or reprocess. */
        private final String action;

        /** The work item states the action applies to, as the node checks them. */
        private final java.util.Set<String> allowedStates;

        ItemAction(OperatorAction action) {
            this.action = action.label();
            this.allowedStates = action.allowedStates().stream().map(Enum::name).collect(java.util.stream.Collectors.toSet());
        }

        @Override
        public Integer call() throws Exception {
            boolean filtered = service != null || state != null || since != null || until != null || all;
            if (item != null && (filtered || dryRun)) {
                throw new ParameterException(spec.commandLine(), "give either a work item id or a filter (--service, --state,"
                        + " --since, --until, --all, --dry-run), not both");
            }
            if (item == null && !filtered) {
                throw new ParameterException(spec.commandLine(), "missing work item: give an ITEM id or a filter such as --service NAME");
            }
            if (state != null && !allowedStates.contains(state)) {
                throw new ParameterException(spec.commandLine(), "invalid --state " + state + ": " + action + " applies to "
                        + String.join(", ", new java.util.TreeSet<>(allowedStates)));
            }
            if (item == null && service == null && !all) {
                throw new ParameterException(spec.commandLine(), "a filter without --service would act on the items of every"
                        + " service; name one with --service NAME, or add --all to confirm");
            }
            Api api = Api.connect(Home.resolve(home));
            try {
                return item != null ? actOnItem(api) : actOnFilter(api);
            } catch (Api.ApiFailure e) {
                ParameterException usage = e.asUsageError(spec.commandLine());
                throw usage == null ? e : usage;
            }
        }

        private int actOnItem(Api api) throws Exception {
            JsonNode o = api.post("/api/items/" + item + "/" + action);
            System.out.println("Work item " + o.path("itemId").asText() + " (" + o.path("relPath").asText() + " of service "
                    + o.path("service").asText() + "): " + o.path("before").asText() + " -> " + o.path("after").asText());
            System.out.println("  " + o.path("detail").asText());
            return 0;
        }

        private int actOnFilter(Api api) throws Exception {
            Map<String, Object> filter = new LinkedHashMap<>();
            filter.put("service", service);
            filter.put("state", state);
            filter.put("since", since);
            filter.put("until", until);
            filter.put("all", all);
            filter.put("dryRun", dryRun);
            JsonNode body = api.post("/api/items/" + action, filter);
            JsonNode items = body.path("items");
            if (dryRun) {
                System.out.println(action + " " + body.path("filter").asText() + " matches " + body.path("matched").asInt()
                        + " work item(s); nothing was changed (dry run)");
                System.out.printf("%-8s %-16s %-20s %-30s %s%n", "ITEM", "SERVICE", "STATE", "LAST CHANGE", "FILE");
                for (JsonNode i : items) {
                    String changed = i.path("finishedAt").isNull() ? i.path("claimedAt").asText() : i.path("finishedAt").asText();
                    System.out.printf("%-8s %-16s %-20s %-30s %s%n", i.path("id").asText(), i.path("service").asText(),
                            i.path("state").asText(), changed, i.path("relPath").asText());
                }
                return 0;
            }
            System.out.println(action + " " + body.path("filter").asText() + ": " + body.path("matched").asInt() + " matched, "
                    + body.path("done").asInt() + " done, " + body.path("refused").asInt() + " refused");
            for (JsonNode o : items) {
                String result = "DONE".equals(o.path("outcome").asText())
                        ? o.path("before").asText() + " -> " + o.path("after").asText() : "refused";
                System.out.println("  item " + o.path("itemId").asText() + "  " + o.path("service").asText() + "  "
                        + o.path("relPath").asText() + "  " + result + ": " + o.path("detail").asText());
            }
            return body.path("refused").asInt() == 0 ? 0 : 1;
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Processes a QUARANTINED, FAILED, PUBLISH_BLOCKED or DISPOSITION_PENDING work item again at the next"
                    + " run: a quarantined input moves back to the source folder, and the attempts and backoff are reset; a"
                    + " blocked or pending item gets its publish actions tried again. Run baton trigger SERVICE to process it at once.")
    static final class Retry extends ItemAction {
        Retry() {
            super(OperatorAction.RETRY);
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = "Gives the input of a QUARANTINED or PUBLISH_BLOCKED work item back to the source folder without"
                    + " processing it now; the next run takes it as a new delivery, and staged outputs are discarded.")
    static final class Release extends ItemAction {
        Release() {
            super(OperatorAction.RELEASE);
        }
    }

    @Command(name = "reprocess", mixinStandardHelpOptions = true,
            description = "Processes a DISPOSED or KEPT work item again, as a new work item at the next run: an archived input is"
                    + " linked back into the source folder, a kept input is taken again where it is.")
    static final class Reprocess extends ItemAction {
        Reprocess() {
            super(OperatorAction.REPROCESS);
        }
    }

    @Command(name = "actions", mixinStandardHelpOptions = true,
            description = "Lists the latest operator actions on work items, newest first, with who, when and the outcome.")
    static final class ListActions implements Callable<Integer> {
        @Option(names = "--service", paramLabel = "NAME", description = "only the actions on this service's items")
        String service;

        @Option(names = "--limit", description = "number of actions, 1 to " + OptionRange.MAX_LIMIT + " (default: ${DEFAULT-VALUE})",
                defaultValue = "50")
        int limit;

        @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
        Path home;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            OptionRange.require(spec.commandLine(), "--limit", limit, 1, OptionRange.MAX_LIMIT);
            String query = "?limit=" + limit + (service == null ? "" : "&service="
                    + java.net.URLEncoder.encode(service, java.nio.charset.StandardCharsets.UTF_8));
            JsonNode entries = Api.connect(Home.resolve(home)).get("/api/actions" + query);
            System.out.printf("%-6s %-30s %-22s %-10s %-16s %-8s %-8s %s%n", "ID", "AT", "BY", "ACTION", "SERVICE", "ITEM",
                    "OUTCOME", "DETAIL");
            for (JsonNode e : entries) {
                String by = e.path("actor").asText() + "@" + e.path("remoteAddress").asText();
                String detail = e.path("detail").asText() + (e.path("filter").isNull() ? "" : " [filter " + e.path("filter").asText() + "]");
                System.out.printf("%-6s %-30s %-22s %-10s %-16s %-8s %-8s %s%n", e.path("id").asText(), e.path("at").asText(), by,
                        e.path("action").asText(), e.path("service").isNull() ? "-" : e.path("service").asText(),
                        e.path("itemId").isNull() ? "-" : e.path("itemId").asText(), e.path("outcome").asText(), detail);
            }
            return 0;
        }
    }
}
