package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.core.auth.Role;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code baton user add|passwd|remove|list}: the users who log in to the management API with a password. */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = {"Manages the users of the management API. Through the running node by default, which needs the operator role;"
                + " with --data DIR in the users file of a data directory, without a node.",
            "An operator may call everything; a viewer only reads (GET)."},
        subcommands = {UserCommands.Add.class, UserCommands.Passwd.class, UserCommands.Remove.class, UserCommands.ListUsers.class})
final class UserCommands implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: add, passwd, remove or list; see baton user --help");
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a user; prompts for the password, or reads it with --password-stdin.")
    static final class Add extends AccountAccess implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "user name: letters, digits, '.', '_', '@' or '-'")
        String name;

        @Option(names = "--role", required = true, converter = PasswordInput.RoleConverter.class, description = "operator or viewer")
        Role role;

        @Mixin
        PasswordInput password;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            addUser(name, role, password.read(spec.commandLine(), name));
            System.out.println("User " + name + " added with role " + role.text() + ".");
            return 0;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Sets a new password for a user; prompts for it, or reads it with --password-stdin.")
    static final class Passwd extends AccountAccess implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "user name")
        String name;

        @Mixin
        PasswordInput password;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            changePassword(name, password.read(spec.commandLine(), name));
            System.out.println("Password of user " + name + " changed.");
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a user; its next call is rejected with 401.")
    static final class Remove extends AccountAccess implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "user name")
        String name;

        @Override
        public Integer call() throws Exception {
            removeUser(name);
            System.out.println("User " + name + " removed.");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the users with their roles.")
    static final class ListUsers extends AccountAccess implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            TextTable table = new TextTable("NAME", "ROLE", "CREATED AT");
            for (JsonNode u : listUsers()) {
                table.row(u.path("name").asText(), u.path("role").asText(), u.path("createdAt").asText());
            }
            table.print(System.out);
            return 0;
        }
    }
}
