package io.baton.server.worker;

import org.slf4j.event.Level;

/**
 * One line of a worker's standard error with the level the worker logged it at. The worker's logback
 * pattern starts each event with its level ({@code WARN [main] Step - ...}). A line without a level, such
 * as a stack trace line, continues the event before it and keeps that level. Anything else a service
 * prints to standard error is INFO.
 */
record WorkerLogLine(Level level, String text) {

    /** Reads the level of {@code line}; {@code previous} is the level of the line before it, or null. */
    static WorkerLogLine parse(String line, Level previous) {
        int space = line.indexOf(' ');
        if (space > 0) {
            for (Level level : Level.values()) {
                if (line.substring(0, space).equals(level.name())) {
                    return new WorkerLogLine(level, line.substring(space + 1));
                }
            }
        }
        boolean continuation = line.startsWith("\t") || line.startsWith("Caused by: ") || line.startsWith("Suppressed: ");
        return new WorkerLogLine(continuation && previous != null ? previous : Level.INFO, line);
    }
}
