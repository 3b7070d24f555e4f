package io.baton.worker;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.core.config.ServiceDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The effective properties the daemon sends on the worker's standard input: the descriptor's properties with
 * the service's settings and the cluster's variables applied. They replace the properties of the descriptor the
 * worker parsed, so that the steps see what the operator set.
 */
final class WorkerProperties {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WorkerProperties() {
    }

    /** Reads one JSON object of string values from {@code in}, up to its end. */
    static Map<String, String> read(InputStream in) throws IOException {
        try {
            return JSON.readValue(in.readAllBytes(), new TypeReference<Map<String, String>>() { });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // The parser's message could quote a value, and values may be secrets.
            throw new IOException("the properties on standard input are not a JSON object of strings; workers are started by the node daemon");
        }
    }

    /**
     * Returns the descriptor with {@code properties} in place of its own.
     *
     * <p>NOTE: a built-in step that rejects a property value, such as the CSV delimiter, quotes the value in the
     * start error, so a secret stored under such a key would appear there. Secrets belong in keys that only the
     * service's own code reads.
     */
    static ServiceDescriptor apply(ServiceDescriptor d, Map<String, String> properties) {
        return new ServiceDescriptor(d.name(), d.description(), d.autoStart(), d.restart(), d.jvm(), d.schedule(), d.source(),
                d.process(), d.targets(), d.onSuccess(), d.onFailure(), Map.copyOf(properties), d.stopGracePeriod(), d.limits());
    }
}
