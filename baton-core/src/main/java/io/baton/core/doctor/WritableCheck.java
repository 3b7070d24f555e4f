package io.baton.core.doctor;

import io.baton.core.DataDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates and deletes a file in every folder of the data directory's layout. It writes for real
 * instead of asking {@code Files.isWritable}, which returns true for root whatever the permissions
 * and does not detect every read-only mount.
 */
final class WritableCheck {

    static final String NAME = "writable";

    private final DataDirectory data;

    WritableCheck(DataDirectory data) {
        this.data = data;
    }

    CheckResult run() {
        List<Path> folders = List.of(data.root(), data.services(), data.state(), data.epochs(), data.nodes(), data.work(), data.logs());
        List<String> problems = new ArrayList<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                problems.add(folder + " is missing");
                continue;
            }
            Path probe = folder.resolve(".baton-doctor-" + ProcessHandle.current().pid());
            try {
                Files.writeString(probe, "probe\n");
                Files.delete(probe);
            } catch (IOException e) {
                problems.add(folder + " is not writable (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
        }
        if (!problems.isEmpty()) {
            return CheckResult.fail(NAME, String.join("; ", problems), "give the node's user write access to the whole data directory "
                    + data.root() + ", and run 'baton init " + data.root() + "' to create missing folders");
        }
        return CheckResult.pass(NAME, folders.size() + " folders accept a new file");
    }
}
