package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.core.auth.Role;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code baton token create|list|revoke}: bearer tokens with which scripts call the management API. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Manages the API tokens of scripts. Through the running node by default, which needs the operator role;"
                + " with --data DIR in the users file of a data directory, without a node.",
            "A script sends a token as: Authorization: Bearer TOKEN. Only its SHA-256 is stored, so a lost token cannot be shown again:"
                + " revoke it and create a new one."},
        subcommands = {TokenCommands.Create.class, TokenCommands.ListTokens.class, TokenCommands.Revoke.class})
final class TokenCommands implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: create, list or revoke; see baton token --help");
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates a token and prints it once on standard output, alone on its line; a note about it goes to standard error.")
    static final class Create extends AccountAccess implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "token name, shown in logs and audit records: letters, digits, '.', '_', '@' or '-'")
        String name;

        @Option(names = "--role", required = true, converter = PasswordInput.RoleConverter.class, description = "operator or viewer")
        Role role;

        @Option(names = "--expires", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "lifetime, such as 30d or 12h; a plain number is seconds (default: no expiry)")
        Duration lifetime;

        @Override
        public Integer call() throws Exception {
            JsonNode created = createToken(name, role, lifetime);
            System.out.println(created.path("token").asText());
            String expires = created.path("expiresAt").isNull() || created.path("expiresAt").isMissingNode()
                    ? "does not expire" : "expires at " + created.path("expiresAt").asText();
            System.err.println("API token " + name + " created with role " + role.text() + "; it " + expires
                    + ". It is shown only this once: store it now.");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the tokens with their roles and expiry; never their values.")
    static final class ListTokens extends AccountAccess implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            TextTable table = new TextTable("NAME", "ROLE", "CREATED AT", "EXPIRES AT", "STATE");
            for (JsonNode t : listTokens()) {
                String expiresAt = t.path("expiresAt").isNull() ? "never" : t.path("expiresAt").asText();
                table.row(t.path("name").asText(), t.path("role").asText(), t.path("createdAt").asText(), expiresAt,
                        t.path("expired").asBoolean() ? "expired" : "valid");
            }
            table.print(System.out);
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes a token; its next call is rejected with 401.")
    static final class Revoke extends AccountAccess implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "token name")
        String name;

        @Override
        public Integer call() throws Exception {
            revokeToken(name);
            System.out.println("API token " + name + " revoked.");
            return 0;
        }
    }
}
