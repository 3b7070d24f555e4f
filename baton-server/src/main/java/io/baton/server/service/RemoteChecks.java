package io.baton.server.service;

import io.baton.core.config.ConfigException;
import io.baton.core.config.RemoteSpec;
import io.baton.core.config.RemoteSpec.HostKeyPolicy;
import io.baton.core.config.ServiceDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks at deploy that the files and variables a remote source or target names exist on this node, so
 * that a typo in a credentials path is a descriptor error now and not a failed run at night. The
 * secrets themselves are not read here; they are read when a connection opens.
 */
final class RemoteChecks {

    private RemoteChecks() {
    }

    static void check(String file, ServiceDescriptor d) {
        if (d.source().remote() != null) {
            check(file, "source", d.source().remote());
        }
        for (int i = 0; i < d.targets().size(); i++) {
            if (d.targets().get(i).remote() != null) {
                check(file, "targets[" + i + "]", d.targets().get(i).remote());
            }
        }
    }

    private static void check(String file, String prefix, RemoteSpec r) {
        RemoteSpec.Credentials c = r.credentials();
        readable(file, prefix + ".credentials.passwordFile", c.passwordFile(), "the password for " + r.server());
        readable(file, prefix + ".credentials.keyFile", c.keyFile(), "the private key for " + r.server());
        readable(file, prefix + ".credentials.passphraseFile", c.passphraseFile(), "the passphrase of the key for " + r.server());
        if (c.keyFile() != null && c.passphraseFile() == null && c.passphraseVariable() == null && PrivateKeyFiles.isEncrypted(c.keyFile())) {
            throw new ConfigException(file, prefix + ".credentials.passphraseFile", null, "the passphrase of the key " + c.keyFile()
                    + ", which is encrypted: give passphraseFile or passphraseVariable beside keyFile, or use a key without a passphrase");
        }
        variable(file, prefix + ".credentials.passwordVariable", c.passwordVariable(), r);
        variable(file, prefix + ".credentials.passphraseVariable", c.passphraseVariable(), r);
        // accept-new creates the file on first contact; strict needs the server's key in it beforehand.
        if (r.knownHosts() != null && r.hostKeyPolicy() == HostKeyPolicy.STRICT) {
            readable(file, prefix + ".knownHosts", r.knownHosts(), "the host key of " + r.server()
                    + " (ssh-keyscan -p " + r.port() + " " + r.host() + ", then check the fingerprint with the server's owner)");
        }
    }

    private static void readable(String file, String field, Path path, String what) {
        if (path != null && !Files.isReadable(path)) {
            String problem = Files.exists(path) ? "is not readable by the node's user" : "does not exist on this node";
            throw new ConfigException(file, field, path, "a readable file with " + what + "; " + path + " " + problem);
        }
    }

    private static void variable(String file, String field, String name, RemoteSpec r) {
        if (name != null && System.getenv(name) == null) {
            throw new ConfigException(file, field, name, "an environment variable set in the node's environment (for " + r.server()
                    + "); " + name + " is not set on this node, so set it and restart the node, or use a file");
        }
    }
}
