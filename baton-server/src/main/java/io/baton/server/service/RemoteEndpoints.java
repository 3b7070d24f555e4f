package io.baton.server.service;

import io.baton.core.config.RemoteSpec;
import io.baton.core.config.ServiceDescriptor;
import io.baton.core.config.ServiceDescriptor.TargetSpec;
import io.baton.core.journal.ActionKind;
import io.baton.core.journal.WorkItems.ActionRecord;
import io.baton.core.publish.RemoteActions;
import io.baton.core.source.FileIdentity;
import io.baton.transport.RemoteConnection;
import io.baton.transport.RemoteSource;
import io.baton.transport.RemoteTarget;
import io.baton.transport.TransportException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Carries out the remote publish actions of one run, or of one replay, with the connection settings of
 * each action's service. Connections are opened on first use, reused for every later action on the same
 * server and folder, and closed by {@link #close()}.
 *
 * <p>Once a server failed after its connection's retries, the later actions on it fail at once with the
 * same reason until {@link #close()}: a recovery with a hundred open uploads to a server that is down
 * must not spend a hundred retry sequences before the services start.
 */
final class RemoteEndpoints implements RemoteActions {

    private final ActiveContext ctx;
    private final DeployedDescriptors descriptors;
    private final Map<RemoteSpec, RemoteConnection> connections = new LinkedHashMap<>();
    private final Map<RemoteSpec, String> failed = new LinkedHashMap<>();

    RemoteEndpoints(ActiveContext ctx, DeployedDescriptors descriptors) {
        this.ctx = ctx;
        this.descriptors = descriptors;
    }

    /** Returns the connection to a service's remote folder, opened on first use and shared with the run's listing and downloads. */
    RemoteConnection connection(String service, RemoteSpec spec) throws IOException {
        RemoteConnection existing = connections.get(spec);
        if (existing != null) {
            return existing;
        }
        RemoteConnection created = RemoteClients.connect(spec, "service " + service + " on node " + ctx.nodeId());
        connections.put(spec, created);
        return created;
    }

    @Override
    public void deliver(ActionRecord a, long committedEpoch, UploadRecorder recorder) throws IOException {
        RemoteLocation target = RemoteLocation.parse(a.targetPath());
        RemoteSpec spec = targetSpec(a.service(), target);
        // The inode field is 1 once the upload is recorded, and the device field then contains the epoch that uploaded it.
        long uploadedEpoch = a.inode() == 1 ? a.device() : 0;
        RemoteTarget remoteTarget = new RemoteTarget(usable(a.service(), spec));
        // A replay at takeover runs outside any service's run, so the transport's log lines get the service here.
        String runService = MDC.get("service");
        MDC.put("service", a.service());
        try {
            remoteTarget.deliver(a.id(), uploadedEpoch, ctx.epoch(), Path.of(a.sourcePath()), target.name(), recorder::uploaded);
            remoteTarget.removeEarlierUploads(a.id(), committedEpoch, ctx.epoch());
        } catch (TransportException e) {
            remember(spec, e);
            throw e;
        } finally {
            if (runService == null) {
                MDC.remove("service");
            } else {
                MDC.put("service", runService);
            }
        }
    }

    /** Returns the connection to a server, or fails at once when the server already failed in this round. */
    private RemoteConnection usable(String service, RemoteSpec spec) throws IOException {
        String earlier = failed.get(spec);
        if (earlier != null) {
            throw new IOException("not tried: " + spec.server() + " failed earlier in this round (" + earlier + "); the next run tries again");
        }
        return connection(service, spec);
    }

    /** Remembers a server whose connection failed after its retries; a fault of one file (an existing target) is not remembered. */
    private void remember(RemoteSpec spec, TransportException e) {
        if (e.transientFault()) {
            failed.put(spec, e.getMessage());
        }
    }

    @Override
    public String dispose(ActionRecord a, FileIdentity claimed) throws IOException {
        ServiceDescriptor d = descriptors.get(a.service());
        RemoteSpec spec = d.source().remote();
        RemoteLocation input = RemoteLocation.parse(a.sourcePath());
        if (spec == null || !input.inFolderOf(spec)) {
            throw new IOException("the source of service " + a.service() + " is no longer " + input.server() + input.folder()
                    + ", so input " + input + " is left in place; dispose of it by hand, then run 'baton retry' on the work item");
        }
        RemoteSource source = new RemoteSource(a.service(), d.source(), usable(a.service(), spec));
        boolean delete = a.kind() == ActionKind.DELETE_REMOTE_INPUT;
        try {
            if (delete) {
                return source.delete(claimed);
            }
            RemoteLocation archived = RemoteLocation.parse(a.targetPath());
            return source.archive(claimed, archived.folder(), archived.name());
        } catch (IOException e) {
            if (e instanceof TransportException t) {
                remember(spec, t);
            }
            // The output is published; only the input's disposition waits, and the known-file rule keeps it from a second run.
            throw new IOException("processed but not " + (delete ? "deleted" : "archived") + " remotely: " + e.getMessage()
                    + "; the next run tries again, and the file is not processed twice", e);
        }
    }

    /** Finds the target of the action's service that writes into the recorded folder. */
    private RemoteSpec targetSpec(String service, RemoteLocation target) throws IOException {
        for (TargetSpec t : descriptors.get(service).targets()) {
            if (t.remote() != null && target.inFolderOf(t.remote())) {
                return t.remote();
            }
        }
        throw new IOException("service " + service + " no longer has the remote target " + target.server() + target.folder()
                + ", so output " + target.name() + " cannot be delivered; deploy a descriptor with that target again, and"
                + " the next run delivers it, or run 'baton release' on the work item to drop this delivery and process"
                + " its input again");
    }

    @Override
    public void close() {
        connections.values().forEach(RemoteConnection::close);
        connections.clear();
        failed.clear();
    }
}
