package io.baton.server.service;

/** Where a deployed service stands on this node. */
public enum ServiceState {
    /** Deployed, no worker. */
    STOPPED,
    STARTING,
    /** Worker up, schedule armed. */
    RUNNING,
    STOPPING,
    /** Its worker could not start, or died and was not restarted; the reason says why. */
    FAILED,
    /** Its descriptor is invalid; it cannot start until it is fixed and deployed again. */
    INVALID
}
