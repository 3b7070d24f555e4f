package io.baton.core.doctor;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The child process of {@link LockExclusionCheck}. It takes, in a folder, the three kinds of exclusion
 * the journal and the epochs rely on: an exclusive create, SQLite's {@code BEGIN IMMEDIATE} on a
 * rollback-journal database, and a POSIX file lock.
 *
 * <p>{@code hold DIR} takes all three, prints {@code held}, keeps them until its standard input closes,
 * then gives them up and prints {@code released}. {@code try DIR} tries each once without waiting and
 * prints one line per kind: {@code NAME acquired}, {@code NAME excluded} or {@code NAME error MESSAGE}.
 */
public final class LockProbe {

    static final String EXCLUSIVE_CREATE = "exclusive-create";
    static final String SQLITE_BEGIN_IMMEDIATE = "sqlite-begin-immediate";
    static final String FILE_LOCK = "file-lock";

    private LockProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "hold" -> hold(dir);
            case "try" -> tryAll(dir);
            default -> throw new IllegalArgumentException("usage: LockProbe hold|try DIR; got " + args[0]);
        }
    }

    private static void hold(Path dir) throws IOException, SQLException {
        Path created = dir.resolve(EXCLUSIVE_CREATE);
        Files.write(created, new byte[0], StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try (Connection db = open(dir); Statement s = db.createStatement();
                FileChannel channel = FileChannel.open(dir.resolve(FILE_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            s.execute("BEGIN IMMEDIATE");
            s.execute("INSERT INTO probe VALUES (1)");
            System.out.println("held");
            System.out.flush();
            // Blocks until the parent closes this process's standard input or kills it.
            while (System.in.read() >= 0) {
                continue;
            }
            s.execute("ROLLBACK");
        } finally {
            Files.deleteIfExists(created);
        }
        System.out.println("released");
    }

    private static void tryAll(Path dir) {
        System.out.println(EXCLUSIVE_CREATE + " " + tryExclusiveCreate(dir));
        System.out.println(SQLITE_BEGIN_IMMEDIATE + " " + tryBeginImmediate(dir));
        System.out.println(FILE_LOCK + " " + tryFileLock(dir));
    }

    private static String tryExclusiveCreate(Path dir) {
        Path created = dir.resolve(EXCLUSIVE_CREATE);
        try {
            Files.write(created, new byte[0], StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.delete(created);
            return "acquired";
        } catch (FileAlreadyExistsException e) {
            return "excluded";
        } catch (IOException e) {
            return "error " + e;
        }
    }

    private static String tryBeginImmediate(Path dir) {
        try (Connection db = open(dir); Statement s = db.createStatement()) {
            s.execute("PRAGMA busy_timeout = 0");
            s.execute("BEGIN IMMEDIATE");
            s.execute("ROLLBACK");
            return "acquired";
        } catch (SQLException e) {
            return e.getMessage() != null && e.getMessage().contains("SQLITE_BUSY") ? "excluded" : "error " + e.getMessage();
        }
    }

    private static String tryFileLock(Path dir) {
        try (FileChannel channel = FileChannel.open(dir.resolve(FILE_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            return lock != null ? "acquired" : "excluded";
        } catch (IOException e) {
            return "error " + e;
        }
    }

    /** Opens the probe database with the journal's settings: rollback journal, normal locking, full sync. */
    private static Connection open(Path dir) throws SQLException {
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("probe.db"));
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA journal_mode = DELETE");
            s.execute("PRAGMA synchronous = FULL");
            s.execute("CREATE TABLE IF NOT EXISTS probe (x INTEGER)");
        }
        return db;
    }
}
