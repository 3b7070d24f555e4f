package io.baton.core.journal;

import java.nio.file.Path;
import java.util.List;

/**
 * The journal's tables or columns do not match the schema version stamped in it, as when an in-between
 * development build wrote it. No node may become active on it until an operator replaces it.
 */
public final class JournalSchemaMismatchException extends JournalException {

    public JournalSchemaMismatchException(Path file, int stamped, List<String> missing) {
        super("the journal " + file + " is stamped with schema version " + stamped + " but lacks " + String.join(", ", missing)
                + ", which that version has; it was probably written by a development build of Baton. Stop every node, then"
                + " restore the journal from a backup (a migration leaves a copy named " + file.getFileName() + ".vN.bak next to it)"
                + " or move it aside so that the next node creates an empty one (the run history is then lost),"
                + " and start the nodes again");
    }
}
