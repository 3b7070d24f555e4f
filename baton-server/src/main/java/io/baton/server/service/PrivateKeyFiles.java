package io.baton.server.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Tells whether a private key file is protected by a passphrase, from its text alone, so that a deploy
 * can ask for the passphrase instead of a run failing at its first connection. Reads the OpenSSH format
 * ({@code openssh-key-v1}, whose header names the cipher, "none" for no passphrase) and the PEM formats
 * ({@code Proc-Type: 4,ENCRYPTED} and PKCS#8 {@code ENCRYPTED PRIVATE KEY}).
 */
final class PrivateKeyFiles {

    private static final String OPENSSH_BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private static final String OPENSSH_END = "-----END OPENSSH PRIVATE KEY-----";
    private static final byte[] OPENSSH_MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);

    /** Keys are a few KiB; a larger file is not a key, and the connection reports it. */
    private static final long MAX_KEY_BYTES = 64 * 1024;

    private PrivateKeyFiles() {
    }

    /** Returns whether the key needs a passphrase; false when the file cannot be read or its format is not known. */
    static boolean isEncrypted(Path keyFile) {
        String text;
        try {
            if (Files.size(keyFile) > MAX_KEY_BYTES) {
                return false;
            }
            text = Files.readString(keyFile, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return false;
        }
        if (text.contains("Proc-Type: 4,ENCRYPTED") || text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            return true;
        }
        int begin = text.indexOf(OPENSSH_BEGIN);
        int end = text.indexOf(OPENSSH_END);
        if (begin < 0 || end < begin) {
            return false;
        }
        String cipher = openSshCipher(text.substring(begin + OPENSSH_BEGIN.length(), end));
        return cipher != null && !cipher.equals("none");
    }

    /** Returns the cipher name in the header of an OpenSSH key body, or null when the body is not one. */
    private static String openSshCipher(String base64) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Base64.getMimeDecoder().decode(base64));
            byte[] magic = new byte[OPENSSH_MAGIC.length];
            b.get(magic);
            if (!java.util.Arrays.equals(magic, OPENSSH_MAGIC)) {
                return null;
            }
            // The cipher name is an SSH string: a 4-byte big-endian length, then the bytes.
            byte[] cipher = new byte[b.getInt()];
            b.get(cipher);
            return new String(cipher, StandardCharsets.US_ASCII);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
