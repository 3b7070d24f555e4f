package io.baton.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Folder paths with symbolic links resolved as far as the folders exist, so that two spellings of one
 * folder (a link, {@code ..}, a relative path) compare equal. The part that does not exist yet is kept
 * as written, normalized.
 */
final class RealPaths {

    private RealPaths() {
    }

    /** Returns the path with its longest existing ancestor replaced by that ancestor's real path. */
    static Path of(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
        } catch (IOException e) {
            // An ancestor that cannot be resolved (no permission, say) is compared as written.
            return absolute;
        }
    }
}
