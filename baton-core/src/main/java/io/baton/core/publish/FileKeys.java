package io.baton.core.publish;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** Device and inode numbers of files, and fsync of files and folders. */
public final class FileKeys {

    /** Device and inode of a file: the same pair means the same file, whatever its name. */
    public record FileKey(long device, long inode) {
    }

    private FileKeys() {
    }

    /** Returns the key of the file, or null when it does not exist. Links are not followed. */
    public static FileKey of(Path file) throws IOException {
        try {
            Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
            return new FileKey((Long) a.get("dev"), (Long) a.get("ino"));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Forces a file's content and metadata to storage. */
    public static void syncFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Forces a folder's entries (names created, renamed or removed in it) to storage. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
