package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Commands on the kept versions of a service: list, roll back, export. */
final class VersionCommands {

    private VersionCommands() {
    }

    @Command(name = "versions", mixinStandardHelpOptions = true,
            description = "Lists the kept versions of a service, oldest first, with who deployed each one and the SHA-256 of its files.")
    static final class ListVersions extends ServiceCommands.OnService {
        @Override
        public Integer call() throws Exception {
            JsonNode list = api().get("/api/services/" + service + "/versions");
            int current = list.path("current").asInt(0);
            TextTable table = new TextTable("VERSION", "CURRENT", "DEPLOYED AT", "DEPLOYED BY", "ORIGIN");
            for (JsonNode v : list.path("versions")) {
                int number = v.path("version").asInt();
                String by = v.path("deployedBy").asText() + (v.path("remoteAddress").asText().isEmpty() ? "" : " from " + v.path("remoteAddress").asText());
                String origin = v.path("rollbackOf").isNull() ? "deploy" : "rollback to " + v.path("rollbackOf").asText();
                table.row(number, number == current ? "yes" : "", v.path("deployedAt").asText(), by, origin);
            }
            table.print(System.out);

            // The file digests below the table, because a version has one line per file.
            for (JsonNode v : list.path("versions")) {
                System.out.println("Version " + v.path("version").asText() + ":");
                System.out.println("  service.yaml  sha256 " + v.path("descriptorSha256").asText());
                v.path("jarSha256").properties().forEach(jar -> System.out.println("  lib/" + jar.getKey() + "  sha256 " + jar.getValue().asText()));
            }
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Deploys a kept version of a service again, as a new version; a running service stops at a commit point"
                    + " and restarts with it.")
    static final class Rollback implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SERVICE", description = "service name")
        String service;

        @Parameters(index = "1", paramLabel = "VERSION", arity = "0..1",
                description = "version to deploy again (default: the one before the current version); see baton versions SERVICE")
        Integer version;

        @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
        Path home;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (version != null) {
                OptionRange.requireAtLeast(spec.commandLine(), "VERSION", version, 1);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("version", version);
            JsonNode result = Api.connect(Home.resolve(home)).post("/api/services/" + service + "/rollback", body);
            String copied = result.path("rollbackOf").isNumber() ? result.path("rollbackOf").asText() : String.valueOf(version);
            System.out.println("Service " + service + " is now version " + result.path("version").asText() + ", a copy of version "
                    + copied + " (" + result.path("state").asText() + ")");
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Writes a kept version of a service to a zip archive that baton deploy accepts on any cluster: service.yaml,"
                    + " lib/*.jar and a manifest with their SHA-256. No other file of the service folder goes in.")
    static final class Export extends ServiceCommands.OnService {
        @Option(names = "--version", paramLabel = "N", description = "version to export (default: the current one)")
        Integer version;

        @Option(names = "--output", paramLabel = "FILE", required = true, description = "archive file to write; must not exist yet")
        Path output;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (version != null) {
                OptionRange.requireAtLeast(spec.commandLine(), "--version", version, 1);
            }
            Path folder = output.toAbsolutePath().getParent();
            if (folder == null || !Files.isDirectory(folder)) {
                System.err.println("baton: the folder " + folder + " of --output " + output + " does not exist; create it or choose"
                        + " another --output file");
                return 1;
            }
            if (Files.exists(output)) {
                System.err.println("baton: " + output + " already exists; remove it or choose another --output file");
                return 1;
            }
            String query = version == null ? "" : "?version=" + version;
            byte[] archive = api().getBytes("/api/services/" + service + "/export" + query);

            // Written under a temporary name and linked into place, so that FILE is either complete or absent.
            // A link, unlike a rename, never replaces a file that appeared in the meantime.
            Path dir = output.toAbsolutePath().getParent();
            Path partial = Files.createTempFile(dir, "." + output.getFileName(), ".part");
            try {
                Files.write(partial, archive);
                Files.createLink(output.toAbsolutePath(), partial);
            } catch (FileAlreadyExistsException e) {
                System.err.println("baton: " + output + " appeared while exporting; remove it or choose another --output file");
                return 1;
            } finally {
                Files.deleteIfExists(partial);
            }
            System.out.println("Exported service " + service + (version == null ? " (current version)" : " version " + version)
                    + " to " + output + " (" + archive.length + " bytes)");
            return 0;
        }
    }
}
