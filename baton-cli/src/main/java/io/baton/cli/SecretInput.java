package io.baton.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
                        + " such as: printf '%s\\n' \"$VALUE\" | baton " + command.getCommandName() + " ... --secret-stdin");
            }
            return line;
        }
        Console console = System.console();
        if (console == null) {
            throw new ParameterException(command, "no terminal to prompt for the value of the " + what
                    + "; pass it on standard input with --secret-stdin");
        }
        char[] first = console.readPassword("Value of the %s: ", what);
        char[] second = console.readPassword("Repeat the value: ");
        if (first == null || second == null || !Arrays.equals(first, second)) {
            throw new ParameterException(command, "the two values differ; run the command again");
        }
        Arrays.fill(second, ' ');
        return new String(first);
    }
}
