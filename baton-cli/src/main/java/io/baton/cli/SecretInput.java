package io.baton.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Reads the values of secrets: typed twice without echo at the terminal, or with {@code --secret-stdin} one line
 * each from standard input, in the order of the {@code --secret} options. Never from an argument, which other
 * users of the host could read in the process list.
 */
final class SecretInput {

    @Option(names = "--secret-stdin", description = "read each --secret value from one line of standard input, in the order of the"
            + " --secret options, instead of prompting")
    boolean fromStdin;

    private BufferedReader stdin;

    /** Reads the value of one secret; {@code what} names it in the prompt, such as {@code setting token of service orders}. */
    String read(CommandLine command, String what) throws IOException {
        if (fromStdin) {
            if (stdin == null) {
                stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            }
            String line = stdin.readLine();
            if (line == null) {
                throw new ParameterException(command, "standard input has no line for the " + what + "; pipe one line per --secret,"
                        + " such as: printf '%s\\n' \"$VALUE\" | " + command.getCommandSpec().qualifiedName() + " ... --secret-stdin");
            }
            return line;
        }
        return new String(HiddenPrompt.twice(command, "the value of the " + what, "--secret-stdin"));
    }
}
