package io.baton.server.service;

import io.baton.core.DataDirectory;
import io.baton.core.journal.Journal;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * State that the services of an active node share for one epoch: the journal opened for that epoch and the
 * fencing check. A new epoch gets a new context; nothing of an old one is reused.
 *
 * @param mayPublish false once the lease is in doubt or the node was deposed
 */
public record ActiveContext(String nodeId, long epoch, DataDirectory data, Path home, Journal journal,
        BooleanSupplier mayPublish, Clock clock) {
}
