package io.baton.server.alert;

import java.time.Instant;

/**
 * One occurrence of a condition or event that an operator must be told about.
 *
 * @param service the service concerned, or null for an alert about the node or the cluster
 * @param node the node that raised it
 * @param run the run concerned, or 0 when none
 * @param key identifies the condition, so that repeats of it are counted and its resolve finds it
 * @param time wall-clock time of this occurrence
 */
public record Alert(AlertKind kind, String service, String node, long run, String key, String message, Instant time) {

    /** Builds an alert about a service, keyed by its kind and the service. */
    public static Alert ofService(AlertKind kind, String service, String node, long run, String message, Instant time) {
        return new Alert(kind, service, node, run, key(kind, service), message, time);
    }

    /** Builds an alert about a node, keyed by its kind and the node. */
    public static Alert ofNode(AlertKind kind, String node, String message, Instant time) {
        return new Alert(kind, null, node, 0, key(kind, node), message, time);
    }

    /**
     * Builds an alert about one role change of a node, keyed by its kind, the node and the epoch, so that every
     * failover or lost lease sends its own notice, however soon after an earlier one it comes.
     */
    public static Alert ofRoleChange(AlertKind kind, String node, long epoch, String message, Instant time) {
        return new Alert(kind, null, node, 0, key(kind, node) + "/epoch-" + epoch, message, time);
    }

    /** Returns the key of an alert of {@code kind} about {@code subject}, a service or node name. */
    public static String key(AlertKind kind, String subject) {
        return kind.text() + "/" + subject;
    }

    public Severity severity() {
        return kind.severity();
    }
}
