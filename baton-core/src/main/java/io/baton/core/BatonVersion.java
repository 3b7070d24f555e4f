package io.baton.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of Baton this process runs, from the build's {@code version.properties}. */
public final class BatonVersion {

    private static final String VERSION = load();

    private BatonVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = BatonVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
