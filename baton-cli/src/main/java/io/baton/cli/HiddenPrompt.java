package io.baton.cli;

import java.io.Console;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Reads a password or secret at the terminal, typed twice without echo, so that a typo is caught before it is stored. */
final class HiddenPrompt {

    private HiddenPrompt() {
    }

    /**
     * Returns the value typed twice; {@code what} names it, such as "the password of user ops".
     *
     * @param stdinOption the option that reads the value from standard input instead, named when there is no terminal
     */
    static char[] twice(CommandLine command, String what, String stdinOption) {
        Console console = System.console();
        if (console == null) {
            throw new ParameterException(command, "no terminal to prompt for " + what + "; pass it on standard input with " + stdinOption);
        }
        char[] first = console.readPassword("Enter %s: ", what);
        char[] second = console.readPassword("Repeat it: ");
        if (first == null || second == null || !Arrays.equals(first, second)) {
            throw new ParameterException(command, "the two entries of " + what + " differ; run the command again");
        }
        Arrays.fill(second, ' ');
        return first;
    }
}
