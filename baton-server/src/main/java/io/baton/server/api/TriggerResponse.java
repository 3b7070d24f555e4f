package io.baton.server.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The response to {@code POST /api/services/{name}/trigger}: the started run's id when known, and a message. */
final class TriggerResponse {

    /**
     * Maximum wait for the run's id. A manual run records itself in its first journal transaction, before it
     * claims anything, so only a busy journal delays it.
     */
    static final Duration RUN_ID_WAIT = Duration.ofSeconds(5);

    private TriggerResponse() {
    }

    /** Returns the response body; {@code runId} is 0 when the run's id was not known within {@link #RUN_ID_WAIT}. */
    static Map<String, Object> of(String service, long runId) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (runId > 0) {
            body.put("runId", runId);
            body.put("message", "run " + runId + " of service " + service + " started; see baton run " + runId);
        } else {
            body.put("runId", null);
            body.put("message", "a run of service " + service + " started, but its run id is not recorded yet; see baton runs " + service);
        }
        return body;
    }
}
