package io.baton.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class NodeMetricsTest {

    @Test
    void runsCountedByState() {
        NodeMetrics metrics = new NodeMetrics("n1");

        metrics.runEnded("orders", "SUCCEEDED", 3, 1, 2, 300, 280, Duration.ofMillis(1500));
        metrics.runEnded("orders", "FAILED", 0, 1, 0, 0, 0, Duration.ofMillis(500));
        String text = metrics.scrape();

        assertThat(text).contains("baton_runs_total{node=\"n1\",service=\"orders\",state=\"SUCCEEDED\"} 1.0")
                .contains("baton_runs_total{node=\"n1\",service=\"orders\",state=\"FAILED\"} 1.0")
                .contains("baton_work_items_total{node=\"n1\",outcome=\"failed\",service=\"orders\"} 2.0")
                .contains("baton_bytes_total{direction=\"in\",node=\"n1\",service=\"orders\"} 300.0")
                .contains("baton_run_duration_seconds_sum{node=\"n1\",service=\"orders\"} 2.0");
    }

    @Test
    void restartsStayMonotonic() {
        NodeMetrics metrics = new NodeMetrics("n1");
        AtomicReference<Integer> restarts = new AtomicReference<>(2);
        metrics.bindServices(() -> List.of(new NodeMetrics.ServiceSample("orders", true, 0, restarts.get())));

        metrics.scrape();
        restarts.set(3);
        metrics.scrape();
        // A new epoch's runtime counts from zero again.
        restarts.set(1);
        String text = metrics.scrape();

        assertThat(text).contains("baton_worker_restarts_total{node=\"n1\",service=\"orders\"} 4.0");
    }

    @Test
    void goneServiceLeavesGauges() {
        NodeMetrics metrics = new NodeMetrics("n1");
        AtomicReference<List<NodeMetrics.ServiceSample>> services = new AtomicReference<>(
                List.of(new NodeMetrics.ServiceSample("orders", true, 5, 0)));
        metrics.bindServices(services::get);

        assertThat(metrics.scrape()).contains("baton_service_files_waiting{node=\"n1\",service=\"orders\"} 5.0");
        services.set(List.of());
        assertThat(metrics.scrape()).doesNotContain("baton_service_files_waiting{");
    }
}
