package io.baton.server.service;

import io.baton.server.housekeeping.FileTrees;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the worker's outputs of a failed attempt from its item's staging folder. No publish action
 * refers to them, because only a committed item gets publish actions. Left in place they hold their
 * space until the staging collection, so on a full staging disk every retry would fail again on them.
 *
 * <p>A remote input's download stays, because the quarantine action of a remote item copies it from there.
 * NOTE: it stays as well when the item is retried, until the staging collection after the run removes it.
 */
final class FailedAttemptStaging {

    private static final Logger log = LoggerFactory.getLogger(FailedAttemptStaging.class);

    private final String service;
    private final long runId;
    private final String nodeId;

    FailedAttemptStaging(String service, long runId, String nodeId) {
        this.service = service;
        this.runId = runId;
        this.nodeId = nodeId;
    }

    /**
     * Deletes everything in {@code staging} except the entry named {@code download}, and the folder itself
     * when nothing is left. A missing folder is fine. A failure is logged, and the staging collection
     * removes what is left once the run has ended.
     */
    void remove(Path staging, String download) {
        if (!Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }

        long bytes = 0;
        boolean keptDownload = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(staging)) {
            for (Path entry : entries) {
                if (entry.getFileName().toString().equals(download)) {
                    keptDownload = true;
                    continue;
                }
                bytes += FileTrees.delete(entry);
            }
            if (!keptDownload) {
                Files.delete(staging);
            }
        } catch (IOException e) {
            log.warn("Run {} of service {} on node {}: removing the outputs of a failed attempt in {} failed: {}. "
                    + "The staging collection removes them after the run ends", runId, service, nodeId, staging, e.toString());
            return;
        }

        log.info("Run {} of service {} on node {}: removed {} bytes of a failed attempt's outputs in {}{}",
                runId, service, nodeId, bytes, staging, keptDownload ? " (the downloaded input stays for its quarantine)" : "");
    }
}
