package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code baton lineage}: finds inputs and shows or exports their history across runs, nodes and operator actions. */
@Command(name = "lineage", mixinStandardHelpOptions = true,
        description = "Shows the history of work items: every attempt with its run, node and epoch, the outputs, the disposition"
                + " of the input, operator actions, and the failovers while the item was open. Give an ITEM id, or find items by"
                + " name, glob, SHA-256, time and state; --export writes the histories to a file.")
final class LineageCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ITEM", arity = "0..1", description = "work item id, as listed by baton run RUN_ID or by a search")
    Long item;

    @Option(names = "--service", paramLabel = "NAME", description = "only items of this service")
    String service;

    @Option(names = "--name", paramLabel = "NAME", description = "items of this input: its path relative to the source folder, or its file name")
    String name;

    @Option(names = "--glob", paramLabel = "GLOB", description = "items whose relative path matches GLOB (* and ? also match /)")
    String glob;

    @Option(names = "--sha256", paramLabel = "HEX", description = "items whose input has this SHA-256, as printed by sha256sum")
    String sha256;

    @Option(names = "--since", paramLabel = "T",
            description = "items claimed or finished at or after T, an ISO-8601 instant or a date of the node's time zone")
    String since;

    @Option(names = "--until", paramLabel = "T", description = "items claimed or finished before T; a date includes that whole day")
    String until;

    @Option(names = "--state", paramLabel = "STATE", description = "only items in this state, such as DISPOSED or QUARANTINED")
    String state;

    /** Largest {@code --limit} that the node's lineage search accepts. */
    static final int MAX_LIMIT = 100_000;

    @Option(names = "--limit", paramLabel = "N", description = "maximum number of items, oldest first, 1 to " + MAX_LIMIT
            + " (default: ${DEFAULT-VALUE})",
            defaultValue = "50")
    int limit;

    @Option(names = "--json", description = "prints the histories as the node's JSON instead of text")
    boolean json;

    @Option(names = "--export", paramLabel = "FORMAT", description = "writes the histories as jsonl (one item a line) or csv (one event a row)")
    String export;

    @Option(names = "--output", paramLabel = "FILE", description = "file that --export writes; an existing file is replaced")
    Path output;

    @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
    Path home;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        Api api = Api.connect(Home.resolve(home));
        try {
            if (export != null) {
                long bytes = api.download("/api/lineage/export" + query("format", export), output);
                System.out.println("Wrote the lineage to " + output + " (" + bytes + " bytes, " + export + ")");
                return 0;
            }
            if (item != null) {
                JsonNode history = api.get("/api/items/" + item + "/lineage");
                System.out.println(json ? history.toPrettyString() : LineageText.of(history));
                return 0;
            }
            JsonNode found = api.get("/api/lineage" + query(null, null));
            if (json) {
                System.out.println(found.path("items").toPrettyString());
                return 0;
            }
            System.out.println(found.path("matched").asInt() + " work item(s) match " + found.path("query").asText());
            for (JsonNode history : found.path("items")) {
                System.out.println();
                System.out.println(LineageText.of(history));
            }
            return 0;
        } catch (Api.ApiFailure e) {
            ParameterException usage = e.asUsageError(spec.commandLine());
            throw usage == null ? e : usage;
        }
    }

    private void checkOptions() {
        int selectors = (name == null ? 0 : 1) + (glob == null ? 0 : 1) + (sha256 == null ? 0 : 1);
        if (selectors > 1) {
            throw new ParameterException(spec.commandLine(), "--name, --glob and --sha256 exclude each other; give one of them");
        }
        boolean filtered = selectors > 0 || service != null || since != null || until != null || state != null;
        if (item != null && (filtered || export != null)) {
            throw new ParameterException(spec.commandLine(), "give either a work item id or search options, not both");
        }
        if (export != null && !export.equals("jsonl") && !export.equals("csv")) {
            throw new ParameterException(spec.commandLine(), "invalid --export " + export + ": expected jsonl or csv");
        }
        if ((export == null) != (output == null)) {
            throw new ParameterException(spec.commandLine(), "--export and --output go together: name the format and the file");
        }
        OptionRange.require(spec.commandLine(), "--limit", limit, 1, MAX_LIMIT);
    }

    /** Returns the search options as a query string, with one extra parameter when {@code key} is not null. */
    private String query(String key, String value) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put(key, value);
        params.put("service", service);
        params.put("name", name);
        params.put("glob", glob);
        params.put("sha256", sha256);
        params.put("since", since);
        params.put("until", until);
        params.put("state", state);
        params.put("limit", limit);
        StringJoiner text = new StringJoiner("&", "?", "");
        params.forEach((k, v) -> {
            if (k != null && v != null) {
                text.add(k + "=" + URLEncoder.encode(v.toString(), StandardCharsets.UTF_8));
            }
        });
        return text.toString();
    }
}
