package io.baton.server.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.baton.core.config.ServiceDescriptor;
import io.baton.core.settings.ServiceSettings;
import io.baton.core.settings.Setting;
import io.baton.core.settings.SettingNames;
import io.baton.core.settings.SettingsException;
import io.baton.core.settings.SettingsStore;
import io.baton.core.settings.VariableReferences;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code settings.json} entry of a service archive: the service's settings and the variables its properties
 * refer to, each secret's value replaced by {@link Setting#MASK}. A deploy of the archive adds what the target
 * cluster does not have yet, with each secret as required but not set, and never replaces a stored value.
 */
public record ArchivedSettings(Boolean autoStart, Boolean autoRestart, Map<String, Setting> properties, Map<String, Setting> variables) {

    public static final String ENTRY = "settings.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ArchivedSettings {
        properties = properties == null ? Map.of() : new TreeMap<>(properties);
        variables = variables == null ? Map.of() : new TreeMap<>(variables);
    }

    /** Collects the settings of a service and the variables that its descriptor and settings refer to, masked. */
    static ArchivedSettings of(ServiceDescriptor descriptor, ServiceSettings stored, Map<String, Setting> variables) {
        Set<String> referenced = new TreeSet<>();
        descriptor.properties().values().forEach(v -> referenced.addAll(VariableReferences.referenced(v)));
        stored.properties().values().stream().filter(Setting::isSet).forEach(v -> referenced.addAll(VariableReferences.referenced(v.value())));

        Map<String, Setting> usedVariables = new TreeMap<>();
        for (String name : referenced) {
            Setting v = variables.get(name);
            if (v != null) {
                usedVariables.put(name, masked(v));
            }
        }
        Map<String, Setting> properties = new TreeMap<>();
        stored.properties().forEach((k, v) -> properties.put(k, masked(v)));
        return new ArchivedSettings(stored.autoStart(), stored.autoRestart(), properties, usedVariables);
    }

    private static Setting masked(Setting s) {
        return new Setting(s.secret() ? Setting.MASK : s.value(), s.secret());
    }

    byte[] toJson() throws IOException {
        return JSON.writeValueAsBytes(this);
    }

    /**
     * Parses the entry; every name and plain value is checked as if set through the API.
     *
     * @throws InvalidArchiveException when it is not valid
     */
    static ArchivedSettings parse(byte[] json) {
        ArchivedSettings s;
        try {
            s = JSON.readValue(json, ArchivedSettings.class);
        } catch (IOException e) {
            throw new InvalidArchiveException(ENTRY, ENTRY + " is not valid JSON of settings; export the service again with 'baton export'");
        }
        try {
            s.properties().forEach((k, v) -> check("setting", k, v));
            s.variables().forEach((k, v) -> check("variable", k, v));
        } catch (SettingsException e) {
            throw new InvalidArchiveException(ENTRY, ENTRY + ": " + e.getMessage());
        }
        return s;
    }

    private static void check(String kind, String name, Setting value) {
        SettingNames.checkName(kind, name);
        if (value == null || !value.secret()) {
            SettingNames.checkValue(kind, name, value == null ? null : value.value());
        }
    }

    /**
     * Adds to the store what it does not have yet: plain values as they are, secrets as required and not set, and the
     * flags when the service has none. Returns what must be set before the service can start, as commands.
     */
    List<String> addMissing(String service, SettingsStore store) throws IOException {
        List<String> toSet = new ArrayList<>();
        store.updateService(service, current -> {
            ServiceSettings next = current;
            for (var e : properties.entrySet()) {
                if (!current.properties().containsKey(e.getKey())) {
                    next = next.withProperty(e.getKey(), imported(e.getValue()));
                }
            }
            if (current.autoStart() == null) {
                next = next.withAutoStart(autoStart);
            }
            if (current.autoRestart() == null) {
                next = next.withAutoRestart(autoRestart);
            }
            next.properties().forEach((k, v) -> {
                if (!v.isSet()) {
                    toSet.add("baton settings " + service + " --secret " + k);
                }
            });
            return next;
        });
        Map<String, Setting> defined = store.updateVariables(current -> {
            Map<String, Setting> next = new TreeMap<>(current);
            variables.forEach((name, v) -> next.putIfAbsent(name, imported(v)));
            return next;
        });
        for (String name : variables.keySet()) {
            if (!defined.get(name).isSet()) {
                toSet.add("baton variables --secret " + name);
            }
        }
        return toSet;
    }

    /** A secret from an archive has no value here, whatever the entry contains. */
    private static Setting imported(Setting archived) {
        return archived.secret() ? new Setting(null, true) : archived;
    }
}
