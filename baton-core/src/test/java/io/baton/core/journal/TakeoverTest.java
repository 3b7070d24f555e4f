package io.baton.core.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard bump of each kind of takeover, and the role change it records, on a real SQLite journal. */
class TakeoverTest {

    @TempDir
    Path temp;

    private Path file() {
        return temp.resolve("journal.db");
    }

    private Journal open(long epoch, String nodeId, Takeover takeover) {
        return Journal.openAndTakeGuard(file(), epoch, nodeId, false, 5_000, e -> { }, takeover);
    }

    private static Takeover switchover(long fromEpoch) {
        return new Takeover(RoleChangeCause.SWITCHOVER, Instant.now(), fromEpoch, null, null, "switch-over test");
    }

    @Test
    void switchoverTakesOfferedEpoch() {
        Journal a = open(1, "node-a", Takeover.of(RoleChangeCause.FIRST_START, Instant.now(), "first"));
        Instant offeredAt = Instant.now().minusMillis(250);
        a.call(c -> Handovers.offer(c, "node-b", offeredAt));

        Journal b = open(2, "node-b", switchover(1));
        List<RoleChanges.RoleChange> changes = b.call(c -> RoleChanges.recent(c, 10));
        b.close();
        a.abandon();

        assertThat(changes).as("role changes").hasSize(2);
        RoleChanges.RoleChange latest = changes.get(0);
        assertThat(latest.epoch()).isEqualTo(2);
        assertThat(latest.nodeId()).isEqualTo("node-b");
        assertThat(latest.previousNode()).isEqualTo("node-a");
        assertThat(latest.cause()).isEqualTo("switch-over");
        assertThat(latest.startedAt()).as("start of a switch-over: the time of the offer").isEqualTo(offeredAt.toString());
        assertThat(latest.duration()).as("duration").isPositive();
        assertThat(changes.get(1).cause()).isEqualTo("first-start");
        assertThat(changes.get(1).previousNode()).as("previous node of the first start").isNull();
    }

    @Test
    void switchoverToAnyNodeTakesOfferedEpoch() {
        Journal a = open(1, "node-a", Takeover.of(RoleChangeCause.FIRST_START, Instant.now(), "first"));
        a.call(c -> Handovers.offer(c, "*", Instant.now()));

        Journal c = open(2, "node-c", switchover(1));

        assertThat(c.epoch()).isEqualTo(2);
        c.close();
        a.abandon();
    }

    @Test
    void withdrawnHandoverIsRejected() {
        Journal a = open(1, "node-a", Takeover.of(RoleChangeCause.FIRST_START, Instant.now(), "first"));
        a.call(c -> Handovers.offer(c, "node-b", Instant.now()));
        a.call(Handovers::withdraw);

        TakeoverRejectedException e = assertThrows(TakeoverRejectedException.class, () -> open(2, "node-b", switchover(1)));

        assertThat(e.getMessage()).contains("is no longer valid").contains("with no hand-over");
        List<RoleChanges.RoleChange> changes = a.call(c -> RoleChanges.recent(c, 10));
        assertThat(changes).as("role changes after the rejection").hasSize(1);
        a.close();
    }

    @Test
    void handoverToOtherNodeIsRejected() {
        Journal a = open(1, "node-a", Takeover.of(RoleChangeCause.FIRST_START, Instant.now(), "first"));
        a.call(c -> Handovers.offer(c, "node-c", Instant.now()));

        TakeoverRejectedException e = assertThrows(TakeoverRejectedException.class, () -> open(2, "node-b", switchover(1)));

        assertThat(e.getMessage()).contains("handed over to node-c");
        a.close();
    }

    @Test
    void forcedTakeoverChecksHolder() {
        Journal a = open(1, "node-a", Takeover.of(RoleChangeCause.FIRST_START, Instant.now(), "first"));
        Takeover wrongHolder = new Takeover(RoleChangeCause.FORCED_TAKEOVER, Instant.now(), 0, "node-x", "api-token 127.0.0.1", "forced");

        TakeoverRejectedException e = assertThrows(TakeoverRejectedException.class, () -> open(2, "node-b", wrongHolder));
        assertThat(e.getMessage()).isEqualTo("node node-x is not the holder: the guard holds epoch 1 of node node-a");

        Takeover forced = new Takeover(RoleChangeCause.FORCED_TAKEOVER, Instant.now(), 0, "node-a", "api-token 127.0.0.1", "forced");
        Journal b = open(2, "node-b", forced);
        RoleChanges.RoleChange latest = b.call(c -> RoleChanges.recent(c, 1)).get(0);
        b.close();

        assertThat(latest.cause()).isEqualTo("forced-takeover");
        assertThat(latest.actor()).isEqualTo("api-token 127.0.0.1");
        DeposedException deposed = assertThrows(DeposedException.class, () -> a.call(c -> null));
        assertThat(deposed.guardEpoch()).as("guard epoch seen by the deposed holder").isEqualTo(2);
    }

    @Test
    void bumpClearsHandoverOffer() {
        Journal a = open(1, "node-a", Takeover.of(RoleChangeCause.FIRST_START, Instant.now(), "first"));
        a.call(c -> Handovers.offer(c, "node-b", Instant.now()));
        open(2, "node-b", switchover(1)).close();
        a.abandon();

        // A hand-over of epoch 2 was never offered, so a second switch-over from the cleared guard fails.
        assertThrows(TakeoverRejectedException.class, () -> open(3, "node-c", switchover(2)));
    }
}
