package io.baton.core.config;

import io.baton.core.config.RemoteSpec.AlgorithmPolicy;
import io.baton.core.config.RemoteSpec.Credentials;
import io.baton.core.config.RemoteSpec.HostKeyPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the remote settings of a source or a target: {@code uri}, {@code credentials}, {@code knownHosts},
 * {@code hostKeys}, {@code algorithms}, {@code connectTimeout}, {@code idleTimeout}, {@code retries} and
 * {@code retryBackoff}. Relative file paths resolve against the data directory.
 */
final class RemoteSpecParser {

    /** The protocols that have a client; another engineer may add ftp and ftps here with their client. */
    static final Set<String> PROTOCOLS = Set.of("sftp");
    static final Set<String> FIELDS = Set.of("uri", "credentials", "knownHosts", "hostKeys", "algorithms", "connectTimeout",
            "idleTimeout", "retries", "retryBackoff");
    private static final int SFTP_PORT = 22;

    private final Function<String, Path> resolve;

    RemoteSpecParser(Function<String, Path> resolve) {
        this.resolve = resolve;
    }

    RemoteSpec parse(YamlFields f, String type) {
        if (!PROTOCOLS.contains(type)) {
            throw f.error("type", type, "'folder' or 'sftp'");
        }
        String text = f.requiredString("uri", "a URI such as " + type + "://user@host:22/outgoing");
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw f.error("uri", text, "a URI such as " + type + "://user@host:22/outgoing (" + e.getReason() + ")");
        }
        if (!type.equals(uri.getScheme())) {
            throw f.error("uri", text, "a URI that starts with " + type + "://, to match type: " + type);
        }
        if (uri.getHost() == null || uri.getUserInfo() == null || uri.getUserInfo().contains(":")) {
            throw f.error("uri", text, "user and host, such as " + type + "://user@host:22/outgoing, and no password in the URI "
                    + "(put it in credentials.passwordFile)");
        }
        String folder = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        if (folder.contains("/../") || folder.endsWith("/..") || folder.contains("/./")) {
            throw f.error("uri", text, "a remote folder path without '.' or '..' segments");
        }

        HostKeyPolicy hostKeys = switch (f.string("hostKeys", "strict")) {
            case "strict" -> HostKeyPolicy.STRICT;
            case "accept-new" -> HostKeyPolicy.ACCEPT_NEW;
            default -> throw f.error("hostKeys", f.string("hostKeys", ""), "'strict' (the default) or 'accept-new'");
        };
        AlgorithmPolicy algorithms = switch (f.string("algorithms", "modern")) {
            case "modern" -> AlgorithmPolicy.MODERN;
            case "allow-legacy" -> AlgorithmPolicy.ALLOW_LEGACY;
            default -> throw f.error("algorithms", f.string("algorithms", ""), "'modern' (the default) or 'allow-legacy'");
        };
        if (!f.has("knownHosts")) {
            throw f.error("knownHosts", null, "the path of a known_hosts file that contains the server's host key "
                    + "(ssh-keyscan -p PORT HOST > known_hosts, then check the fingerprint with the server's owner)");
        }

        return new RemoteSpec(type, uri.getHost(), uri.getPort() < 0 ? SFTP_PORT : uri.getPort(), uri.getUserInfo(), folder,
                credentials(f.object("credentials")), resolve.apply(f.requiredString("knownHosts", "a known_hosts file")),
                hostKeys, algorithms,
                f.duration("connectTimeout", Duration.ofSeconds(30), Duration.ofMillis(100)),
                f.duration("idleTimeout", Duration.ofSeconds(60), Duration.ofMillis(100)),
                f.integer("retries", 3, 0, 100),
                f.duration("retryBackoff", Duration.ofSeconds(2), Duration.ZERO));
    }

    private Credentials credentials(YamlFields f) {
        f.rejectUnknown(Set.of("passwordFile", "passwordVariable", "keyFile", "passphraseFile", "passphraseVariable"));
        Path passwordFile = optionalPath(f, "passwordFile");
        String passwordVariable = f.string("passwordVariable", null);
        Path keyFile = optionalPath(f, "keyFile");
        if (passwordFile == null && passwordVariable == null && keyFile == null) {
            throw f.error("passwordFile", null, "passwordFile, passwordVariable or keyFile: how the node logs in");
        }
        if (passwordFile != null && passwordVariable != null) {
            throw f.error("passwordVariable", passwordVariable, "either passwordFile or passwordVariable, not both");
        }
        Path passphraseFile = optionalPath(f, "passphraseFile");
        String passphraseVariable = f.string("passphraseVariable", null);
        if (keyFile == null && (passphraseFile != null || passphraseVariable != null)) {
            throw f.error("keyFile", null, "a keyFile beside its passphrase");
        }
        return new Credentials(passwordFile, passwordVariable, keyFile, passphraseFile, passphraseVariable);
    }

    private Path optionalPath(YamlFields f, String key) {
        String text = f.string(key, null);
        return text == null ? null : resolve.apply(text);
    }
}
