package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code baton silence add|list|remove}: silences that keep alerts from being sent during a maintenance window. */
@Command(name = "silence", mixinStandardHelpOptions = true,
        description = {"Manages the silences of the cluster. An alert that a silence matches is still logged, marked silenced,"
                + " but not sent to the webhook or by e-mail. A silence ends by itself after its duration.",
            "Adding and removing need the operator role."},
        subcommands = {SilenceCommands.Add.class, SilenceCommands.ListSilences.class, SilenceCommands.Remove.class})
final class SilenceCommands implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: add, list or remove; see baton silence --help");
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Silences the alerts of a service, of a kind, or of a kind for a service, for a time. Prints the silence's id.")
    static final class Add implements Callable<Integer> {
        @Option(names = "--service", paramLabel = "NAME", description = "service name, or a glob such as 'billing-*'")
        String service;

        @Option(names = "--kind", paramLabel = "KIND", description = "alert kind, such as run-failed, file-quarantined or disk-space-low")
        String kind;

        @Option(names = "--for", required = true, paramLabel = "DURATION", converter = DurationConverter.class,
                description = "how long the silence lasts, such as 2h or 30m; at most 30d")
        Duration duration;

        @Option(names = "--reason", required = true, description = "why, such as the maintenance window; shown in baton silence list")
        String reason;

        @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
        Path home;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("service", service);
            body.put("kind", kind);
            // The text as typed, so that the node's message quotes the operator's own words.
            body.put("for", spec.findOption("--for").originalStringValues().getFirst());
            body.put("reason", reason);
            JsonNode created;
            try {
                created = Api.connect(Home.resolve(home)).post("/api/silences", body);
            } catch (Api.ApiFailure e) {
                CommandLine.ParameterException usage = e.asUsageError(spec.commandLine());
                throw usage == null ? e : usage;
            }
            System.out.println(created.path("id").asText());
            System.err.println("Silence " + created.path("id").asText() + " added until " + created.path("until").asText()
                    + "; remove it earlier with: baton silence remove " + created.path("id").asText());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the silences that have not ended.")
    static final class ListSilences implements Callable<Integer> {
        @Mixin
        JsonListing listing;

        @Override
        public Integer call() throws Exception {
            JsonNode silences = listing.get("/api/silences");
            if (listing.printedAsJson(silences)) {
                return 0;
            }
            if (silences.isEmpty()) {
                System.out.println("No silence is active.");
                return 0;
            }
            TextTable table = new TextTable("ID", "SERVICE", "KIND", "UNTIL", "BY", "REASON");
            for (JsonNode s : silences) {
                table.row(s.path("id").asText(), s.path("service").asText("*"), s.path("kind").asText("*"), s.path("until").asText(),
                        s.path("createdBy").asText(), s.path("reason").asText());
            }
            table.print(System.out);
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Ends a silence now.")
    static final class Remove implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "silence id, as baton silence list shows it")
        String id;

        @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
        Path home;

        @Override
        public Integer call() throws Exception {
            Api.connect(Home.resolve(home)).delete("/api/silences/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8));
            System.out.println("Silence " + id + " removed.");
            return 0;
        }
    }
}
