package io.baton.core.journal;

import java.sql.SQLException;
import java.sql.Statement;

/** Turns a current journal back into an earlier schema version, so that a test can migrate it forward. */
final class SchemaDowngrade {

    private SchemaDowngrade() {
    }

    /** Drops every object of version 3 and marks the journal as version 2. */
    static void toVersionTwo(Statement s) throws SQLException {
        s.executeUpdate("DROP INDEX operator_actions_by_action");
        for (String column : new String[] {"version", "target", "status"}) {
            s.executeUpdate("ALTER TABLE operator_actions DROP COLUMN " + column);
        }
        s.executeUpdate("ALTER TABLE guard DROP COLUMN handover_actor");
        s.executeUpdate("ALTER TABLE guard DROP COLUMN handover_address");
        s.executeUpdate("DROP TABLE item_attempts");
        s.executeUpdate("DROP INDEX items_by_sha256");
        s.executeUpdate("ALTER TABLE items DROP COLUMN sha256");
        s.executeUpdate("UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    }
}
