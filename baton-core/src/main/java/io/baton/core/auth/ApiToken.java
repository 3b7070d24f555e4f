package io.baton.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An API token for scripts, as stored in the users file: only the SHA-256 of its secret is kept. The
 * secret has 256 random bits, so a fast hash suffices, unlike a password.
 *
 * @param sha256    SHA-256 of the secret, hex
 * @param createdAt ISO-8601 instant
 * @param expiresAt ISO-8601 instant after which the token is rejected, or null for no expiry
 */
public record ApiToken(String name, Role role, String sha256, String createdAt, String expiresAt) {

    /** Prefix of every secret, so that a leaked one is recognisable in a scan of files or logs. */
    public static final String PREFIX = "baton_";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new token and its secret, which exists only here and in the response or output that shows it once. */
    public record Issued(ApiToken token, String secret) {
        @Override
        public String toString() {
            return "Issued[" + token.name() + "]";
        }
    }

    /** Creates a token with a new secret; the lifetime is null for a token that does not expire. */
    public static Issued issue(String name, Role role, Duration lifetime, Instant now) {
        String secret = newSecret();
        String expiresAt = lifetime == null ? null : now.plus(lifetime).toString();
        return new Issued(new ApiToken(name, role, hashOf(secret), now.toString(), expiresAt), secret);
    }

    /** Returns a new secret: the prefix and 32 random bytes in URL-safe Base64. */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Returns the hex SHA-256 of a secret, the form in which it is stored and compared. */
    public static String hashOf(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256: " + e, e);
        }
    }

    /** Checks a secret's hash against this token's in constant time. */
    public boolean matchesHash(String secretHash) {
        return MessageDigest.isEqual(sha256.getBytes(StandardCharsets.US_ASCII), secretHash.getBytes(StandardCharsets.US_ASCII));
    }

    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(Instant.parse(expiresAt));
    }
}
