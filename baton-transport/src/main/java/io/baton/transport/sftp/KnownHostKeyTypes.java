package io.baton.transport.sftp;

import io.baton.core.config.RemoteSpec;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.signature.BuiltinSignatures;

/**
 * The key types, such as {@code ssh-ed25519} or {@code ssh-rsa}, that the known-hosts file pins for the
 * server. The client offers the host-key algorithms of these types first, as OpenSSH's client does, so a
 * server with several host keys signs with one the file pins instead of one the file lacks, which
 * {@link HostKeyCheck} would reject as changed.
 */
final class KnownHostKeyTypes {

    private KnownHostKeyTypes() {
    }

    /**
     * Reads the key types of the file's entries for the host and port. A missing or unreadable file
     * gives none, and {@link HostKeyCheck} reports it when the server's key arrives.
     */
    static Set<String> read(RemoteSpec spec) {
        List<KnownHostEntry> entries;
        try {
            entries = KnownHostEntry.readKnownHostEntries(spec.knownHosts());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }

        Set<String> types = new LinkedHashSet<>();
        for (KnownHostEntry entry : entries) {
            if (entry.getMarker() == null && entry.isHostMatch(spec.host(), spec.port()) && entry.getKeyEntry() != null) {
                types.add(entry.getKeyEntry().getKeyType());
            }
        }
        return types;
    }

    /** Returns whether a host-key signature algorithm, such as {@code rsa-sha2-512}, signs with a key of one of the types. */
    static boolean signsWithOneOf(BuiltinSignatures signature, Set<String> keyTypes) {
        return keyTypes.contains(KeyUtils.getCanonicalKeyType(signature.getName()));
    }
}
