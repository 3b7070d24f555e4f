package io.baton.cli;

import io.baton.core.auth.AccountException;
import io.baton.core.auth.PasswordHash;
import io.baton.core.auth.Role;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Reads a new password from the terminal, typed twice without echo, or with {@code --password-stdin} from
 * the first line of standard input, for scripts. Never from an argument, which other users of the host
 * could read in the process list.
 */
final class PasswordInput {

    @Option(names = "--password-stdin", description = "read the password from the first line of standard input instead of prompting")
    boolean fromStdin;

    /** Reads the password and rejects one shorter than the node accepts as a usage error, before any call. */
    char[] read(CommandLine command, String user) throws IOException {
        char[] password;
        if (fromStdin) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null || line.isEmpty()) {
                throw new ParameterException(command, "standard input has no password line; pipe one in, such as: printf '%s\\n' \"$PW\" | "
                        + command.getCommandSpec().qualifiedName() + " ... --password-stdin");
            }
            password = line.toCharArray();
        } else {
            password = HiddenPrompt.twice(command, "the password of user " + user, "--password-stdin");
        }

        if (password.length < PasswordHash.MIN_LENGTH) {
            throw new ParameterException(command, "invalid password for user " + user + ": it has " + password.length
                    + " characters, and a password needs at least " + PasswordHash.MIN_LENGTH + "; choose a longer one");
        }
        return password;
    }

    /** Converts {@code --role} and reports an invalid value as a usage error. */
    static final class RoleConverter implements CommandLine.ITypeConverter<Role> {
        @Override
        public Role convert(String value) {
            try {
                return Role.parse(value);
            } catch (AccountException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
