package io.baton.server.node;

/** The role of a node in its cluster. A node HANDING_OVER still holds its epoch but runs nothing and is not reported active. */
public enum NodeRole { STARTING, PASSIVE, ACTIVE, HANDING_OVER, STOPPING }
