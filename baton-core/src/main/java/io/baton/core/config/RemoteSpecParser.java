package io.baton.core.config;

import io.baton.core.config.RemoteSpec.AlgorithmPolicy;
import io.baton.core.config.RemoteSpec.Credentials;
import io.baton.core.config.RemoteSpec.DataConnectionMode;
import io.baton.core.config.RemoteSpec.FtpOptions;
import io.baton.core.config.RemoteSpec.HostKeyPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the remote settings of a source or a target: {@code uri}, {@code credentials}, {@code connectTimeout},
 * {@code idleTimeout}, {@code retries} and {@code retryBackoff} for every protocol; {@code knownHosts},
 * {@code hostKeys} and {@code algorithms} for SFTP; {@code mode} and {@code controlEncoding} for FTP and
 * FTPS, and {@code trustedCertificates} for FTPS. A field of another protocol is rejected, not ignored.
 * Relative file paths resolve against the data directory.
 */
final class RemoteSpecParser {

    static final Set<String> PROTOCOLS = Set.of("sftp", "ftp", "ftps");
    private static final Set<String> SFTP_FIELDS = Set.of("knownHosts", "hostKeys", "algorithms");
    private static final Set<String> FTP_FIELDS = Set.of("mode", "controlEncoding", "trustedCertificates");
    static final Set<String> FIELDS = Set.of("uri", "credentials", "knownHosts", "hostKeys", "algorithms", "connectTimeout",
            "idleTimeout", "retries", "retryBackoff", "mode", "controlEncoding", "trustedCertificates");
    private static final int SFTP_PORT = 22;
    /** FTPS here is explicit TLS (AUTH TLS on the FTP port), so both use 21. */
    private static final int FTP_PORT = 21;

    private final Function<String, Path> resolve;

    RemoteSpecParser(Function<String, Path> resolve) {
        this.resolve = resolve;
    }

    /** Returns the URI with the password part of its user information, if any, replaced by {@code ***}. */
    static String withoutPassword(String uri) {
        return uri.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://[^/@:]*):[^/@]*@", "$1:***@");
    }

    RemoteSpec parse(YamlFields f, String type) {
        if (!PROTOCOLS.contains(type)) {
            throw f.error("type", type, "'folder', 'sftp', 'ftp' or 'ftps'");
        }
        boolean sftp = type.equals("sftp");
        int defaultPort = sftp ? SFTP_PORT : FTP_PORT;
        String example = type + "://user@host:" + defaultPort + "/outgoing";
        String text = f.requiredString("uri", "a URI such as " + example);
        // An error message goes to the log, the API and the audit trail, so a password in the URI is masked there.
        String shown = withoutPassword(text);
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw f.error("uri", shown, "a URI such as " + example + " (" + e.getReason() + ")");
        }
        if (!type.equals(uri.getScheme())) {
            throw f.error("uri", shown, "a URI that starts with " + type + "://, to match type: " + type);
        }
        if (uri.getHost() == null || uri.getUserInfo() == null || uri.getUserInfo().contains(":")) {
            throw f.error("uri", shown, "user and host, such as " + example + ", and no password in the URI "
                    + "(put it in credentials.passwordFile)");
        }
        String folder = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        if (folder.contains("/../") || folder.endsWith("/..") || folder.contains("/./")) {
            throw f.error("uri", shown, "a remote folder path without '.' or '..' segments");
        }
        rejectFieldsOfOtherProtocols(f, type);

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
        if (sftp && !f.has("knownHosts")) {
            throw f.error("knownHosts", null, "the path of a known_hosts file that contains the server's host key "
                    + "(ssh-keyscan -p PORT HOST > known_hosts, then check the fingerprint with the server's owner)");
        }
        Path knownHosts = sftp ? resolve.apply(f.requiredString("knownHosts", "a known_hosts file")) : null;

        return new RemoteSpec(type, uri.getHost(), uri.getPort() < 0 ? defaultPort : uri.getPort(), uri.getUserInfo(), folder,
                credentials(f.object("credentials"), sftp), knownHosts, hostKeys, algorithms,
                f.duration("connectTimeout", Duration.ofSeconds(30), Duration.ofMillis(100)),
                f.duration("idleTimeout", Duration.ofSeconds(60), Duration.ofMillis(100)),
                f.integer("retries", 3, 0, 100),
                f.duration("retryBackoff", Duration.ofSeconds(2), Duration.ZERO),
                sftp ? null : ftpOptions(f, type));
    }

    /** Rejects a setting that only another protocol reads, because a setting that is silently ignored is never applied. */
    private static void rejectFieldsOfOtherProtocols(YamlFields f, String type) {
        if (type.equals("sftp")) {
            for (String key : FTP_FIELDS) {
                if (f.has(key)) {
                    throw f.error(key, f.string(key, ""), "no " + key + " for type: sftp, because " + key
                            + " is an FTP setting; remove it");
                }
            }
            return;
        }
        for (String key : SFTP_FIELDS) {
            if (f.has(key)) {
                throw f.error(key, f.string(key, ""), "no " + key + " for type: " + type + ", because FTP has no host keys "
                        + "or SSH algorithms; remove it" + (type.equals("ftps")
                        ? " and name the server's certificate in trustedCertificates if the JVM's trust store lacks it" : ""));
            }
        }
        if (type.equals("ftp") && f.has("trustedCertificates")) {
            throw f.error("trustedCertificates", f.string("trustedCertificates", ""), "no trustedCertificates for type: ftp, "
                    + "which does not use TLS; use type: ftps for FTP over TLS");
        }
    }

    private FtpOptions ftpOptions(YamlFields f, String type) {
        DataConnectionMode mode = switch (f.string("mode", "passive")) {
            case "passive" -> DataConnectionMode.PASSIVE;
            case "active" -> DataConnectionMode.ACTIVE;
            default -> throw f.error("mode", f.string("mode", ""), "'passive' (the default) or 'active'");
        };
        String encoding = f.string("controlEncoding", "UTF-8");
        Charset charset;
        try {
            charset = Charset.forName(encoding);
        } catch (IllegalArgumentException e) {
            throw f.error("controlEncoding", encoding, "a character encoding that this JVM supports, such as UTF-8 (the default) "
                    + "or ISO-8859-1");
        }
        Path trusted = type.equals("ftps") ? optionalPath(f, "trustedCertificates") : null;
        return new FtpOptions(mode, charset, trusted);
    }

    /** Reads the credentials; key files only where {@code keysAllowed}, because FTP logs in with a password only. */
    private Credentials credentials(YamlFields f, boolean keysAllowed) {
        f.rejectUnknown(Set.of("passwordFile", "passwordVariable", "keyFile", "passphraseFile", "passphraseVariable"));
        if (!keysAllowed) {
            for (String key : List.of("keyFile", "passphraseFile", "passphraseVariable")) {
                if (f.has(key)) {
                    throw f.error(key, f.string(key, ""), "no " + key + " for FTP, which logs in with a password only; "
                            + "use passwordFile or passwordVariable");
                }
            }
        }
        Path passwordFile = optionalPath(f, "passwordFile");
        String passwordVariable = f.string("passwordVariable", null);
        Path keyFile = optionalPath(f, "keyFile");
        if (passwordFile == null && passwordVariable == null && keyFile == null) {
            throw f.error("passwordFile", null, keysAllowed ? "passwordFile, passwordVariable or keyFile: how the node logs in"
                    : "passwordFile or passwordVariable: how the node logs in");
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
