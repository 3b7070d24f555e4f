package io.baton.cli;

import java.nio.file.Path;

/** Locates the program directory: {@code -Dbaton.home} (set by bin/baton), then {@code BATON_HOME}, then the working directory. */
final class Home {

    private Home() {
    }

    static Path resolve(Path option) {
        if (option != null) {
            return option.toAbsolutePath().normalize();
        }
        String prop = System.getProperty("baton.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        String env = System.getenv("BATON_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        return Path.of("").toAbsolutePath();
    }
}
