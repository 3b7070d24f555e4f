package io.baton.core.journal;

import java.nio.file.Path;

/** The journal was written by a newer version of Baton; this node must not become active on it. */
public final class JournalSchemaException extends JournalException {

    public JournalSchemaException(Path file, int stored, int supported) {
        super("the journal " + file + " has schema version " + stored + " but this node understands versions up to "
                + supported + "; update this node's program directory to the version the other nodes run");
    }
}
