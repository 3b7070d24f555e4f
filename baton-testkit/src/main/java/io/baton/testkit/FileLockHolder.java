package io.baton.testkit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Holds an exclusive POSIX ({@code fcntl}) lock on a file in a process of its own, as a writer that
 * locks its file would, until its standard input closes. Prints {@code locked} once the lock is held.
 *
 * <p>Usage: {@code java -cp baton-testkit.jar io.baton.testkit.FileLockHolder FILE}
 */
public final class FileLockHolder {

    private FileLockHolder() {
    }

    public static void main(String[] args) throws IOException {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            System.out.println("locked");
            System.out.flush();
            // Blocks until the test closes this process's standard input or kills it.
            while (System.in.read() >= 0) {
                continue;
            }
        }
    }
}
