package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.baton.core.settings.SettingNames;
import io.baton.core.settings.SettingsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Commands on per-service settings, cluster-wide variables and the automatic start and restart flags. Every
 * change takes effect at the service's next start; secret values are read from the terminal or standard input.
 */
final class SettingsCommands {

    private SettingsCommands() {
    }

    /** The changes that {@code baton settings} and {@code baton variables} take. */
    static final class Changes {
        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "store a plain value (visible in listings and exports)")
        List<String> set = new ArrayList<>();

        @Option(names = "--secret", paramLabel = "KEY", description = "store a secret value, prompted for or read with --secret-stdin;"
                + " it is never shown again")
        List<String> secret = new ArrayList<>();

        @Option(names = "--unset", paramLabel = "KEY", description = "remove a stored value")
        List<String> unset = new ArrayList<>();

        @Mixin
        SecretInput input;

        /**
         * Checks every name and {@code KEY=VALUE} pair before the node is called, so that a typo changes nothing and
         * is a usage error (exit 2). Returns the plain values by key.
         */
        Map<String, String> check(CommandLine command, String kind) {
            Map<String, String> plain = new LinkedHashMap<>();
            for (String pair : set) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new ParameterException(command, "invalid --set '" + pair + "': expected KEY=VALUE");
                }
                plain.put(checked(command, kind, pair.substring(0, eq)), pair.substring(eq + 1));
            }
            secret.forEach(k -> checked(command, kind, k));
            unset.forEach(k -> checked(command, kind, k));
            return plain;
        }

        /** Sends every change, checked by {@link #check}: plain values, then secrets, then removals. */
        void apply(CommandLine command, String kind, String where, Store store) throws java.io.IOException {
            for (var e : check(command, kind).entrySet()) {
                // "secret": false, so that the node rejects a plain value for a secret instead of storing a value
                // that was visible on the command line.
                print(store.put(e.getKey(), Map.of("value", e.getValue(), "secret", false)));
            }
            for (String key : secret) {
                String value = input.read(command, kind + " " + key + where);
                print(store.put(key, Map.of("value", value, "secret", true)));
            }
            for (String key : unset) {
                print(store.delete(key));
            }
        }

        boolean isEmpty() {
            return set.isEmpty() && secret.isEmpty() && unset.isEmpty();
        }

        private static String checked(CommandLine command, String kind, String name) {
            try {
                SettingNames.checkName(kind, name);
            } catch (SettingsException e) {
                throw new ParameterException(command, e.getMessage());
            }
            return name;
        }

        private static void print(JsonNode response) {
            System.out.println(response.path("message").asText());
        }
    }

    /** The API collection that stores values by key, such as {@code /api/variables}. */
    record Store(Api api, String path) {
        JsonNode put(String key, Map<String, Object> body) throws java.io.IOException {
            return api.put(path + "/" + key, body);
        }

        JsonNode delete(String key) throws java.io.IOException {
            return api.delete(path + "/" + key);
        }
    }

    @Command(name = "settings", mixinStandardHelpOptions = true,
            description = {"Lists the settings of a service, or changes them: property values that overlay its service.yaml.",
                // Picocli expands ${...} in descriptions, and shows $${ as ${ (and $$$${ as $${).
                "A value may refer to a cluster-wide variable as $${NAME}; write $$$${ for a literal $${. A change takes effect at the"
                    + " service's next start."})
    static final class Settings extends ServiceCommands.OnService {
        @Mixin
        Changes changes;

        @Option(names = "--json", description = "print the API's JSON as it is")
        boolean json;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            changes.check(spec.commandLine(), "setting");
            Api api = api();
            String path = "/api/services/" + service + "/settings";
            changes.apply(spec.commandLine(), "setting", " of service " + service, new Store(api, path));
            if (changes.isEmpty() || json) {
                JsonNode view = api.get(path);
                System.out.print(json ? Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(view) + "\n" : settingsText(view));
            }
            return 0;
        }

        /** Formats {@code GET /api/services/NAME/settings} for people; a secret shows only whether it is set. */
        static String settingsText(JsonNode view) {
            StringBuilder out = new StringBuilder();
            out.append(String.format("autoStart:   %s (%s)%n", onOff(view.path("autoStart").path("value")), view.path("autoStart").path("source").asText()));
            out.append(String.format("autoRestart: %s (%s)%n", onOff(view.path("autoRestart").path("value")),
                    view.path("autoRestart").path("source").asText()));
            out.append(String.format("%-32s %-11s %s%n", "PROPERTY", "SOURCE", "VALUE"));
            view.path("properties").properties().forEach(p -> out.append(String.format("%-32s %-11s %s%n", p.getKey(),
                    p.getValue().path("source").asText(), valueText(p.getValue()))));
            if (view.path("settingsChanged").asBoolean()) {
                out.append("NOTE: ").append(view.path("note").asText()).append('\n');
            }
            return out.toString();
        }
    }

    @Command(name = "variables", mixinStandardHelpOptions = true,
            description = {"Lists the cluster-wide setting variables, or changes them. A service's property or setting refers to"
                + " one as $${NAME}.", "A change takes effect at the next start of each service that uses the variable."})
    static final class Variables implements Callable<Integer> {
        @Mixin
        Changes changes;

        @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
        Path home;

        @Option(names = "--json", description = "print the API's JSON as it is")
        boolean json;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            changes.check(spec.commandLine(), "variable");
            Api api = Api.connect(Home.resolve(home));
            changes.apply(spec.commandLine(), "variable", "", new Store(api, "/api/variables"));
            if (changes.isEmpty() || json) {
                JsonNode view = api.get("/api/variables");
                if (json) {
                    System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(view));
                    return 0;
                }
                System.out.printf("%-32s %s%n", "VARIABLE", "VALUE");
                view.path("variables").properties().forEach(v -> System.out.printf("%-32s %s%n", v.getKey(), valueText(v.getValue())));
            }
            return 0;
        }
    }

    /** Formats a plain value as it is, and a secret only as set or not set. */
    static String valueText(JsonNode setting) {
        if (setting.path("secret").asBoolean()) {
            return setting.path("set").asBoolean() ? "(secret, set)" : "(secret, NOT SET: the service cannot start)";
        }
        return setting.path("value").asText();
    }

    private static String onOff(JsonNode flag) {
        return flag.asBoolean() ? "on" : "off";
    }

    /** Base of {@code baton autostart} and {@code baton autorestart}. */
    abstract static class FlagCommand extends ServiceCommands.OnService {
        @Parameters(index = "1", paramLabel = "on|off|descriptor", description = "on, off, or descriptor for the value in service.yaml")
        String value;

        @Spec
        CommandLine.Model.CommandSpec spec;

        abstract String field();

        @Override
        public Integer call() throws Exception {
            if (!List.of("on", "off", "descriptor").contains(value)) {
                throw new ParameterException(spec.commandLine(), "invalid value '" + value + "': expected on, off or descriptor");
            }
            JsonNode r = api().put("/api/services/" + service + "/flags", Map.of(field(), value));
            System.out.println(r.path("message").asText());
            System.out.println(field() + ": " + onOff(r.path(field()).path("value")) + " (" + r.path(field()).path("source").asText() + ")");
            return 0;
        }
    }

    @Command(name = "autostart", mixinStandardHelpOptions = true,
            description = "Sets whether a service starts by itself when a node becomes active, over its service.yaml's autoStart.")
    static final class AutoStart extends FlagCommand {
        @Override
        String field() {
            return "autoStart";
        }
    }

    @Command(name = "autorestart", mixinStandardHelpOptions = true,
            description = "Sets whether a service's worker that died is started again, over its service.yaml's restart.automatic;"
                    + " it takes effect at the next death.")
    static final class AutoRestart extends FlagCommand {
        @Override
        String field() {
            return "autoRestart";
        }
    }
}
