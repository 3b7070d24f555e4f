package io.baton.core.settings;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One stored value: a per-service setting or a cluster-wide variable. A secret's value is write-only:
 * {@link #view()} and {@link #toString()} never contain it. A secret with a null value is required but not set
 * on this cluster, as after the deploy of an exported archive, and stops the service from starting.
 */
public record Setting(String value, boolean secret) {

    /** The text that exports and listings show in place of a secret's value. */
    public static final String MASK = "********";

    public static Setting plain(String value) {
        return new Setting(value, false);
    }

    public static Setting secret(String value) {
        return new Setting(value, true);
    }

    /** Returns whether a value is stored; false only for a required secret that was never set here. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isSet() {
        return value != null;
    }

    /** Returns the API view: {@code {"value": ...}} for a plain setting, {@code {"secret": true, "set": ...}} for a secret. */
    public Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (secret) {
            m.put("secret", true);
            m.put("set", isSet());
        } else {
            m.put("value", value);
            m.put("secret", false);
        }
        return m;
    }

    /** Returns the value as an export shows it: a secret's value is replaced by {@link #MASK}. */
    public String exported() {
        return secret ? MASK : value;
    }

    @Override
    public String toString() {
        return secret ? "Setting[secret, set=" + isSet() + "]" : "Setting[value=" + value + "]";
    }
}
