package io.baton.transport.sftp;

import io.baton.core.config.RemoteSpec;
import io.baton.core.config.RemoteSpec.HostKeyPolicy;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the server's host key against the service's known-hosts file (OpenSSH format), before any
 * authentication. A key that matches an entry for the host and port is accepted. A host whose entries
 * hold other keys has a changed key and is rejected; a host without entries is rejected unless the
 * policy is {@link HostKeyPolicy#ACCEPT_NEW}, which appends the key and logs it. The reason of a
 * rejection, with both fingerprints where there are two, is kept for the error the caller raises.
 * One instance serves one connection attempt.
 */
final class HostKeyCheck implements ServerKeyVerifier {

    private static final Logger log = LoggerFactory.getLogger(HostKeyCheck.class);

    private final RemoteSpec spec;
    private volatile String rejection;

    /** The logging context (node, service, run) of the thread that opens the connection; the check runs on an SSH I/O thread. */
    private final java.util.Map<String, String> logContext;

    HostKeyCheck(RemoteSpec spec) {
        this.spec = spec;
        this.logContext = org.slf4j.MDC.getCopyOfContextMap();
    }

    /** Returns the reason the last check rejected the key, or null. */
    String rejection() {
        return rejection;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        String offered = KeyUtils.getKeyType(serverKey) + " " + KeyUtils.getFingerPrint(serverKey);
        List<String> known;
        try {
            known = knownKeys(session, serverKey);
        } catch (IOException e) {
            rejection = "the known-hosts file " + spec.knownHosts() + " cannot be read (" + e + "); fix knownHosts";
            return false;
        }
        if (known == null) {
            return true;
        }
        if (!known.isEmpty()) {
            rejection = "the host key of " + hostEntry() + " has CHANGED: the server offered " + offered + ", but " + spec.knownHosts()
                    + " holds " + String.join(", ", known) + ". This can be a man-in-the-middle attack. If the server's owner "
                    + "confirms the new key, replace the entry (ssh-keygen -R '" + hostEntry() + "' -f " + spec.knownHosts()
                    + ", then add the new key)";
            return false;
        }
        if (spec.hostKeyPolicy() == HostKeyPolicy.ACCEPT_NEW) {
            return acceptNew(serverKey, offered);
        }
        rejection = "the host key of " + hostEntry() + " is unknown: the server offered " + offered + " and " + spec.knownHosts()
                + " has no entry for it. Check the fingerprint with the server's owner, then add it "
                + "(ssh-keyscan -p " + spec.port() + " " + spec.host() + " >> " + spec.knownHosts() + "), or set hostKeys: accept-new";
        return false;
    }

    /**
     * Returns null when an entry for the host contains this key, else the fingerprints of the other keys
     * the file contains for the host (empty when it has none).
     */
    private List<String> knownKeys(ClientSession session, PublicKey serverKey) throws IOException {
        List<KnownHostEntry> entries;
        try {
            entries = KnownHostEntry.readKnownHostEntries(spec.knownHosts());
        } catch (NoSuchFileException e) {
            entries = List.of();
        }
        List<String> others = new ArrayList<>();
        for (KnownHostEntry entry : entries) {
            if (entry.getMarker() != null || !entry.isHostMatch(spec.host(), spec.port())) {
                continue;
            }
            AuthorizedKeyEntry keyEntry = entry.getKeyEntry();
            try {
                PublicKey key = keyEntry.resolvePublicKey(session, Map.of(), PublicKeyEntryResolver.IGNORING);
                if (key == null) {
                    continue;
                }
                if (KeyUtils.compareKeys(key, serverKey)) {
                    return null;
                }
                others.add(KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key));
            } catch (GeneralSecurityException | IOException e) {
                // A key type this client cannot read cannot match the offered key either.
                others.add(keyEntry.getKeyType() + " (unreadable here: " + e.getMessage() + ")");
            }
        }
        return others;
    }

    private boolean acceptNew(PublicKey serverKey, String offered) {
        String line = hostEntry() + " " + PublicKeyEntry.toString(serverKey) + System.lineSeparator();
        try {
            Files.writeString(spec.knownHosts(), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            rejection = "the new host key of " + hostEntry() + " (" + offered + ") cannot be recorded in " + spec.knownHosts() + ": " + e;
            return false;
        }
        java.util.Map<String, String> ioThreadContext = org.slf4j.MDC.getCopyOfContextMap();
        if (logContext != null) {
            org.slf4j.MDC.setContextMap(logContext);
        }
        try {
            log.warn("Accepted the new host key of {} on first use (hostKeys: accept-new): {}; recorded in {}", hostEntry(), offered,
                    spec.knownHosts());
        } finally {
            if (ioThreadContext == null) {
                org.slf4j.MDC.clear();
            } else {
                org.slf4j.MDC.setContextMap(ioThreadContext);
            }
        }
        return true;
    }

    /** Returns the host as known_hosts names it: {@code host} for port 22, else {@code [host]:port}. */
    private String hostEntry() {
        return spec.port() == 22 ? spec.host() : "[" + spec.host() + "]:" + spec.port();
    }
}
