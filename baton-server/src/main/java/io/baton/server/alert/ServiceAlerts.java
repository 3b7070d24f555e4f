package io.baton.server.alert;

import io.baton.core.journal.RunState;
import java.time.Clock;

/**
 * The alerts that the services of the active node raise and resolve, one call per source. A run that ends
 * with failures raises {@code run-failed}; a run that ends cleanly resolves it and {@code file-quarantined},
 * because the service works again. A worker that died raises {@code worker-died} until a new worker is ready.
 */
public final class ServiceAlerts {

    private final AlertEngine engine;
    private final String node;
    private final Clock clock;

    public ServiceAlerts(AlertEngine engine, String node, Clock clock) {
        this.engine = engine;
        this.node = node;
        this.clock = clock;
    }

    /** Creates an instance that only logs, for tools and tests that run services without a node. */
    public static ServiceAlerts logOnly(String node) {
        return new ServiceAlerts(AlertEngine.logOnly(), node, Clock.systemUTC());
    }

    public void runEnded(String service, long run, RunState state, long failed, long quarantined, String reason) {
        boolean clean = state == RunState.SUCCEEDED && failed == 0 && quarantined == 0;
        if (clean) {
            engine.resolve(Alert.key(AlertKind.RUN_FAILED, service), "run " + run + " of service " + service + " succeeded");
            engine.resolve(Alert.key(AlertKind.FILE_QUARANTINED, service), "run " + run + " of service " + service
                    + " succeeded without quarantining a file");
            return;
        }
        if (state == RunState.FAILED || state == RunState.UNKNOWN) {
            engine.raise(Alert.ofService(AlertKind.RUN_FAILED, service, node, run, "run " + run + " of service " + service + " failed: "
                    + reason, clock.instant()));
        }
    }

    public void fileQuarantined(String service, long run, String file, String error) {
        String cause = error == null ? "" : error.strip().replaceAll("[.;]+$", "");
        engine.raise(Alert.ofService(AlertKind.FILE_QUARANTINED, service, node, run, file + " was quarantined in run " + run + ": " + cause
                + ". Fix the cause, then process it again with: baton retry --service " + service + " --state QUARANTINED"
                + " (baton run " + run + " lists its item id)", clock.instant()));
    }

    public void workerDied(String service, String why) {
        engine.raise(Alert.ofService(AlertKind.WORKER_DIED, service, node, 0, "the worker of service " + service + " died: " + why,
                clock.instant()));
    }

    /** Resolves {@code worker-died} once a new worker is ready, whether restarted automatically or started by an operator. */
    public void workerStarted(String service, long pid) {
        engine.resolve(Alert.key(AlertKind.WORKER_DIED, service), "a new worker of service " + service + " is ready (pid " + pid + ")");
    }

    public void scheduleMissed(String service, long missed, String detail) {
        engine.raise(Alert.ofService(AlertKind.SCHEDULE_MISSED, service, node, 0, missed + " schedule slot(s) of service " + service
                + " missed: " + detail, clock.instant()));
    }

    public void runOverLimit(String service, long run, String limit) {
        engine.raise(Alert.ofService(AlertKind.RUN_OVER_LIMIT, service, node, run, "run " + run + " of service " + service
                + " reached its maximum run duration of " + limit + " and is stopped at a commit point", clock.instant()));
    }
}
