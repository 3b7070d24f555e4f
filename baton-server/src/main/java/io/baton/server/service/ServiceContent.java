package io.baton.server.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The files that make up one version of a service: the descriptor's text and the jars of its {@code lib/}
 * folder by file name. Nothing else of a service folder belongs to a version, so a file an operator put
 * beside them (a password file, say) is never stored, listed or exported.
 */
public record ServiceContent(String descriptor, SortedMap<String, byte[]> jars) {

    /** The pattern every jar name must match, so that a name can never leave the {@code lib/} folder. */
    static final String JAR_NAME = "[A-Za-z0-9._+-]+\\.jar";

    public ServiceContent {
        jars = Collections.unmodifiableSortedMap(new TreeMap<>(jars));
    }

    public static ServiceContent of(String descriptor, Map<String, byte[]> jars) {
        return new ServiceContent(descriptor, new TreeMap<>(jars));
    }

    /** Returns the SHA-256 of the descriptor's UTF-8 bytes, in lower-case hex. */
    public String descriptorSha256() {
        return sha256(descriptor.getBytes(StandardCharsets.UTF_8));
    }

    /** Returns the SHA-256 of each jar by file name, in lower-case hex. */
    public Map<String, String> jarSha256() {
        Map<String, String> out = new LinkedHashMap<>();
        jars.forEach((name, bytes) -> out.put(name, sha256(bytes)));
        return out;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
    }
}
