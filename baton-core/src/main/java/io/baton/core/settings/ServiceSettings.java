package io.baton.core.settings;

import io.baton.core.config.ServiceDescriptor;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-service settings that overlay a deployed descriptor: property values, and the {@code autoStart} and
 * {@code restart.automatic} flags. A null flag keeps the descriptor's value.
 */
public record ServiceSettings(Boolean autoStart, Boolean autoRestart, Map<String, Setting> properties) {

    public static final ServiceSettings NONE = new ServiceSettings(null, null, Map.of());

    public ServiceSettings {
        properties = properties == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(properties));
    }

    public ServiceSettings withProperty(String key, Setting value) {
        Map<String, Setting> next = new TreeMap<>(properties);
        next.put(key, value);
        return new ServiceSettings(autoStart, autoRestart, next);
    }

    public ServiceSettings withoutProperty(String key) {
        Map<String, Setting> next = new TreeMap<>(properties);
        next.remove(key);
        return new ServiceSettings(autoStart, autoRestart, next);
    }

    public ServiceSettings withAutoStart(Boolean value) {
        return new ServiceSettings(value, autoRestart, properties);
    }

    public ServiceSettings withAutoRestart(Boolean value) {
        return new ServiceSettings(autoStart, value, properties);
    }

    /** Returns the {@code autoStart} flag: this setting's when set, else the descriptor's. */
    public boolean autoStartOver(ServiceDescriptor d) {
        return autoStart != null ? autoStart : d.autoStart();
    }

    /** Returns the {@code restart.automatic} flag: this setting's when set, else the descriptor's. */
    public boolean autoRestartOver(ServiceDescriptor d) {
        return autoRestart != null ? autoRestart : d.restart().automatic();
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return autoStart == null && autoRestart == null && properties.isEmpty();
    }
}
