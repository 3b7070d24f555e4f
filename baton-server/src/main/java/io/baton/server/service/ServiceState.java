package io.baton.server.service;

/** State of a deployed service on this node. */
public enum ServiceState {
    /** Deployed, no worker. */
    STOPPED,
    /** Started, but every worker slot of the node is in use; it starts when a slot frees. The reason says how many. */
    WAITING,
    STARTING,
    /** Worker up, schedule armed. */
    RUNNING,
    STOPPING,
    /** Its worker could not start, or died and was not restarted. The reason gives the cause. */
    FAILED,
    /** Its descriptor is invalid; it cannot start until it is fixed and deployed again. */
    INVALID
}
