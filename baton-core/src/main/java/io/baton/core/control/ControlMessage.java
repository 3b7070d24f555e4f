package io.baton.core.control;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One message on the control channel between the daemon and a service worker, sent as a line of JSON.
 *
 * <p>Daemon to worker: {@code process} (one work item), {@code ping}, {@code exit}.
 * Worker to daemon: {@code hello} (ready, with its pid), {@code started} (the item it works on now),
 * {@code done}, {@code failed}, {@code fatal} (cannot run at all; it exits next). A {@code done} or {@code failed}
 * reply carries the input's SHA-256 in hex when the worker could read the whole input, and null otherwise.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ControlMessage(String type, Long itemId, Long runId, String input, String relPath, String staging,
        String key, String output, Long bytes, Long records, String error, Boolean rejected, Long pid,
        String sha256) {

    public static ControlMessage of(String type) {
        return new ControlMessage(type, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public static ControlMessage process(long itemId, long runId, String input, String relPath, String staging, String key) {
        return new ControlMessage("process", itemId, runId, input, relPath, staging, key, null, null, null, null, null, null, null);
    }

    public static ControlMessage hello(long pid) {
        return new ControlMessage("hello", null, null, null, null, null, null, null, null, null, null, null, pid, null);
    }

    public static ControlMessage started(long itemId) {
        return new ControlMessage("started", itemId, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public static ControlMessage done(long itemId, String output, long bytes, long records, String sha256) {
        return new ControlMessage("done", itemId, null, null, null, null, null, output, bytes, records, null, null, null, sha256);
    }

    public static ControlMessage failed(long itemId, String error, boolean rejected, String sha256) {
        return new ControlMessage("failed", itemId, null, null, null, null, null, null, null, null, error, rejected, null, sha256);
    }

    public static ControlMessage fatal(String error) {
        return new ControlMessage("fatal", null, null, null, null, null, null, null, null, null, error, null, null, null);
    }
}
