package io.baton.server.node;

/** A live node with the same node id is registered in the data directory; the message names it and the fix. */
public final class NodeIdInUseException extends RuntimeException {

    public NodeIdInUseException(String message) {
        super(message);
    }
}
