package io.baton.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockTableTest {

    @TempDir
    Path tmp;

    @Test
    void findsHolderOfLockOnFile() throws Exception {
        Path journal = tmp.resolve("journal.db");
        Files.writeString(journal, "x");
        String device = deviceId(journal);
        Path table = tmp.resolve("locks");
        Files.writeString(table, """
                1: POSIX  ADVISORY  WRITE 4242 %s 0 EOF
                1: -> POSIX  ADVISORY  WRITE 5151 %s 0 EOF
                2: FLOCK  ADVISORY  READ 777 fe:00:1 0 EOF
                3: POSIX  ADVISORY  READ 99 %s 0 EOF
                """.formatted(device, device, device));

        var holders = new LockTable(table).holders(journal, 99);

        assertThat(holders).containsExactly(new LockTable.Holder(4242, "POSIX", "WRITE"));
    }

    @Test
    void missingFileHasNoHolders() throws Exception {
        Path table = tmp.resolve("locks");
        Files.writeString(table, "1: POSIX  ADVISORY  WRITE 4242 fe:00:1 0 EOF\n");

        assertThat(new LockTable(table).holders(tmp.resolve("absent"), 0)).isEmpty();
    }

    private static String deviceId(Path file) throws Exception {
        long dev = (Long) Files.getAttribute(file, "unix:dev");
        long inode = (Long) Files.getAttribute(file, "unix:ino");
        return String.format("%02x:%02x:%d", io.baton.core.source.ClaimCheck.major(dev), io.baton.core.source.ClaimCheck.minor(dev), inode);
    }
}
