package io.baton.core.settings;

import io.baton.core.config.ServiceDescriptor;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings a service starts with: the descriptor's properties overlaid by its stored settings, with variable
 * references expanded, and its flags. {@link #toString()} leaves out the properties, because they may contain
 * secrets.
 */
public record EffectiveSettings(Map<String, String> properties, boolean autoStart, boolean autoRestart) {

    public EffectiveSettings {
        properties = java.util.Collections.unmodifiableMap(new TreeMap<>(properties));
    }

    /**
     * Resolves the settings of a service.
     *
     * @throws SettingsException naming the service, and each property and variable at fault, with the fix
     */
    public static EffectiveSettings resolve(ServiceDescriptor descriptor, ServiceSettings settings, Map<String, Setting> variables) {
        String service = descriptor.name();
        Map<String, Setting> raw = new TreeMap<>();
        descriptor.properties().forEach((k, v) -> raw.put(k, Setting.plain(v)));
        raw.putAll(settings.properties());

        // Every problem is collected, so that an operator fixes them all before the next start attempt.
        Map<String, String> resolved = new TreeMap<>();
        java.util.List<String> problems = new java.util.ArrayList<>();
        String firstKey = null;
        for (var e : raw.entrySet()) {
            String key = e.getKey();
            String problem = null;
            if (!e.getValue().isSet()) {
                problem = "setting " + key + " is a secret that is not set on this cluster; set it with: baton settings " + service
                        + " --secret " + key;
            } else {
                try {
                    resolved.put(key, VariableReferences.expand(e.getValue().value(), variables));
                } catch (VariableReferences.UnresolvedException x) {
                    problem = "property " + key + ": " + x.getMessage();
                }
            }
            if (problem != null) {
                problems.add(problem);
                firstKey = firstKey == null ? key : firstKey;
            }
        }
        if (!problems.isEmpty()) {
            throw new SettingsException(firstKey, "service " + service + " cannot start: " + String.join("; ", problems));
        }

        return new EffectiveSettings(resolved, settings.autoStartOver(descriptor), settings.autoRestartOver(descriptor));
    }

    @Override
    public String toString() {
        return "EffectiveSettings[" + properties.size() + " properties, autoStart=" + autoStart + ", autoRestart=" + autoRestart + "]";
    }
}
