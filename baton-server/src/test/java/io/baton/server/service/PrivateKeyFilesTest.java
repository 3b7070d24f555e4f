package io.baton.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys written by the real ssh-keygen, with and without a passphrase, in the OpenSSH and PEM formats. */
class PrivateKeyFilesTest {

    @TempDir
    Path tmp;

    @Test
    void openSshKeys() throws Exception {
        assertThat(PrivateKeyFiles.isEncrypted(keygen("plain", "", "ed25519"))).as("ed25519 key without a passphrase").isFalse();
        assertThat(PrivateKeyFiles.isEncrypted(keygen("locked", "secret-phrase", "ed25519"))).as("ed25519 key with a passphrase").isTrue();
    }

    @Test
    void pemKeys() throws Exception {
        assertThat(PrivateKeyFiles.isEncrypted(keygen("plain-pem", "", "rsa", "-m", "PEM"))).as("PEM RSA key without a passphrase").isFalse();
        assertThat(PrivateKeyFiles.isEncrypted(keygen("locked-pem", "secret-phrase", "rsa", "-m", "PEM"))).as("PEM RSA key with a passphrase")
                .isTrue();
        assertThat(PrivateKeyFiles.isEncrypted(keygen("locked-pkcs8", "secret-phrase", "rsa", "-m", "PKCS8"))).as("PKCS#8 key with a passphrase")
                .isTrue();
    }

    @Test
    void otherFilesAreNotJudged() throws Exception {
        assertThat(PrivateKeyFiles.isEncrypted(Files.writeString(tmp.resolve("notes.txt"), "not a key"))).as("a text file").isFalse();
        assertThat(PrivateKeyFiles.isEncrypted(tmp.resolve("missing"))).as("a missing file").isFalse();
        assertThat(PrivateKeyFiles.isEncrypted(Files.writeString(tmp.resolve("broken"),
                "-----BEGIN OPENSSH PRIVATE KEY-----\n!!!\n-----END OPENSSH PRIVATE KEY-----\n"))).as("a damaged key").isFalse();
    }

    private Path keygen(String name, String passphrase, String type, String... extra) throws Exception {
        Path key = tmp.resolve(name);
        List<String> command = new java.util.ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-f", key.toString()));
        if (type.equals("rsa")) {
            command.addAll(List.of("-b", "2048"));
        }
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("ssh-keygen finished").isTrue();
        assertThat(p.exitValue()).as("ssh-keygen: " + new String(p.getInputStream().readAllBytes())).isZero();
        return key;
    }
}
