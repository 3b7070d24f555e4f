package io.baton.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The node's meters, in the Prometheus text format. Counters and timers live as long as the node
 * process, so they start at zero when it starts, as Prometheus expects of a restarted target. Every meter
 * carries the node id as the tag {@code node}.
 */
public final class NodeMetrics {

    /** A service's values as the meters read them at a scrape. */
    public record ServiceSample(String service, boolean running, int filesWaiting, int workerRestarts) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer leaseRenewal;
    private final Timer journalCommit;
    private final MultiGauge servicesRunning;
    private final MultiGauge filesWaiting;
    /** The restart count each service's runtime reported at the last scrape; a new epoch's runtime starts again at 0. */
    private final Map<String, Integer> restartsSeen = new ConcurrentHashMap<>();
    private volatile Supplier<Collection<ServiceSample>> services = java.util.List::of;

    public NodeMetrics(String nodeId) {
        registry.config().commonTags("node", nodeId);
        leaseRenewal = Timer.builder("baton.lease.renewal").description("Time of one lease renewal on the data directory")
                .register(registry);
        journalCommit = Timer.builder("baton.journal.commit").description("Time of one journal transaction, from BEGIN to COMMIT")
                .register(registry);
        servicesRunning = MultiGauge.builder("baton.service.running").description("1 for a service that runs on this node, 0 otherwise")
                .register(registry);
        filesWaiting = MultiGauge.builder("baton.service.files.waiting").description("Files seen at the last poll that are not ready yet")
                .register(registry);
    }

    /**
     * Registers the node's role and epoch, read when scraped.
     *
     * @param active 1 while the node is active, 0 otherwise
     * @param epoch the epoch the node holds, 0 while passive
     */
    public void bindNode(DoubleSupplier active, DoubleSupplier epoch) {
        Gauge.builder("baton.node.active", active::getAsDouble).description("1 while this node is the active node, 0 otherwise")
                .register(registry);
        Gauge.builder("baton.node.epoch", epoch::getAsDouble).description("Epoch this node holds, 0 while passive").register(registry);
    }

    /** Sets where the per-service gauges are read from when scraped: the services of the active epoch, or none. */
    public void bindServices(Supplier<Collection<ServiceSample>> services) {
        this.services = services;
    }

    /**
     * Counts a finished run: the run by its end state, its work items by outcome, its bytes, and its
     * duration.
     */
    public void runEnded(String service, String state, long committed, long failed, long quarantined, long bytesIn, long bytesOut,
            Duration duration) {
        Counter.builder("baton.runs").description("Runs that ended, by end state").tags("service", service, "state", state)
                .register(registry).increment();
        items(service, "committed").increment(committed);
        items(service, "failed").increment(failed);
        items(service, "quarantined").increment(quarantined);
        bytes(service, "in").increment(bytesIn);
        bytes(service, "out").increment(bytesOut);
        Timer.builder("baton.run.duration").description("Duration of the runs that ended").tags("service", service)
                .register(registry).record(duration);
    }

    private Counter items(String service, String outcome) {
        return Counter.builder("baton.work.items").description("Work items that ended a run, by outcome")
                .tags("service", service, "outcome", outcome).register(registry);
    }

    private Counter bytes(String service, String direction) {
        return Counter.builder("baton.bytes").baseUnit("bytes").description("Bytes of the inputs read and outputs written by committed items")
                .tags("service", service, "direction", direction).register(registry);
    }

    /** Adds the restarts a service's runtime made since the last scrape, so that the counter never goes down. */
    private void countRestarts(String service, int restarts) {
        Integer seen = restartsSeen.put(service, restarts);
        int added = seen == null || restarts < seen ? restarts : restarts - seen;
        Counter.builder("baton.worker.restarts").description("Automatic restarts of a service's worker").tags("service", service)
                .register(registry).increment(added);
    }

    public void leaseRenewed(long nanos) {
        leaseRenewal.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void journalCommitted(long nanos) {
        journalCommit.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Returns the meters in the Prometheus text format, with the per-service gauges read now. */
    public synchronized String scrape() {
        Collection<ServiceSample> samples = services.get();
        servicesRunning.register(samples.stream().map(s -> MultiGauge.Row.of(Tags.of("service", s.service()), s.running() ? 1 : 0)).toList(),
                true);
        filesWaiting.register(samples.stream().map(s -> MultiGauge.Row.of(Tags.of("service", s.service()), s.filesWaiting())).toList(), true);
        for (ServiceSample s : samples) {
            countRestarts(s.service(), s.workerRestarts());
        }
        return registry.scrape();
    }
}
