package io.baton.core.journal;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of journal work, run inside a guard-checked transaction on the journal's one connection. */
@FunctionalInterface
public interface JournalWork<T> {

    T run(Connection connection) throws SQLException;
}
