package io.baton.server.housekeeping;

import io.baton.core.config.ServiceDescriptor;
import io.baton.core.journal.JournalRetention.Candidate;
import io.baton.core.journal.WorkItemState;
import io.baton.core.publish.FileKeys;
import io.baton.core.publish.FileKeys.FileKey;
import io.baton.core.source.FileIdentity;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Decides whether the journal row of a finished work item is still needed by the known-file rule.
 *
 * <p>Listing skips a file whose identity matches a KEPT or QUARANTINED item, so deleting that row
 * would let the file be processed a second time. A KEPT row is therefore kept while a file with its
 * identity (device, inode, size, modification time) is at its path in the source folder. A QUARANTINED
 * row is kept while its file is still in the quarantine folder, because an operator may move it back
 * into the inbox, where it must stay known. It is also kept while a file with its identity is in the
 * source folder.
 * When the service's descriptor is not loaded (undeployed or invalid), its source folder is unknown,
 * so both kinds of rows are kept. A DISPOSED row is never needed: a file at its path is a new delivery.
 */
final class KnownFileRule {

    private final Map<String, ServiceDescriptor> services;

    /** @param services the loaded descriptors by service name */
    KnownFileRule(Map<String, ServiceDescriptor> services) {
        this.services = services;
    }

    /** Returns why the row must stay, or null when it may be deleted. */
    String reasonToKeep(Candidate item) throws IOException {
        // A returned item's file is a new delivery for the claim rule, so its row protects nothing.
        if (item.state() == WorkItemState.DISPOSED || item.state() == WorkItemState.RETURNED) {
            return null;
        }
        ServiceDescriptor d = services.get(item.service());
        if (d == null) {
            return "service " + item.service() + " is not loaded, so its source folder is unknown";
        }
        if (item.state() == WorkItemState.QUARANTINED && stillQuarantined(item)) {
            return "its file is still in quarantine at " + item.quarantinePath();
        }
        if (d.source().remote() != null) {
            // Checking would take a connection per row; a kept or quarantined remote input may still be there.
            return "its file may still be on " + d.source().remote().server() + ", which housekeeping does not connect to";
        }
        if (stillInSource(d.source().path(), item.identity())) {
            return "its file is still in the source folder as " + item.identity().relPath();
        }
        return null;
    }

    private static boolean stillQuarantined(Candidate item) throws IOException {
        if (item.quarantinePath() == null) {
            return false;
        }
        FileKey key = FileKeys.of(Path.of(item.quarantinePath()));
        return key != null && key.equals(new FileKey(item.quarantineDevice(), item.quarantineInode()));
    }

    private static boolean stillInSource(Path sourceFolder, FileIdentity identity) throws IOException {
        try {
            FileIdentity now = FileIdentity.of(sourceFolder.resolve(identity.relPath()), identity.relPath());
            return now.sameContentAs(identity);
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}
