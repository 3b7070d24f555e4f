package io.baton.cli.monitor;

import java.net.URI;

/**
 * The state of one node as its health endpoints returned it in one poll.
 *
 * @param api the node's API address, as given to {@code --cluster}
 * @param nodeId the id from the {@code Baton-Node} header, or null when the node could not be reached or did not send it
 * @param detail the role the node returned (such as {@code passive}), or why it is down
 */
record NodeHealth(URI api, State state, String nodeId, String detail) {

    enum State {
        /** {@code /health/active} returned 200. */
        ACTIVE,
        /** {@code /health/active} returned another status, and {@code /health/live} returned 200. */
        NOT_ACTIVE,
        /** Neither endpoint returned a usable response within the timeout. */
        DOWN
    }

    /** Returns the node id, or the API address for a node that sent none, so that two addresses of one node count once. */
    String identity() {
        return nodeId != null ? nodeId : api.toString();
    }

    /** Describes the node for logs and alert messages, such as {@code node-a at http://10.0.0.1:8491 (passive)}. */
    String describe() {
        String node = nodeId != null ? "node " + nodeId + " at " + api : api.toString();
        return node + " (" + detail + ")";
    }
}
