package io.baton.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, validated reads of one YAML mapping. Every failure is a {@link ConfigException} naming the
 * file and the dotted path of the field. Unknown keys are rejected, because a misspelt key that is
 * silently ignored is how a setting ends up never applied.
 */
public final class YamlFields {

    /** Duplicate keys are an error: with "last one wins", one of two settings would be silently lost. */
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String file;
    private final String prefix;
    private final JsonNode node;

    public YamlFields(String file, String prefix, JsonNode node) {
        this.file = file;
        this.prefix = prefix;
        this.node = node;
    }

    /** Parses a YAML document whose top level must be a mapping. */
    public static YamlFields parse(String file, String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw invalidYaml(file, e);
        } catch (java.io.IOException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new ConfigException(file, "(document)", null, "valid YAML (" + reason + ")");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException(file, "(document)", null, "a YAML mapping, but the file is empty");
        }
        if (!root.isObject()) {
            throw new ConfigException(file, "(document)", root.toString(), "a YAML mapping of fields");
        }
        return new YamlFields(file, "", root);
    }

    /** Builds the error for a YAML syntax error, with the line and column where the parser stopped. */
    private static ConfigException invalidYaml(String file, com.fasterxml.jackson.core.JsonProcessingException e) {
        String problem = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage().lines().findFirst().orElse("");
        com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new ConfigException(file, "invalid YAML" + where + ": " + problem
                + "; fix the syntax there (an unclosed bracket or quote, or wrong indentation)", "(document)");
    }

    public String file() {
        return file;
    }

    public String path(String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    public ConfigException error(String key, Object value, String expected) {
        return new ConfigException(file, path(key), value, expected);
    }

    public void rejectUnknown(Set<String> known) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new ConfigException(file, "field '" + path(name) + "' is unknown; expected one of "
                        + known.stream().sorted().toList() + " (check its spelling)", path(name));
            }
        }
    }

    public boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    public String string(String key, String fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isValueNode() || v.isBinary()) {
            throw error(key, v.toString(), "a text value");
        }
        return v.asText();
    }

    public String requiredString(String key, String expected) {
        String v = string(key, null);
        if (v == null || v.isBlank()) {
            throw error(key, null, expected);
        }
        return v;
    }

    public boolean bool(String key, boolean fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (v.getNodeType() != JsonNodeType.BOOLEAN) {
            throw error(key, v.asText(), "true or false");
        }
        return v.booleanValue();
    }

    public int integer(String key, int fallback, int min, int max) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < min || v.intValue() > max) {
            throw error(key, v.asText(), "a whole number from " + min + " to " + max);
        }
        return v.intValue();
    }

    public Duration duration(String key, Duration fallback, Duration min) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        Duration d = Durations.parseOrNull(v.asText());
        if (d == null || !v.isValueNode()) {
            throw error(key, v.asText(), Durations.EXPECTED);
        }
        if (d.compareTo(min) < 0) {
            throw error(key, v.asText(), "at least " + Durations.format(min));
        }
        return d;
    }

    /** Returns a nested mapping, or an empty one when the key is absent. */
    public YamlFields object(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return new YamlFields(file, path(key), YAML.createObjectNode());
        }
        if (!v.isObject()) {
            throw error(key, v.toString(), "a mapping of fields");
        }
        return new YamlFields(file, path(key), v);
    }

    /** Returns a list of mappings. Each element is addressed as {@code key[i]} in messages. */
    public List<YamlFields> objects(String key) {
        JsonNode v = node.get(key);
        List<YamlFields> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw error(key, v.toString(), "a list");
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            String p = path(key) + "[" + i + "]";
            if (!e.isObject()) {
                throw new ConfigException(file, p, e.toString(), "a mapping of fields");
            }
            out.add(new YamlFields(file, p, e));
        }
        return out;
    }

    /** Returns a list of strings. A single string is accepted as a list of one. */
    public List<String> strings(String key) {
        JsonNode v = node.get(key);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isValueNode()) {
            out.add(v.asText());
            return out;
        }
        if (!v.isArray()) {
            throw error(key, v.toString(), "a text value or a list of them");
        }
        for (JsonNode e : v) {
            if (!e.isValueNode()) {
                throw error(key, e.toString(), "a list of text values");
            }
            out.add(e.asText());
        }
        return out;
    }

    /** Returns a flat mapping of names to text values. */
    public Map<String, String> stringMap(String key) {
        JsonNode v = node.get(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            throw error(key, v.toString(), "a mapping of names to values");
        }
        v.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode()) {
                throw new ConfigException(file, path(key) + "." + e.getKey(), e.getValue().toString(), "a text value");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }
}
