package io.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.core.settings.ServiceSettings;
import io.baton.core.settings.Setting;
import io.baton.core.settings.SettingNames;
import io.baton.core.settings.SettingsException;
import io.baton.core.settings.SettingsStore;
import io.baton.server.api.ApiServer.ApiException;
import io.baton.server.service.ServiceManager;
import io.baton.server.service.ServiceRuntime;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API endpoints of per-service settings and cluster-wide variables. A change takes effect at the service's next
 * start. Secrets are write-only: every response shows {@code {"secret": true, "set": ...}} in place of the value,
 * and no message, log line or audit row contains a value.
 * <ul>
 *   <li>{@code GET /api/services/{name}/settings}: the flags and properties with their source;</li>
 *   <li>{@code PUT /api/services/{name}/settings/{key}} with {@code {"value": "...", "secret": false}};</li>
 *   <li>{@code DELETE /api/services/{name}/settings/{key}}: the descriptor's value applies again;</li>
 *   <li>{@code PUT /api/services/{name}/flags} with {@code {"autoStart": "on|off|descriptor", "autoRestart": ...}};</li>
 *   <li>{@code GET /api/variables}, {@code GET|PUT|DELETE /api/variables/{name}}, the PUT body as for a setting.</li>
 * </ul>
 */
final class SettingsRoutes {

