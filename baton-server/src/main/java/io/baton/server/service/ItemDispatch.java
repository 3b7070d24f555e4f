package io.baton.server.service;

import io.baton.core.control.ControlMessage;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Matches the worker's replies to the items a run sent it, and tracks which item the worker is on,
 * so that a worker's death is blamed on that item alone.
 */
final class ItemDispatch {

    private final Map<Long, CompletableFuture<ControlMessage>> pending = new ConcurrentHashMap<>();
    private volatile long currentItem = -1;
    private volatile CompletableFuture<ControlMessage> sync;

    CompletableFuture<ControlMessage> expect(long itemId) {
        CompletableFuture<ControlMessage> f = new CompletableFuture<>();
        pending.put(itemId, f);
        return f;
    }

    /** Registers the wait for the worker's confirmation that the outputs reported done are synced. */
    CompletableFuture<ControlMessage> expectSync() {
        CompletableFuture<ControlMessage> f = new CompletableFuture<>();
        sync = f;
        return f;
    }

    void accept(ControlMessage m) {
        if ("synced".equals(m.type())) {
            CompletableFuture<ControlMessage> f = sync;
            if (f != null) {
                f.complete(m);
            }
            return;
        }
        if ("started".equals(m.type())) {
            currentItem = m.itemId();
            return;
        }
        if (m.itemId() == null) {
            return;
        }
        CompletableFuture<ControlMessage> f = pending.remove(m.itemId());
        if (f != null) {
            f.complete(m);
        }
    }

    long currentItem() {
        return currentItem;
    }

    /** Fails every outstanding item: the worker is gone. */
    void workerGone(RuntimeException reason) {
        for (var e : pending.entrySet()) {
            e.getValue().completeExceptionally(reason);
        }
        pending.clear();
        CompletableFuture<ControlMessage> f = sync;
        if (f != null) {
            f.completeExceptionally(reason);
        }
    }
}
