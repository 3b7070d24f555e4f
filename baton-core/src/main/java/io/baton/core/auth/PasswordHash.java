package io.baton.core.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted PBKDF2-HMAC-SHA256 hash of a password, as stored in the users file. The iteration count is
 * stored with each hash, so that raising {@link #ITERATIONS} later keeps existing hashes valid.
 *
 * @param iterations PBKDF2 iterations
 * @param salt       16 random bytes, Base64
 * @param hash       the 256-bit derived key, Base64
 */
public record PasswordHash(String algorithm, int iterations, String salt, String hash) {

    public static final String ALGORITHM = "PBKDF2WithHmacSHA256";

    /**
     * Iterations for new hashes: the OWASP 2023 recommendation for PBKDF2-HMAC-SHA256. One check took
     * about 140 ms on a 2-core AMD EPYC virtual machine with JDK 25, which slows password guessing.
     */
    public static final int ITERATIONS = 600_000;

    /** Shortest password that {@link #create} accepts. */
    public static final int MIN_LENGTH = 8;

    private static final int SALT_BYTES = 16;
    private static final int KEY_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Hashes a password with a new random salt; throws {@link AccountException} when it is too short. */
    public static PasswordHash create(char[] password) {
        if (password == null || password.length < MIN_LENGTH) {
            throw new AccountException(AccountException.Reason.INVALID, "password",
                    "the password is too short: use at least " + MIN_LENGTH + " characters");
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder();
        return new PasswordHash(ALGORITHM, ITERATIONS, b64.encodeToString(salt), b64.encodeToString(derive(password, salt, ITERATIONS)));
    }

    /** Checks a password against this hash in constant time; false for a hash of an unknown algorithm. */
    public boolean matches(char[] password) {
        if (!ALGORITHM.equals(algorithm) || iterations < 1) {
            return false;
        }
        Base64.Decoder b64 = Base64.getDecoder();
        byte[] expected = b64.decode(hash);
        byte[] actual = derive(password, b64.decode(salt), iterations);
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, KEY_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // Every Java SE runtime provides PBKDF2WithHmacSHA256, so this is a broken runtime.
            throw new IllegalStateException("the JDK cannot compute " + ALGORITHM + ": " + e, e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public String toString() {
        return "PasswordHash[" + algorithm + ", " + iterations + " iterations]";
    }

    /**
     * Returns a hash to check, and then ignore, for a user name that does not exist, so that a failed
     * login takes as long for an unknown name as for a known one and does not reveal which names exist.
     */
    public static PasswordHash decoy() {
        char[] placeholder = new char[MIN_LENGTH];
        Arrays.fill(placeholder, '-');
        return create(placeholder);
    }
}
