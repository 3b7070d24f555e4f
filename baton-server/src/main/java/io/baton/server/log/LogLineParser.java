package io.baton.server.log;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the first line of a log entry as the node's logback pattern writes it:
 * {@code 2026-12-05T04:19:57.409Z INFO  node=node-a service=orders run=12 [thread] Logger - message}.
 * A line that does not start that way continues the entry before it.
 *
 * <p>The thread name is written as it is, so it may contain brackets (MINA SSHD's
 * {@code sshd-SshClient[517c8044]-nio2-thread-2}), spaces or any other character. The thread therefore
 * ends at the first {@code "] "} that is followed by a logger name and {@code " - "}, because {@code %logger{0}}
 * writes a simple name without spaces.
 * NOTE: a thread name that itself contains {@code "] Name - "} is cut there, and one with a line break
 * starts a continuation line, since the pattern writes both unescaped.
 */
final class LogLineParser {

    private static final Pattern FIRST_LINE = Pattern.compile(
            "^(\\d{4}-\\d{2}-\\d{2}T\\S+) (TRACE|DEBUG|INFO|WARN|ERROR) +node=(\\S*) service=(\\S*) run=(\\S*) \\[(.*?)\\] (\\S+) - (.*)$",
            // A thread name or message may contain U+2028 or U+0085, which '.' skips without this flag.
            Pattern.DOTALL);

    private LogLineParser() {
    }

    /** Returns the entry this line starts, or null when the line continues the previous entry. */
    static LogEntry parse(String line, String file) {
        Matcher m = FIRST_LINE.matcher(line);
        if (!m.matches()) {
            return null;
        }
        try {
            return new LogEntry(OffsetDateTime.parse(m.group(1)).toInstant(), m.group(2), m.group(3), orNull(m.group(4)), orNull(m.group(5)),
                    m.group(6), m.group(7), m.group(8), file);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Maps the "-" that the pattern writes for a missing service or run id to null. */
    private static String orNull(String id) {
        return id.isEmpty() || id.equals("-") ? null : id;
    }
}
