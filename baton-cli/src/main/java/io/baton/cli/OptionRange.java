package io.baton.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Checks a whole-number option or parameter against the range the node accepts, before any call, so that a
 * value out of range is a usage error (exit code 2) with the accepted range, not a failed call (exit code 1).
 */
final class OptionRange {

    /** Largest {@code --limit} that the node's listings accept. */
    static final int MAX_LIMIT = 10_000;

    private OptionRange() {
    }

    /** Throws a usage error naming {@code option}, its value and the range unless {@code min <= value <= max}. */
    static void require(CommandLine command, String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ParameterException(command, "invalid " + option + " " + value + ": expected a whole number from " + min + " to " + max);
        }
    }

    /** Throws a usage error unless {@code value} is at least {@code min}. */
    static void requireAtLeast(CommandLine command, String option, long value, long min) {
        if (value < min) {
            throw new ParameterException(command, "invalid " + option + " " + value + ": expected a whole number of " + min + " or more");
        }
    }
}
