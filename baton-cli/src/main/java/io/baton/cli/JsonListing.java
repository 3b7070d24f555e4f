package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Options and the call of a command that lists what one GET call of the API returns: {@code --home} for
 * the node and {@code --json} for the API's JSON as it is. A filter value the node rejects with 400 is a
 * usage error of the command (exit code 2).
 */
final class JsonListing {

    @Option(names = "--json", description = "print the API's JSON as it is")
    boolean json;

    @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
    Path home;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    JsonNode get(String path) throws Exception {
        try {
            return Api.connect(Home.resolve(home)).get(path);
        } catch (Api.ApiFailure e) {
            ParameterException usage = e.asUsageError(spec.commandLine());
            throw usage == null ? e : usage;
        }
    }

    /** Prints the result as JSON when {@code --json} was given, and returns whether it did. */
    boolean printedAsJson(JsonNode result) throws Exception {
        if (json) {
            System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        }
        return json;
    }
}
