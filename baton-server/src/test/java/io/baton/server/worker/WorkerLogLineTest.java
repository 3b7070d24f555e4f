package io.baton.server.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class WorkerLogLineTest {

    @Test
    void keepsWorkerLevel() {
        WorkerLogLine warn = WorkerLogLine.parse("WARN [main] RateCheck - rate jumped by 30%", null);
        WorkerLogLine error = WorkerLogLine.parse("ERROR [main] Pipeline - step failed", Level.INFO);

        assertThat(warn.level()).isEqualTo(Level.WARN);
        assertThat(warn.text()).isEqualTo("[main] RateCheck - rate jumped by 30%");
        assertThat(error.level()).isEqualTo(Level.ERROR);
    }

    @Test
    void stackTraceKeepsEventLevel() {
        assertThat(WorkerLogLine.parse("\tat com.example.RateCheck.process(RateCheck.java:12)", Level.ERROR).level())
                .isEqualTo(Level.ERROR);
        assertThat(WorkerLogLine.parse("Caused by: java.io.IOException: disk", Level.WARN).level()).isEqualTo(Level.WARN);
    }

    @Test
    void plainOutputIsInfo() {
        WorkerLogLine printed = WorkerLogLine.parse("WARNING from System.err", Level.ERROR);

        assertThat(printed.level()).isEqualTo(Level.INFO);
        assertThat(printed.text()).isEqualTo("WARNING from System.err");
    }
}
