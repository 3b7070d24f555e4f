package io.baton.server.node;

/** The role of a node in its cluster. */
public enum NodeRole { STARTING, PASSIVE, ACTIVE, STOPPING }
