package io.baton.core.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.journal.OperatorActions.Actor;
import io.baton.core.journal.OperatorActions.Entry;
import io.baton.core.journal.OperatorActions.Outcome;
import io.baton.core.journal.OperatorActions.Query;
import io.baton.core.journal.OperatorActions.Row;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail of management actions on a real SQLite journal: recording, filters, migration and switch-over rows. */
class AuditTrailTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Actor TOKEN = new Actor("api-token", "127.0.0.1");
    private static final Actor ANONYMOUS = new Actor("anonymous", "127.0.0.2");

    @TempDir
    Path temp;

    private Path file() {
        return temp.resolve("journal.db");
    }

    private Journal open(long epoch, String nodeId, Takeover takeover) {
        return Journal.openAndTakeGuard(file(), epoch, nodeId, false, 5_000, e -> { }, takeover);
    }

    private Journal open() {
        return open(1, "node-a", Takeover.of(RoleChangeCause.FIRST_START, T0, "first"));
    }

    private static Row row(Instant at, Actor actor, String action, String service, Integer version, Outcome outcome, Integer status) {
        return new Row(at, actor, "node-a", action, service, version, null, null, null, outcome, status, "detail of " + action);
    }

    @Test
    void managementActionsStoredWithEveryField() {
        try (Journal journal = open()) {
            journal.call(c -> OperatorActions.record(c, new Row(T0, TOKEN, "node-a", "switch-over", null, null, null, null, "node-b",
                    Outcome.FAILED, 409, "node-b did not take epoch 2")));
            journal.call(c -> OperatorActions.record(c, row(T0.plusSeconds(1), TOKEN, "deploy", "orders", 3, Outcome.DONE, 201)));

            List<Entry> entries = journal.call(c -> OperatorActions.find(c, new Query(null, null, null, null, 10)));

            assertThat(entries).extracting(Entry::action).containsExactly("deploy", "switch-over");
            Entry deploy = entries.get(0);
            assertThat(deploy.service()).isEqualTo("orders");
            assertThat(deploy.version()).isEqualTo(3);
            assertThat(deploy.status()).isEqualTo(201);
            assertThat(deploy.itemId()).isNull();
            Entry switchOver = entries.get(1);
            assertThat(switchOver.target()).isEqualTo("node-b");
            assertThat(switchOver.outcome()).isEqualTo("failed");
            assertThat(switchOver.version()).as("version of an action on no service").isNull();
            assertThat(switchOver.actor()).isEqualTo("api-token");
            assertThat(switchOver.remoteAddress()).isEqualTo("127.0.0.1");
            assertThat(switchOver.at()).isEqualTo(T0.toString());
        }
    }

    @Test
    void queryFiltersCombineNewestFirst() {
        try (Journal journal = open()) {
            journal.call(c -> OperatorActions.record(c, row(T0, TOKEN, "start", "orders", null, Outcome.DONE, 200)));
            journal.call(c -> OperatorActions.record(c, row(T0.plusSeconds(10), TOKEN, "start", "billing", null, Outcome.REFUSED, 404)));
            journal.call(c -> OperatorActions.record(c, row(T0.plusSeconds(20), ANONYMOUS, "stop", "orders", null, Outcome.REFUSED, 401)));
            journal.call(c -> OperatorActions.record(c, row(T0.plusSeconds(30), TOKEN, "retry", "orders", null, Outcome.DONE, null)));

            List<String> orders = actions(journal, new Query("orders", null, null, null, 10));
            List<String> starts = services(journal, new Query(null, List.of("start"), null, null, 10));
            List<String> refused = actions(journal, new Query(null, null, Outcome.REFUSED, null, 10));
            List<String> since = actions(journal, new Query(null, null, null, T0.plusSeconds(20), 10));
            List<String> refusedOrders = actions(journal, new Query("orders", null, Outcome.REFUSED, null, 10));
            List<String> itemActions = actions(journal, new Query(null, List.of("retry", "release", "reprocess"), null, null, 10));
            List<String> newest = actions(journal, new Query(null, null, null, null, 1));

            assertThat(orders).as("one service").containsExactly("retry", "stop", "start");
            assertThat(starts).as("one action").containsExactly("billing", "orders");
            assertThat(refused).as("one outcome").containsExactly("stop", "start");
            assertThat(since).as("since, inclusive").containsExactly("retry", "stop");
            assertThat(refusedOrders).as("service and outcome").containsExactly("stop");
            assertThat(itemActions).as("item actions").containsExactly("retry");
            assertThat(newest).as("limit").containsExactly("retry");
        }
    }

    private static List<String> actions(Journal journal, Query query) {
        return journal.call(c -> OperatorActions.find(c, query)).stream().map(Entry::action).toList();
    }

    private static List<String> services(Journal journal, Query query) {
        return journal.call(c -> OperatorActions.find(c, query)).stream().map(Entry::service).toList();
    }

    @Test
    void versionTwoRowsKeptByMigration() throws SQLException {
        open().close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = c.createStatement()) {
            SchemaDowngrade.toVersionTwo(s);
            s.executeUpdate("INSERT INTO operator_actions (at, actor, remote_address, node_id, action, service, item_id, outcome, detail)"
                    + " VALUES ('" + T0 + "', 'api-token', '127.0.0.1', 'node-a', 'retry', 'orders', 7, 'done', 'moved back')");
        }

        try (Journal journal = open(2, "node-a", Takeover.of(RoleChangeCause.FIRST_START, T0, "again"))) {
            List<Entry> entries = journal.call(c -> OperatorActions.find(c, new Query(null, List.of("retry"), null, null, 10)));

            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).itemId()).isEqualTo(7L);
            assertThat(entries.get(0).detail()).isEqualTo("moved back");
            assertThat(entries.get(0).status()).as("status of a version 2 row").isNull();
        }
        assertThat(file().resolveSibling(file().getFileName() + ".v2.bak")).exists();
    }

    @Test
    void switchOverRecordedByTakingNode() {
        Journal a = open();
        a.call(c -> Handovers.offer(c, "node-b", T0, TOKEN));

        Journal b = open(2, "node-b", new Takeover(RoleChangeCause.SWITCHOVER, Instant.now(), 1, null, null, "switch-over test"));
        List<Entry> entries = b.call(c -> OperatorActions.find(c, new Query(null, List.of("switch-over"), null, null, 10)));
        b.close();
        a.abandon();

        assertThat(entries).hasSize(1);
        Entry row = entries.get(0);
        assertThat(row.actor()).isEqualTo("api-token");
        assertThat(row.remoteAddress()).isEqualTo("127.0.0.1");
        assertThat(row.nodeId()).as("node that handed over").isEqualTo("node-a");
        assertThat(row.target()).as("node that took over").isEqualTo("node-b");
        assertThat(row.outcome()).isEqualTo("done");
        assertThat(row.detail()).contains("epoch 1").contains("epoch 2");
    }

    @Test
    void switchOverWithoutCallerRecordsNoRow() {
        Journal a = open();
        a.call(c -> Handovers.offer(c, "node-b", T0));

        Journal b = open(2, "node-b", new Takeover(RoleChangeCause.SWITCHOVER, Instant.now(), 1, null, null, "switch-over test"));
        List<Entry> entries = b.call(c -> OperatorActions.find(c, new Query(null, null, null, null, 10)));
        b.close();
        a.abandon();

        assertThat(entries).isEmpty();
    }
}
