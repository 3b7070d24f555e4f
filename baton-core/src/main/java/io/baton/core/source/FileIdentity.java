package io.baton.core.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What makes a delivered file the same file: its path relative to the source folder, size and
 * modification time, and for local files the device, inode and change time. A file whose identity
 * differs from a processed one is a new delivery, even under the same name.
 */
public record FileIdentity(String relPath, long size, long mtimeNanos, long device, long inode, long ctimeNanos) {

    /** Reads the identity of a regular file without following symbolic links. */
    public static FileIdentity of(Path file, String relPath) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:size,lastModifiedTime,dev,ino,ctime", LinkOption.NOFOLLOW_LINKS);
        return new FileIdentity(relPath, (Long) a.get("size"), nanos((FileTime) a.get("lastModifiedTime")),
                (Long) a.get("dev"), (Long) a.get("ino"), nanos((FileTime) a.get("ctime")));
    }

    private static long nanos(FileTime t) {
        return t.to(TimeUnit.NANOSECONDS);
    }

    /**
     * Tells whether this is the same inode with the same size and modification time: the test before an
     * input is archived or deleted. The change time is left out because linking the file into the
     * archive changes it.
     */
    public boolean sameContentAs(FileIdentity other) {
        return device == other.device && inode == other.inode && size == other.size && mtimeNanos == other.mtimeNanos;
    }

    /**
     * Returns the stable work-item key: equal for every attempt at the same delivery, on every node, and
     * different for a new delivery under the same name.
     */
    public String workItemKey(String service) {
        String text = service + '\0' + relPath + '\0' + size + '\0' + mtimeNanos + '\0' + inode;
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
