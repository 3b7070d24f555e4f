package io.baton.server.console;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the web console: plain HTML, CSS and JavaScript modules from the {@code console} folder of this
 * module's resources, under {@value #PATH}. There is no build step: the pages call the REST API of the same
 * node with the session cookie of {@code POST /api/session}, and every asset is in the repository.
 *
 * <p>The headers forbid inline scripts, framing and sniffing, and make the browser ask again on every load,
 * so that an upgraded node serves its new console at once. For work on the console, the system property
 * {@value #DIRECTORY_PROPERTY} serves the files from a folder instead, so that a reload shows an edit.
 */
public final class ConsoleAssets {

    private static final Logger log = LoggerFactory.getLogger(ConsoleAssets.class);

    /** The path under which the console is served. */
    public static final String PATH = "/console";

    /** System property naming a folder to serve the console from instead of the class path. */
    static final String DIRECTORY_PROPERTY = "baton.console.dir";

    static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
                    + " connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-cache");

    private ConsoleAssets() {
    }

    public static void configure(JavalinConfig cfg) {
        String folder = System.getProperty(DIRECTORY_PROPERTY);
        boolean external = folder != null && !folder.isBlank() && Files.isDirectory(Path.of(folder));
        if (folder != null && !folder.isBlank() && !external) {
            log.warn("The console folder {} in -D{} is not a folder; serving the console built into this node instead", folder,
                    DIRECTORY_PROPERTY);
        }
        cfg.staticFiles.add(files -> {
            files.hostedPath = PATH;
            files.directory = external ? folder : "/console";
            files.location = external ? Location.EXTERNAL : Location.CLASSPATH;
            files.headers = HEADERS;
        });
    }
}
