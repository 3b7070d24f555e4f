package io.baton.server.service;

import io.baton.core.journal.WorkItems.ItemRecord;
import io.baton.core.publish.FileKeys;
import io.baton.core.publish.FileKeys.FileKey;
import io.baton.core.source.FileIdentity;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * File moves of operator actions: an input is given back to the source folder under a new name made
 * with {@code link(2)}, which never replaces an existing file, and only then loses its old name.
 */
final class InputMoves {

    private InputMoves() {
    }

    /**
     * Creates {@code target} as a new name of {@code file}, which must be the file with key {@code expected}.
     * Succeeds without change when {@code target} already is that file, as after an action that stopped
     * half-way.
     */
    static void linkBack(Path file, FileKey expected, Path target) throws IOException, ActionRefusedException {
        FileKey atTarget = FileKeys.of(target);
        if (expected.equals(atTarget)) {
            return;
        }
        if (atTarget != null) {
            throw conflict("a file already exists at " + target + "; Baton never replaces a file: move it away and try again");
        }
        FileKey current = FileKeys.of(file);
        if (current == null) {
            throw conflict("the file " + file + " is missing, so there is nothing to give back to " + target);
        }
        if (!current.equals(expected)) {
            throw conflict("the file at " + file + " is not the one the journal recorded (another inode); leave it and"
                    + " deliver the input by hand if you still need it");
        }
        Files.createDirectories(target.getParent());
        try {
            Files.createLink(target, file);
        } catch (FileAlreadyExistsException e) {
            throw conflict("a file already exists at " + target + "; Baton never replaces a file: move it away and try again");
        } catch (FileSystemException e) {
            if (e.getReason() != null && e.getReason().contains("cross-device")) {
                // NOTE: a copy across file systems is left to the operator, because it would need a temporary
                // name in the source folder, and a run could list that name.
                throw conflict(file + " and " + target + " are on different file systems; copy the file into the"
                        + " source folder by hand, under an excluded name, and rename it into place");
            }
            throw e;
        }
        FileKeys.syncDirectory(target.getParent());
    }

    /**
     * Checks, before anything moves, that the quarantined file (at {@code quarantined}, or already at
     * {@code input} after an action that stopped half-way) still has the size and modification time the
     * journal recorded. A file fixed in place in quarantine is a new delivery, so a retry, which keeps the
     * item and its work item key, must not take it. A file quarantined by a copy across file systems has
     * another inode and is left to {@link #linkBack}, which rejects it.
     */
    static void checkUnchanged(ItemRecord item, FileKey quarantinedKey, Path quarantined, Path input)
            throws IOException, ActionRefusedException {
        FileIdentity recorded = item.identity();
        if (quarantinedKey.device() != recorded.device() || quarantinedKey.inode() != recorded.inode()) {
            return;
        }
        Path file = quarantinedKey.equals(FileKeys.of(input)) ? input : quarantined;
        FileIdentity now;
        try {
            now = FileIdentity.of(file, recorded.relPath());
        } catch (NoSuchFileException e) {
            return;
        }
        if (!now.sameContentAs(recorded)) {
            throw conflict("the quarantined file " + file + " changed after work item " + item.id() + " was quarantined (size "
                    + recorded.size() + " -> " + now.size() + " bytes, or a new modification time). Retry takes only the file as"
                    + " it was quarantined, so nothing was moved. To process the changed file as a new work item, run: baton release "
                    + item.id());
        }
    }

    /** Removes a name of a file, and its folder entry durably; a missing name is fine. */
    static void unlink(Path name) throws IOException {
        if (Files.deleteIfExists(name)) {
            FileKeys.syncDirectory(name.getParent());
        }
    }

    /**
     * Reads the identity of the input in the source folder and checks that it is the same file (device,
     * inode, size, modification time) as {@code recorded}.
     */
    static FileIdentity sameInput(Path input, FileIdentity recorded) throws IOException, ActionRefusedException {
        FileIdentity now;
        try {
            now = FileIdentity.of(input, recorded.relPath());
        } catch (NoSuchFileException e) {
            throw conflict("the input " + input + " is no longer in the source folder");
        }
        if (!now.sameContentAs(recorded)) {
            throw conflict("the file at " + input + " is a new delivery, not this item's input; the next run takes it as a new"
                    + " work item");
        }
        return now;
    }

    private static ActionRefusedException conflict(String message) {
        return new ActionRefusedException(WorkItemActions.Refusal.CONFLICT, message);
    }
}
