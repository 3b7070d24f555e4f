package io.baton.server.api;

import io.baton.core.cluster.NodeRegistration;
import io.baton.server.node.NodeRole;

/** Builds the message for a command sent to a node that is not active, pointing to the active node's program directory. */
final class PassiveNodeMessage {

    private PassiveNodeMessage() {
    }

    /**
     * @param holder node id in the lease, or empty when there is no lease
     * @param holderEntry the holder's registry entry, or null when it has none
     */
    static String text(String nodeId, NodeRole role, String holder, NodeRegistration holderEntry) {
        String text = "node " + nodeId + " is " + role;
        if (holder.isEmpty()) {
            return text + "; no node holds the lease, so start the active node first, or wait for a passive node to take over";
        }
        text += "; the active node is " + holder;
        if (holderEntry == null || holderEntry.programDirectory() == null) {
            return text + "; run the command against it (set BATON_HOME or --home to its program directory)";
        }
        return text + "; run the command on host " + holderEntry.host() + " with --home " + holderEntry.programDirectory()
                + " (or set BATON_HOME to that directory)";
    }
}
