package io.baton.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Words for the file-system errors a command can meet, whose Java message is often the bare path, such as
 * "/etc/passwd" for a folder that cannot be created because a file of that name exists.
 */
final class FileErrors {

    private FileErrors() {
    }

    static String describe(FileSystemException e) {
        String file = e.getFile() + (e.getOtherFile() == null ? "" : " (and " + e.getOtherFile() + ")");
        String what = switch (e) {
            case FileAlreadyExistsException x -> "a file of that name already exists where a folder or a new file is needed";
            case AccessDeniedException x -> "permission denied for the user running baton";
            case NoSuchFileException x -> "no such file or folder, or its parent cannot hold one";
            case NotDirectoryException x -> "not a folder";
            default -> e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
        };
        String reason = e.getReason() == null || what.equals(e.getReason()) ? "" : " (" + e.getReason() + ")";
        return file + ": " + what + reason + "; choose another path or fix its permissions";
    }
}
