package io.baton.transport;

import io.baton.core.config.RemoteSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the secrets of a remote connection when it opens. A secret file contains the secret on its first
 * line, without the trailing line break. Errors name the file or variable, never the value.
 */
public final class Secrets {

    private Secrets() {
    }

    /** Returns the password, or null when the credentials name none. */
    public static String password(RemoteSpec spec) throws TransportException {
        RemoteSpec.Credentials c = spec.credentials();
        return read(spec, c.passwordFile(), c.passwordVariable(), "password");
    }

    /** Returns the passphrase of the key file, or null when the credentials name none. */
    public static String passphrase(RemoteSpec spec) throws TransportException {
        RemoteSpec.Credentials c = spec.credentials();
        return read(spec, c.passphraseFile(), c.passphraseVariable(), "passphrase");
    }

    private static String read(RemoteSpec spec, Path file, String variable, String what) throws TransportException {
        if (file != null) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            } catch (IOException e) {
                throw new TransportException(spec.server(), null, false, "the " + what + " file " + file + " for " + spec.server()
                        + " cannot be read (" + e.getClass().getSimpleName() + "); create it, readable by the node's user", e);
            }
        }
        if (variable != null) {
            String value = System.getenv(variable);
            if (value == null) {
                throw new TransportException(spec.server(), null, false, "the environment variable " + variable + " with the " + what
                        + " for " + spec.server() + " is not set; set it in the node's environment", null);
            }
            return value;
        }
        return null;
    }
}
