package io.baton.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the API keystore: each broken configuration fails with a message that names the file. */
class ApiTlsTest {

    private static final String PASSWORD = "store-Secret-2236";

    /** Holds the keystore, which keytool generates once for the class because each run takes about a second. */
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    private static Path keyStore;
    private Path passwordFile;

    @BeforeAll
    static void generateKeyStore() throws Exception {
        keyStore = shared.resolve("api.p12");
        keytool("-genkeypair", "-alias", "api", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
    }

    @BeforeEach
    void writePasswordFile() throws IOException {
        passwordFile = tmp.resolve("api.password");
        Files.writeString(passwordFile, PASSWORD + "\n");
    }

    @Test
    void validKeyStoreLoads() throws Exception {
        ApiTls tls = ApiTls.load(new NodeConfig.ApiTls(keyStore, passwordFile));

        assertThat(tls.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
        assertThat(tls.clientContext().getProtocol()).isEqualTo("TLS");
    }

    @Test
    void missingKeyStoreNamed() {
        Path missing = tmp.resolve("missing.p12");

        assertThatThrownBy(() -> ApiTls.load(new NodeConfig.ApiTls(missing, passwordFile)))
                .isInstanceOf(IOException.class).hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void missingPasswordFileNamed() {
        Path missing = tmp.resolve("missing.password");

        assertThatThrownBy(() -> ApiTls.load(new NodeConfig.ApiTls(keyStore, missing)))
                .isInstanceOf(IOException.class).hasMessageContaining(missing.toString()).hasMessageContaining("password file");
    }

    @Test
    void wrongPasswordNamesBothFiles() throws Exception {
        Files.writeString(passwordFile, "wrong-password\n");

        assertThatThrownBy(() -> ApiTls.load(new NodeConfig.ApiTls(keyStore, passwordFile)))
                .isInstanceOf(IOException.class).hasMessageContaining(passwordFile.toString()).hasMessageContaining(keyStore.toString())
                .hasMessageContaining("does not open");
    }

    @Test
    void keyStoreWithoutKeyRejected() throws Exception {
        Path certificate = tmp.resolve("api.crt");
        Path certificatesOnly = tmp.resolve("certificates.p12");
        keytool("-exportcert", "-alias", "api", "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-rfc", "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "trusted", "-file", certificate.toString(), "-storetype", "PKCS12",
                "-keystore", certificatesOnly.toString(), "-storepass", PASSWORD);

        assertThatThrownBy(() -> ApiTls.load(new NodeConfig.ApiTls(certificatesOnly, passwordFile)))
                .isInstanceOf(IOException.class).hasMessageContaining(certificatesOnly.toString()).hasMessageContaining("no private key");
    }

    @Test
    void notAKeyStoreRejected() throws Exception {
        Path text = tmp.resolve("text.p12");
        Files.writeString(text, "not a keystore\n");

        assertThatThrownBy(() -> ApiTls.load(new NodeConfig.ApiTls(text, passwordFile)))
                .isInstanceOf(IOException.class).hasMessageContaining(text.toString()).hasMessageContaining("not a valid PKCS12");
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(p.exitValue()).as("keytool " + args[0] + ": " + output).isZero();
    }
}