    private static final Logger log = LoggerFactory.getLogger(SettingsRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The end of the message of a change's response. */
    static final String NEXT_START = "it takes effect at the next start of the service";

    private static final String BODY_FORM = "a JSON object such as {\"value\": \"...\", \"secret\": false}";

    private final Supplier<ServiceManager> services;
    private final String nodeId;

    SettingsRoutes(Supplier<ServiceManager> services, String nodeId) {
        this.services = services;
        this.nodeId = nodeId;
    }

    void register(Javalin app) {
        app.get("/api/services/{name}/settings", ctx -> ctx.json(serviceView(service(ctx))));
        app.put("/api/services/{name}/settings/{key}", this::putSetting);
        app.delete("/api/services/{name}/settings/{key}", this::deleteSetting);
        app.put("/api/services/{name}/flags", this::putFlags);
        app.get("/api/variables", ctx -> ctx.json(variablesView(store().variables())));
        app.get("/api/variables/{name}", this::getVariable);
        app.put("/api/variables/{name}", this::putVariable);
        app.delete("/api/variables/{name}", this::deleteVariable);
    }

    private SettingsStore store() {
        return services.get().settings();
    }

    private ServiceRuntime service(Context ctx) {
        String name = ctx.pathParam("name");
        ServiceRuntime s = services.get().get(name);
        if (s == null) {
            throw new ApiException(ErrorCode.NOT_FOUND, "service " + name + " is not deployed; list services with: baton services");
        }
        return s;
    }

    private void putSetting(Context ctx) throws IOException {
        ServiceRuntime s = service(ctx);
        String key = ctx.pathParam("key");
        CallAudit.target(ctx, key);
        SettingNames.checkName("setting", key);
        Setting previous = store().service(s.name()).properties().get(key);
        Setting value = settingFromBody(ctx, "setting", key, previous);
        store().updateService(s.name(), current -> current.withProperty(key, value));
        log.info("Node {}: setting {} of service {} {} by {}", nodeId, key, s.name(), value.secret() ? "set (secret)" : "set",
                CallAudit.caller(ctx).name());
        respond(ctx, s, "Setting " + key + " of service " + s.name() + " stored; " + NEXT_START);
    }

    private void deleteSetting(Context ctx) throws IOException {
        ServiceRuntime s = service(ctx);
        String key = ctx.pathParam("key");
        CallAudit.target(ctx, key);
        if (!store().service(s.name()).properties().containsKey(key)) {
            throw new ApiException(ErrorCode.NOT_FOUND, "service " + s.name() + " has no setting " + key
                    + "; list its settings with: baton settings " + s.name(), "key");
        }
        store().updateService(s.name(), current -> current.withoutProperty(key));
        log.info("Node {}: setting {} of service {} removed by {}", nodeId, key, s.name(), CallAudit.caller(ctx).name());
        respond(ctx, s, "Setting " + key + " of service " + s.name() + " removed, so the descriptor's value applies; " + NEXT_START);
    }

    private void putFlags(Context ctx) throws IOException {
        ServiceRuntime s = service(ctx);
        JsonNode body = bodyObject(ctx, "a JSON object such as {\"autoStart\": \"on\", \"autoRestart\": \"descriptor\"}");
        for (var field : body.properties()) {
            if (!field.getKey().equals("autoStart") && !field.getKey().equals("autoRestart")) {
                throw new ApiException(ErrorCode.INVALID_PARAMETER, "unknown field '" + field.getKey()
                        + "': expected autoStart or autoRestart", field.getKey());
            }
        }
        ServiceSettings stored = store().service(s.name());
        Boolean autoStart = body.has("autoStart") ? flag(body, "autoStart") : stored.autoStart();
        Boolean autoRestart = body.has("autoRestart") ? flag(body, "autoRestart") : stored.autoRestart();
        store().updateService(s.name(), current -> current.withAutoStart(autoStart).withAutoRestart(autoRestart));
        log.info("Node {}: flags of service {} set to autoStart {}, autoRestart {} by {}", nodeId, s.name(), flagText(autoStart),
                flagText(autoRestart), CallAudit.caller(ctx).name());
        respond(ctx, s, "Flags of service " + s.name() + " stored; autoStart takes effect when a node next becomes active,"
                + " autoRestart when the worker next dies");
    }

    private static Boolean flag(JsonNode body, String name) {
        String text = body.get(name).asText();
        return switch (text) {
            case "on", "true" -> Boolean.TRUE;
            case "off", "false" -> Boolean.FALSE;
            case "descriptor" -> null;
            default -> throw new ApiException(ErrorCode.INVALID_PARAMETER, "invalid " + name + " '" + text
                    + "': expected on, off or descriptor (the value in service.yaml)", name);
        };
    }

    private static String flagText(Boolean flag) {
        if (flag == null) {
            return "from the descriptor";
        }
        return flag ? "on" : "off";
    }

    private void getVariable(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        Setting v = store().variables().get(name);
        if (v == null) {
            throw unknownVariable(name);
        }
        ctx.json(variableView(name, v));
    }

    private void putVariable(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        CallAudit.target(ctx, name);
        SettingNames.checkName("variable", name);
        Setting value = settingFromBody(ctx, "variable", name, store().variables().get(name));
        store().updateVariables(current -> {
            Map<String, Setting> next = new TreeMap<>(current);
            next.put(name, value);
            return next;
        });
        log.info("Node {}: variable {} {} by {}", nodeId, name, value.secret() ? "set (secret)" : "set", CallAudit.caller(ctx).name());
        Map<String, Object> body = variableView(name, value);
        body.put("message", "Variable " + name + " stored; it takes effect at the next start of each service that uses it");
        ctx.json(body);
    }

    private void deleteVariable(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        CallAudit.target(ctx, name);
        if (!store().variables().containsKey(name)) {
            throw unknownVariable(name);
        }
        store().updateVariables(current -> {
            Map<String, Setting> next = new TreeMap<>(current);
            next.remove(name);
            return next;
        });
        log.info("Node {}: variable {} removed by {}", nodeId, name, CallAudit.caller(ctx).name());
        ctx.json(Map.of("message", "Variable " + name + " removed; a service that refers to it cannot start until it is defined again"));
    }

    private static ApiException unknownVariable(String name) {
        return new ApiException(ErrorCode.NOT_FOUND, "variable " + name + " is not defined; list the variables with:"
                + " baton variables", "name");
    }

    /**
     * Reads {@code {"value": "...", "secret": true|false}}. A secret stays secret when the body leaves out
     * {@code secret}, and cannot be turned plain, which would make its value readable.
     */
    private static Setting settingFromBody(Context ctx, String kind, String name, Setting previous) {
        String what = kind + " " + name;
        JsonNode body = bodyObject(ctx, BODY_FORM);
        JsonNode value = body.get("value");
        if (value == null || !value.isTextual()) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "the " + what + " needs \"value\" as a JSON string; send "
                    + BODY_FORM, "value");
        }
        JsonNode secretField = body.get("secret");
        if (secretField != null && !secretField.isBoolean()) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "\"secret\" of the " + what + " must be true or false",
                    "secret");
        }
        boolean wasSecret = previous != null && previous.secret();
        if (wasSecret && secretField != null && !secretField.asBoolean()) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "the " + what + " is a secret and stays one: give it a new"
                    + " value with --secret " + name + " (or \"secret\": true); to store a plain value, remove it first (--unset "
                    + name + ") and set it again", "secret");
        }
        boolean secret = wasSecret || (secretField != null && secretField.asBoolean());
        SettingNames.checkValue(kind, name, value.asText());
        return new Setting(value.asText(), secret);
    }

    /** Parses the body as a JSON object; the parser's message is left out, because it can quote the body, which may hold a secret. */
    private static JsonNode bodyObject(Context ctx, String form) {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.bodyAsBytes());
        } catch (IOException e) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "the request body is not valid JSON; send " + form, "body");
        }
        if (body == null || !body.isObject()) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "the request body is not a JSON object; send " + form, "body");
        }
        return body;
    }

    private void respond(Context ctx, ServiceRuntime s, String message) throws IOException {
        Map<String, Object> body = serviceView(s);
        body.put("message", message);
        ctx.json(body);
    }

    /** Returns the settings of a service as the API shows them: no secret's value, and no expanded variable. */
    static Map<String, Object> serviceView(ServiceRuntime s, ServiceSettings stored) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("service", s.name());
        if (s.descriptor() != null) {
            m.put("autoStart", flagView(stored.autoStart(), s.descriptor().autoStart()));
            m.put("autoRestart", flagView(stored.autoRestart(), s.descriptor().restart().automatic()));
        }
        Map<String, Object> properties = new TreeMap<>();
        if (s.descriptor() != null) {
            s.descriptor().properties().forEach((k, v) -> properties.put(k, sourced(Setting.plain(v).view(), "descriptor")));
        }
        stored.properties().forEach((k, v) -> properties.put(k, sourced(v.view(), "settings")));
        m.put("properties", properties);
        boolean changed = s.settingsChanged();
        m.put("settingsChanged", changed);
        if (changed) {
            m.put("note", ApiServer.SETTINGS_CHANGED);
        }
        return m;
    }

    private Map<String, Object> serviceView(ServiceRuntime s) throws IOException {
        return serviceView(s, store().service(s.name()));
    }

    private static Map<String, Object> flagView(Boolean stored, boolean descriptor) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", stored != null ? stored : descriptor);
        m.put("source", stored != null ? "settings" : "descriptor");
        return m;
    }

    private static Map<String, Object> sourced(Map<String, Object> view, String source) {
        view.put("source", source);
        return view;
    }

    private static Map<String, Object> variablesView(Map<String, Setting> variables) {
        Map<String, Object> list = new TreeMap<>();
        variables.forEach((name, v) -> list.put(name, v.view()));
        return Map.of("variables", list);
    }

    private static Map<String, Object> variableView(String name, Setting v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.putAll(v.view());
        return m;
    }
}
