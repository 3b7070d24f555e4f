package io.baton.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClaimCheckTest {

    @TempDir
    Path folder;

    private Path file(String name) throws IOException {
        Path p = folder.resolve(name);
        Files.writeString(p, "id\n1\n");
        return p;
    }

    @Test
    void unlockedReadableFilePasses() throws IOException {
        Path p = file("a.csv");

        assertThat(new ClaimCheck().problem(p, FileIdentity.of(p, "a.csv"))).isNull();
    }

    @Test
    void vanishedFileThrows() throws IOException {
        Path p = file("gone.csv");
        FileIdentity id = FileIdentity.of(p, "gone.csv");
        Files.delete(p);

        assertThrows(NoSuchFileException.class, () -> new ClaimCheck().problem(p, id));
    }

    @Test
    void flockHeldByAnotherProcessFails() throws Exception {
        Path p = file("locked.csv");
        Process holder = new ProcessBuilder("flock", "--exclusive", p.toString(), "sleep", "60").start();
        try {
            awaitLockListed(FileIdentity.of(p, "locked.csv"));

            String problem = new ClaimCheck().problem(p, FileIdentity.of(p, "locked.csv"));

            assertThat(problem).contains("write lock").contains("FLOCK").contains("pid " + holder.pid());
        } finally {
            // The lock is shared with flock's child, sleep, which inherited the descriptor.
            java.util.List<ProcessHandle> children = holder.descendants().toList();
            children.forEach(ProcessHandle::destroy);
            holder.destroy();
            holder.waitFor(10, TimeUnit.SECONDS);
            for (ProcessHandle child : children) {
                child.onExit().get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(new ClaimCheck().problem(p, FileIdentity.of(p, "locked.csv"))).as("after the lock is released").isNull();
    }

    @Test
    void posixWriteLockInTableFails() throws IOException {
        Path p = file("b.csv");
        FileIdentity id = FileIdentity.of(p, "b.csv");
        String device = lockTableDevice(id);
        Path table = folder.resolve("locks");
        Files.writeString(table, "1: POSIX  ADVISORY  READ  7 " + device + " 0 EOF\n"
                + "2: -> POSIX  ADVISORY  WRITE 8 " + device + " 0 EOF\n"
                + "3: POSIX  ADVISORY  WRITE 9 " + device + " 0 EOF\n");

        assertThat(new ClaimCheck(table).problem(p, id)).contains("pid 9, POSIX");
    }

    @Test
    void readLocksAndWaitersPass() throws IOException {
        Path p = file("c.csv");
        FileIdentity id = FileIdentity.of(p, "c.csv");
        String device = lockTableDevice(id);
        Path table = folder.resolve("locks");
        Files.writeString(table, "1: FLOCK  ADVISORY  READ  7 " + device + " 0 EOF\n"
                + "2: -> FLOCK  ADVISORY  WRITE 8 " + device + " 0 EOF\n"
                + "3: FLOCK  ADVISORY  WRITE 9 00:01:" + id.inode() + " 0 EOF\n");

        assertThat(new ClaimCheck(table).problem(p, id)).isNull();
    }

    @Test
    void deviceNumbersSplitAsGlibcDoes() {
        // makedev(259, 65537) in glibc's encoding.
        long dev = ((259L & 0xfffL) << 8) | ((259L & ~0xfffL) << 32) | (65537L & 0xffL) | ((65537L & ~0xffL) << 12);

        assertThat(ClaimCheck.major(dev)).isEqualTo(259);
        assertThat(ClaimCheck.minor(dev)).isEqualTo(65537);
    }

    /** Returns how /proc/locks names the file: "MAJOR:MINOR:INODE", the numbers of the device in hex. */
    private static String lockTableDevice(FileIdentity id) {
        return String.format("%02x:%02x:%d", ClaimCheck.major(id.device()), ClaimCheck.minor(id.device()), id.inode());
    }

    private static void awaitLockListed(FileIdentity id) throws IOException, InterruptedException {
        String device = lockTableDevice(id);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.readString(Path.of("/proc/locks")).contains(device)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("flock did not take its lock on " + id.relPath() + " within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
