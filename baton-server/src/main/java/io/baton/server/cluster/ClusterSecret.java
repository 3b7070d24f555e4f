package io.baton.server.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that the nodes of one data directory share in {@code state/cluster.secret}, so that the
 * active node can trust a call that a passive node forwards: the passive node signs the call with
 * HMAC-SHA256, and the active node checks the signature.
 *
 * <p>The first node that starts on a data directory creates the file, readable by its user only. It
 * writes a temporary file and links it into place, because creating a link fails when the name exists.
 * So two nodes that start at once both use the key that was linked first, and no node reads a
 * half-written file. Whoever can read the file can act as the operator of every node, like the
 * holder of a node's own token in {@code run/api.token}.
 */
public final class ClusterSecret {

    private static final Logger log = LoggerFactory.getLogger(ClusterSecret.class);

    public static final String FILE_NAME = "cluster.secret";

    private static final String HMAC = "HmacSHA256";
    private static final int KEY_BYTES = 32;

    private final byte[] key;

    private ClusterSecret(byte[] key) {
        this.key = key;
    }

    /** Reads {@code state/cluster.secret}, creating it first when no node has yet. */
    public static ClusterSecret readOrCreate(Path stateFolder, String nodeId) throws IOException {
        Path file = stateFolder.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            create(file, nodeId);
        }
        return read(file, nodeId);
    }

    private static void create(Path file, String nodeId) throws IOException {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        Path temporary = file.resolveSibling(FILE_NAME + "." + nodeId + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temporary, HexFormat.of().formatHex(key) + "\n", StandardCharsets.UTF_8);
            Files.createLink(file, temporary);
            log.info("Node {} created the cluster secret {}", nodeId, file);
        } catch (FileAlreadyExistsException e) {
            log.info("Node {} uses the cluster secret {} that another node created at the same time", nodeId, file);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static ClusterSecret read(Path file, String nodeId) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        byte[] key;
        try {
            key = HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            key = new byte[0];
        }
        if (key.length < KEY_BYTES) {
            throw new IOException("the cluster secret " + file + " is invalid: expected " + KEY_BYTES * 2
                    + " or more hexadecimal digits; stop every node, delete the file, and start the nodes again to create a new one");
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            log.warn("Node {}: the cluster secret {} is readable by others ({}); restrict it with: chmod 600 {}", nodeId, file,
                    PosixFilePermissions.toString(permissions), file);
        }
        return new ClusterSecret(key);
    }

    /** Returns the HMAC-SHA256 of {@code text} under this key, as hexadecimal digits. */
    public String sign(String text) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            // Every Java runtime provides HmacSHA256, so this is a broken installation.
            throw new IllegalStateException("HMAC-SHA256 is not available in this Java runtime: " + e, e);
        }
    }

    /** Checks a signature in constant time. */
    public boolean verify(String text, String signature) {
        return signature != null
                && MessageDigest.isEqual(sign(text).getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII));
    }
}
