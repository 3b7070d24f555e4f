package io.baton.core.journal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The journal's tables and its schema version. Migrations are forward-only; a node never opens a
 * journal whose version is newer than {@link #VERSION}, so an old node stays passive during a
 * rolling update instead of writing rows it does not understand.
 */
final class JournalSchema {

    /** Schema version this build writes and understands. */
    static final int VERSION = 3;

    /** Tables of version 1. */
    private static final String[] CREATE = {
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        // The epoch guard: one row, the truth about which node is active.
        "CREATE TABLE guard (id INTEGER PRIMARY KEY CHECK (id = 1), epoch INTEGER NOT NULL, node_id TEXT NOT NULL,"
            + " since TEXT NOT NULL)",
        "CREATE TABLE runs (id INTEGER PRIMARY KEY, service TEXT NOT NULL, epoch INTEGER NOT NULL, node_id TEXT NOT NULL,"
            + " trigger TEXT NOT NULL, state TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT,"
            + " items_committed INTEGER NOT NULL DEFAULT 0, items_failed INTEGER NOT NULL DEFAULT 0,"
            + " items_quarantined INTEGER NOT NULL DEFAULT 0, records INTEGER NOT NULL DEFAULT 0,"
            + " bytes_in INTEGER NOT NULL DEFAULT 0, bytes_out INTEGER NOT NULL DEFAULT 0, reason TEXT)",
        "CREATE INDEX runs_by_service ON runs (service, id)",
        // One row per delivered file; retries of the same file reuse the row.
        "CREATE TABLE items (id INTEGER PRIMARY KEY, service TEXT NOT NULL, run_id INTEGER NOT NULL,"
            + " epoch INTEGER NOT NULL, rel_path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
            + " dev INTEGER NOT NULL, ino INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, item_key TEXT NOT NULL,"
            + " state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL DEFAULT 0,"
            + " records INTEGER NOT NULL DEFAULT 0, bytes_out INTEGER NOT NULL DEFAULT 0, error TEXT,"
            + " claimed_at TEXT NOT NULL, finished_at TEXT)",
        "CREATE INDEX items_by_path ON items (service, rel_path)",
        "CREATE INDEX items_by_run ON items (run_id)",
        "CREATE INDEX items_by_state ON items (state)",
        // The publish actions a commit records, replayed sub-step by sub-step after a crash.
        "CREATE TABLE actions (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
            + " kind TEXT NOT NULL, source_path TEXT NOT NULL, target_path TEXT NOT NULL, dev INTEGER NOT NULL,"
            + " ino INTEGER NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, detail TEXT,"
            + " UNIQUE (item_id, seq))",
        "CREATE INDEX actions_open ON actions (state) WHERE state NOT IN ('DONE', 'SKIPPED')",
    };

    /**
     * Version 2: schedule slots, operator actions, the hand-over columns of the guard and the role
     * changes (see {@link RoleChanges} and {@link Handovers}). A slot's key is the service and the slot's instant
     * in epoch milliseconds, so that no node, whatever its clock, can record (and run) a slot twice.
     */
    private static final String[] V2 = {
        // When a failed publish action may be tried again, in epoch milliseconds; 0 for at once.
        "ALTER TABLE actions ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0",
        "CREATE TABLE schedule_slots (service TEXT NOT NULL, slot_at INTEGER NOT NULL, slot_text TEXT NOT NULL,"
            + " outcome TEXT NOT NULL, run_id INTEGER, node_id TEXT NOT NULL, epoch INTEGER NOT NULL,"
            + " recorded_at TEXT NOT NULL, detail TEXT, PRIMARY KEY (service, slot_at))",
        // One row per work item an operator acted on (or tried to), and one for a filter that matched nothing.
        "CREATE TABLE operator_actions (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
            + " remote_address TEXT, node_id TEXT NOT NULL, action TEXT NOT NULL, service TEXT, item_id INTEGER,"
            + " filter TEXT, outcome TEXT NOT NULL, detail TEXT)",
        "CREATE INDEX operator_actions_by_item ON operator_actions (item_id)",
        "CREATE INDEX operator_actions_by_service ON operator_actions (service, id)",
        // A switch-over in progress: the holder hands its epoch to handover_to (a node id, or '*' for any node).
        "ALTER TABLE guard ADD COLUMN handover_to TEXT",
        "ALTER TABLE guard ADD COLUMN handover_at TEXT",
        "CREATE TABLE role_changes (epoch INTEGER PRIMARY KEY, node_id TEXT NOT NULL, previous_node TEXT,"
            + " cause TEXT NOT NULL, started_at TEXT NOT NULL, completed_at TEXT NOT NULL, actor TEXT, detail TEXT)",
    };

    /**
     * Version 3: {@code operator_actions} becomes the audit trail of every management call, not only of
     * the actions on work items (rows of version 2 stay as they are, with null in the new columns); and the
     * lineage of inputs: {@code items.sha256} is the input's SHA-256 as the worker read it (null for items
     * processed before this version and for inputs that no worker read), and {@code item_attempts} keeps
     * every attempt at an item, where {@code items} keeps only the latest (see {@link ItemAttempts}).
     */
    private static final String[] V3 = {
        // The service version a deploy created or a rollback deployed.
        "ALTER TABLE operator_actions ADD COLUMN version INTEGER",
        // What a call acted on when it is not a service or an item, such as the node of a switch-over.
        "ALTER TABLE operator_actions ADD COLUMN target TEXT",
        // The HTTP status of the API call, or null for rows written outside an API call.
        "ALTER TABLE operator_actions ADD COLUMN status INTEGER",
        "CREATE INDEX operator_actions_by_action ON operator_actions (action, id)",
        // Who requested a hand-over in progress, so that the node taking the epoch can record the switch-over.
        "ALTER TABLE guard ADD COLUMN handover_actor TEXT",
        "ALTER TABLE guard ADD COLUMN handover_address TEXT",
        "ALTER TABLE items ADD COLUMN sha256 TEXT",
        "CREATE INDEX items_by_sha256 ON items (sha256) WHERE sha256 IS NOT NULL",
        "CREATE TABLE item_attempts (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL, run_id INTEGER NOT NULL,"
            + " epoch INTEGER NOT NULL, node_id TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT, outcome TEXT, error TEXT)",
        "CREATE INDEX item_attempts_by_item ON item_attempts (item_id, id)",
    };

    /** Steps from each version to the next: {@code STEPS[v - 1]} turns version v into v + 1. */
    private static final String[][] STEPS = {V2, V3};

    private JournalSchema() {
    }

    /** Returns the schema version stored in the journal, or 0 for an empty database. */
    static int storedVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet tables = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'")) {
            if (tables.getInt(1) == 0) {
                return 0;
            }
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
            return rs.next() ? Integer.parseInt(rs.getString(1)) : 0;
        }
    }

    /** Creates every table in the current transaction. */
    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String ddl : CREATE) {
                s.execute(ddl);
            }
            s.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '1')");
        }
        upgrade(c, 1);
    }

    /** Brings a journal of version {@code from} to {@link #VERSION} in the current transaction. */
    static void upgrade(Connection c, int from) throws SQLException {
        try (Statement s = c.createStatement()) {
            applySteps(s, from, VERSION);
            s.execute("UPDATE meta SET value = '" + VERSION + "' WHERE key = 'schema_version'");
        }
    }

    /**
     * Returns the columns of each table that a journal of {@code version} has, read from a scratch in-memory
     * database built by the same statements as a real journal, so that the list cannot drift from them.
     */
    static Map<String, Set<String>> expectedColumns(int version) throws SQLException {
        try (Connection scratch = DriverManager.getConnection("jdbc:sqlite::memory:"); Statement s = scratch.createStatement()) {
            for (String ddl : CREATE) {
                s.execute(ddl);
            }
            applySteps(s, 1, version);
            return columns(scratch);
        }
    }

    /** Returns the columns of each table of {@code c}, table and column names in lower case. */
    static Map<String, Set<String>> columns(Connection c) throws SQLException {
        Map<String, Set<String>> columns = new TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet tables = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
            while (tables.next()) {
                columns.put(tables.getString(1).toLowerCase(Locale.ROOT), new TreeSet<>());
            }
        }
        for (Map.Entry<String, Set<String>> table : columns.entrySet()) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(\"" + table.getKey() + "\")")) {
                while (rs.next()) {
                    table.getValue().add(rs.getString("name").toLowerCase(Locale.ROOT));
                }
            }
        }
        return columns;
    }

    private static void applySteps(Statement s, int from, int to) throws SQLException {
        for (int v = from; v < to; v++) {
            for (String ddl : STEPS[v - 1]) {
                s.execute(ddl);
            }
        }
    }
}
