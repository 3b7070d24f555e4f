package io.baton.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "deploy", mixinStandardHelpOptions = true, description = "Deploys a service as its next version: a folder with service.yaml"
        + " and optional lib/*.jar, a descriptor file, or an archive written by baton export. A running service is restarted with"
        + " the new version; an invalid descriptor or archive is rejected and changes nothing.")
final class DeployCommand implements Callable<Integer> {

    /** The first bytes of every zip archive (a local file header). */
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    @Parameters(paramLabel = "DIR|FILE", description = "service folder, descriptor file, or service archive (.zip)")
    Path source;

    @Option(names = "--home", description = "program directory of this node (default: BATON_HOME)")
    Path home;

    @Override
    public Integer call() throws Exception {
        if (Files.isRegularFile(source) && isZip(source)) {
            return print(Api.connect(Home.resolve(home)).post("/api/services", Files.readAllBytes(source), "application/zip"));
        }
        Path descriptor = Files.isDirectory(source) ? source.resolve("service.yaml") : source;
        if (!Files.isRegularFile(descriptor)) {
            System.err.println("baton: " + descriptor + " not found; pass a service folder with a service.yaml, or a descriptor file");
            return 1;
        }
        String fileName = descriptor.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (fileName.endsWith(".zip")) {
            System.err.println("baton: " + descriptor + " is not a zip archive (it does not start with a zip header); pass an archive"
                    + " written by baton export, a service folder, or a service.yaml");
            return 1;
        }
        String text;
        try {
            text = Files.readString(descriptor, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            System.err.println("baton: " + descriptor + " is neither a zip archive nor a UTF-8 text descriptor; pass an archive written by"
                    + " baton export, a service folder, or a service.yaml");
            return 1;
        }
        Map<String, String> jars = new LinkedHashMap<>();
        Path lib = Files.isDirectory(source) ? source.resolve("lib") : null;
        if (lib != null && Files.isDirectory(lib)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(lib, "*.jar")) {
                for (Path jar : files) {
                    jars.put(jar.getFileName().toString(), Base64.getEncoder().encodeToString(Files.readAllBytes(jar)));
                }
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("fileName", descriptor.toString());
        body.put("descriptor", text);
        body.put("jars", jars);
        return print(Api.connect(Home.resolve(home)).post("/api/services", body));
    }

    private static boolean isZip(Path file) throws java.io.IOException {
        try (var in = Files.newInputStream(file)) {
            return java.util.Arrays.equals(in.readNBytes(ZIP_MAGIC.length), ZIP_MAGIC);
        }
    }

    private static Integer print(com.fasterxml.jackson.databind.JsonNode result) {
        String name = result.path("name").asText();
        String state = result.path("state").asText();
        System.out.println("Deployed service " + name + " version " + result.path("version").asText() + " (" + state + ")");
        com.fasterxml.jackson.databind.JsonNode secrets = result.path("secretsToSet");
        if (!secrets.isEmpty()) {
            System.out.println("The archive's secrets are not set on this cluster; the service cannot start until they are:");
            secrets.forEach(command -> System.out.println("  " + command.asText()));
        }
        if (state.equals("STOPPED")) {
            System.out.println("Start it with: baton start " + name);
        }
        return 0;
    }
}
