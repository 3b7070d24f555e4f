package io.baton.server.log;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;

/**
 * One entry of a node or service log: its first line parsed, and the lines that follow it (a stack
 * trace) in {@code message}.
 *
 * @param at the entry's time, in JSON as an ISO-8601 instant
 * @param file the log file's name in the logs folder, such as {@code node-node-a.log}
 * @param service the service id, or null for the node's own events
 * @param run the run id, or null outside a run
 */
public record LogEntry(@JsonSerialize(using = ToStringSerializer.class) Instant at, String level, String node, String service, String run, String thread, String logger, String message,
        String file) {
}
