package io.baton.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.config.NodeConfig;
import org.junit.jupiter.api.Test;

class WorkerSlotsTest {

    /** Creates a service known only by its name, which is all that the slots read. */
    private static ServiceRuntime service(String name) {
        return new ServiceRuntime(name, null, "not deployed in this test", null, null, null, null, null);
    }

    @Test
    void capOfOneMakesSecondWait() {
        WorkerSlots slots = new WorkerSlots(1);
        ServiceRuntime a = service("a");
        ServiceRuntime b = service("b");

        assertThat(slots.acquireOrWait(a)).as("a").isTrue();
        assertThat(slots.acquireOrWait(b)).as("b").isFalse();
        assertThat(slots.waitReason("b")).isEqualTo("waiting for a worker slot: 1 of 1 in use (a); 1st of 1 in line");
        assertThat(slots.usage()).isEqualTo(new WorkerSlots.Usage(1, java.util.List.of("a"), java.util.List.of("b")));
    }

    @Test
    void acquireIsIdempotent() {
        WorkerSlots slots = new WorkerSlots(1);
        ServiceRuntime a = service("a");
        ServiceRuntime b = service("b");

        slots.acquireOrWait(a);
        slots.acquireOrWait(b);
        slots.acquireOrWait(b);

        assertThat(slots.acquireOrWait(a)).as("a again").isTrue();
        assertThat(slots.usage().waiting()).as("line").containsExactly("b");
    }

    @Test
    void releaseHandsSlotToFirstInLine() {
        WorkerSlots slots = new WorkerSlots(1);
        ServiceRuntime a = service("a");
        ServiceRuntime b = service("b");
        ServiceRuntime c = service("c");
        slots.acquireOrWait(a);
        slots.acquireOrWait(b);
        slots.acquireOrWait(c);

        ServiceRuntime next = slots.release("a");

        assertThat(next).as("next").isSameAs(b);
        assertThat(slots.usage().inUse()).as("in use").containsExactly("b");
        assertThat(slots.acquireOrWait(b)).as("b holds the reserved slot").isTrue();
        assertThat(slots.acquireOrWait(a)).as("a comes back behind c").isFalse();
        assertThat(slots.waitReason("a")).endsWith("2nd of 2 in line");
    }

    @Test
    void leavingLineHandsNothingOn() {
        WorkerSlots slots = new WorkerSlots(1);
        slots.acquireOrWait(service("a"));
        slots.acquireOrWait(service("b"));

        assertThat(slots.release("b")).isNull();
        assertThat(slots.usage().waiting()).isEmpty();
        assertThat(slots.usage().inUse()).containsExactly("a");
    }

    @Test
    void closedSlotsHandNothingOn() {
        WorkerSlots slots = new WorkerSlots(1);
        slots.acquireOrWait(service("a"));
        slots.acquireOrWait(service("b"));
        slots.close();

        assertThat(slots.release("a")).isNull();
        assertThat(slots.usage().inUse()).isEmpty();
    }

    @Test
    void noCapNeverWaits() {
        WorkerSlots slots = new WorkerSlots(NodeConfig.NO_WORKER_CAP);
        for (int i = 0; i < 100; i++) {
            assertThat(slots.acquireOrWait(service("s" + i))).as("service " + i).isTrue();
        }
        assertThat(slots.usage().max()).isNull();
    }
}
