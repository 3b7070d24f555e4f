package io.baton.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Rewords picocli's number conversion errors ("'abc' is not a long") into plain words that name the
 * argument, and hands every other usage error to picocli's own handler. Exit code 2 either way.
 */
final class ConversionErrors implements CommandLine.IParameterExceptionHandler {

    /** Picocli's wording for a value that is not a whole number, as of picocli 4.7. */
    private static final Pattern NOT_A_NUMBER = Pattern.compile("'([^']*)' is not an? (int|long|short|byte)");

    private final CommandLine.IParameterExceptionHandler picocliHandler;

    ConversionErrors(CommandLine.IParameterExceptionHandler picocliHandler) {
        this.picocliHandler = picocliHandler;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) throws Exception {
        Matcher m = ex.getMessage() == null ? null : NOT_A_NUMBER.matcher(ex.getMessage());
        if (m == null || !m.find() || ex.getArgSpec() == null) {
            return picocliHandler.handleParseException(ex, args);
        }

        CommandLine command = ex.getCommandLine();
        command.getErr().println("baton: " + subject(ex.getArgSpec()) + " must be a whole number, not '" + m.group(1) + "'; see: "
                + command.getCommandSpec().qualifiedName() + " --help");
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Names the argument: the option's name, or the first phrase of a positional parameter's description. */
    private static String subject(ArgSpec arg) {
        if (arg instanceof OptionSpec option) {
            return option.longestName();
        }
        String[] description = arg.description();
        if (description.length == 0 || description[0].isBlank()) {
            return arg.paramLabel();
        }
        // The first phrase only: "version to deploy again (default: ...); see ..." becomes "version to deploy again".
        return description[0].split("[,;(]")[0].trim();
    }
}
