package io.baton.transport.sftp;

import io.baton.core.config.RemoteSpec.AlgorithmPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.BaseBuilder;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.signature.BuiltinSignatures;

/**
 * The key-exchange, host-key and cipher algorithms a client offers. The modern set is Apache MINA
 * SSHD's default preference without any algorithm built on SHA-1 or DSA; {@link AlgorithmPolicy#ALLOW_LEGACY}
 * appends {@code diffie-hellman-group14-sha1} and {@code ssh-rsa}, which some old servers still need.
 * Ciphers are MINA's default list with AES-GCM moved first: see {@link #CIPHERS_FIRST}.
 */
final class SshAlgorithms {

    private static final Set<BuiltinDHFactories> SHA1_KEX = Set.of(BuiltinDHFactories.dhg1, BuiltinDHFactories.dhg14,
            BuiltinDHFactories.dhgex);
    private static final Set<BuiltinSignatures> WEAK_SIGNATURES = Set.of(BuiltinSignatures.rsa, BuiltinSignatures.rsa_cert,
            BuiltinSignatures.dsa, BuiltinSignatures.dsa_cert);

    /**
     * Ciphers offered before the rest of MINA's list. The JDK runs AES-GCM with the CPU's AES and
     * carry-less multiply instructions, while MINA 2.20 implements chacha20-poly1305 (its first choice)
     * in plain Java. On loopback, a MINA client downloaded at 133 to 150 MiB/s with chacha20-poly1305 and
     * at 290 to 440 MiB/s with AES-GCM (docs/benchmarks.md, "SFTP transfers beside OpenSSH's sftp").
     */
    private static final List<BuiltinCiphers> CIPHERS_FIRST = List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm);

    private SshAlgorithms() {
    }

    /**
     * Sets the client's offers for the policy, and must be called before {@link SshClient#start()}. Host-key
     * algorithms for the key types in {@code knownKeyTypes} move first, in MINA's order otherwise.
     */
    static void apply(SshClient client, AlgorithmPolicy policy, Set<String> knownKeyTypes) {
        List<BuiltinDHFactories> kex = new ArrayList<>();
        for (BuiltinDHFactories f : BaseBuilder.DEFAULT_KEX_PREFERENCE) {
            if (!SHA1_KEX.contains(f) && f.isSupported()) {
                kex.add(f);
            }
        }
        List<BuiltinSignatures> signatures = new ArrayList<>();
        for (BuiltinSignatures s : BaseBuilder.DEFAULT_SIGNATURE_PREFERENCE) {
            if (!WEAK_SIGNATURES.contains(s) && s.isSupported()) {
                signatures.add(s);
            }
        }
        if (policy == AlgorithmPolicy.ALLOW_LEGACY) {
            kex.add(BuiltinDHFactories.dhg14);
            signatures.add(BuiltinSignatures.rsa);
        }
        client.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false, kex, ClientBuilder.DH2KEX));
        // A stable sort, so MINA's preference still decides among the known types and among the others.
        signatures.sort(Comparator.comparing(signature -> !KnownHostKeyTypes.signsWithOneOf(signature, knownKeyTypes)));
        client.setSignatureFactories(new ArrayList<>(signatures));
        client.setCipherFactories(new ArrayList<>(ciphers()));
    }

    private static List<BuiltinCiphers> ciphers() {
        List<BuiltinCiphers> ciphers = new ArrayList<>();
        for (BuiltinCiphers c : CIPHERS_FIRST) {
            if (c.isSupported()) {
                ciphers.add(c);
            }
        }
        for (BuiltinCiphers c : BaseBuilder.DEFAULT_CIPHERS_PREFERENCE) {
            if (!ciphers.contains(c) && c.isSupported()) {
                ciphers.add(c);
            }
        }
        return ciphers;
    }
}
