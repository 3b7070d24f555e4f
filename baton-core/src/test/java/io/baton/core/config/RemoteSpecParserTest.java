package io.baton.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.baton.core.config.RemoteSpec.AlgorithmPolicy;
import io.baton.core.config.RemoteSpec.DataConnectionMode;
import io.baton.core.config.RemoteSpec.HostKeyPolicy;
import io.baton.core.config.ServiceDescriptor.DispositionKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteSpecParserTest {

    @TempDir
    Path data;

    private ServiceDescriptor parse(String source, String target) {
        String yaml = "name: partner\nsource:\n" + source.indent(2) + "process:\n  - type: copy\ntargets:\n" + target.indent(2)
                + "onSuccess: { archive: \"/outbound/done/{yyyy}\" }\n";
        return new DescriptorParser(data).parse("service.yaml", yaml);
    }

    private static final String SOURCE = """
            type: sftp
            uri: sftp://partner@127.0.0.1:2222/outbound
            credentials: { keyFile: secrets/id_ecdsa, passphraseFile: secrets/passphrase }
            knownHosts: known_hosts
            include: "*.csv"
            """;
    private static final String TARGET = """
            - type: sftp
              uri: sftp://partner@127.0.0.1/inbound
              credentials: { passwordVariable: PARTNER_PASSWORD }
              knownHosts: /etc/baton/known_hosts
              hostKeys: accept-new
              algorithms: allow-legacy
              idleTimeout: 30s
              name: "{basename}.jsonl"
            """;

    @Test
    void sftpSourceAndTargetParse() {
        ServiceDescriptor d = parse(SOURCE, TARGET);

        RemoteSpec source = d.source().remote();
        assertThat(d.source().path()).isNull();
        assertThat(source.server()).isEqualTo("sftp://partner@127.0.0.1:2222");
        assertThat(source.folder()).isEqualTo("/outbound");
        assertThat(source.credentials().keyFile()).isEqualTo(data.resolve("secrets/id_ecdsa"));
        assertThat(source.credentials().passphraseFile()).isEqualTo(data.resolve("secrets/passphrase"));
        assertThat(source.knownHosts()).isEqualTo(data.resolve("known_hosts"));
        assertThat(source.hostKeyPolicy()).isEqualTo(HostKeyPolicy.STRICT);
        assertThat(source.algorithmPolicy()).isEqualTo(AlgorithmPolicy.MODERN);
        assertThat(d.onSuccess().kind()).isEqualTo(DispositionKind.ARCHIVE);
        assertThat(d.onSuccess().archiveTemplate()).isEqualTo("/outbound/done/{yyyy}");

        RemoteSpec target = d.targets().get(0).remote();
        assertThat(target.port()).isEqualTo(22);
        assertThat(target.credentials().passwordVariable()).isEqualTo("PARTNER_PASSWORD");
        assertThat(target.hostKeyPolicy()).isEqualTo(HostKeyPolicy.ACCEPT_NEW);
        assertThat(target.algorithmPolicy()).isEqualTo(AlgorithmPolicy.ALLOW_LEGACY);
        assertThat(target.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void passwordInUriRejected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(SOURCE.replace("sftp://partner@", "sftp://partner:secret@"), TARGET));
        assertThat(e.field()).isEqualTo("source.uri");
        assertThat(e.getMessage()).contains("no password in the URI");
        // The message is logged and recorded in the audit trail: the password itself never appears in it.
        assertThat(e.getMessage()).contains("sftp://partner:***@").doesNotContain("secret");
    }

    @Test
    void missingKnownHostsRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(SOURCE.replace("knownHosts: known_hosts\n", ""), TARGET));
        assertThat(e.field()).isEqualTo("source.knownHosts");
        assertThat(e.getMessage()).contains("ssh-keyscan");
    }

    @Test
    void missingCredentialsRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(SOURCE.replaceAll("credentials: .*\n", ""), TARGET));
        assertThat(e.field()).isEqualTo("source.credentials.passwordFile");
    }

    @Test
    void unknownHostKeyPolicyRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(SOURCE + "hostKeys: yes\n", TARGET));
        assertThat(e.field()).isEqualTo("source.hostKeys");
        assertThat(e.getMessage()).contains("accept-new");
    }

    @Test
    void relativeRemoteArchiveRejected() {
        String yaml = "name: partner\nsource:\n" + SOURCE.indent(2) + "process:\n  - type: copy\ntargets:\n  - path: out\n"
                + "onSuccess: { archive: done }\n";
        ConfigException e = assertThrows(ConfigException.class, () -> new DescriptorParser(data).parse("service.yaml", yaml));
        assertThat(e.field()).isEqualTo("onSuccess.archive");
    }

    @Test
    void unknownProtocolRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(SOURCE.replace("type: sftp", "type: gopher"), TARGET));
        assertThat(e.field()).isEqualTo("source.type");
    }

    private static final String FTP_SOURCE = """
            type: ftp
            uri: ftp://partner@ftp.example.com/outbound
            credentials: { passwordFile: secrets/ftp-password }
            """;
    private static final String FTPS_TARGET = """
            - type: ftps
              uri: ftps://partner@127.0.0.1:2121/inbound
              credentials: { passwordVariable: PARTNER_PASSWORD }
              mode: active
              controlEncoding: ISO-8859-1
              trustedCertificates: certs/partner.pem
            """;

    @Test
    void ftpSourceAndFtpsTargetParse() {
        ServiceDescriptor d = parse(FTP_SOURCE, FTPS_TARGET);

        RemoteSpec source = d.source().remote();
        assertThat(source.protocol()).isEqualTo("ftp");
        assertThat(source.port()).isEqualTo(21);
        assertThat(source.folder()).isEqualTo("/outbound");
        assertThat(source.credentials().passwordFile()).isEqualTo(data.resolve("secrets/ftp-password"));
        assertThat(source.knownHosts()).isNull();
        assertThat(source.ftp().mode()).isEqualTo(DataConnectionMode.PASSIVE);
        assertThat(source.ftp().controlEncoding()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(source.ftp().trustedCertificates()).isNull();

        RemoteSpec target = d.targets().get(0).remote();
        assertThat(target.protocol()).isEqualTo("ftps");
        assertThat(target.port()).isEqualTo(2121);
        assertThat(target.ftp().mode()).isEqualTo(DataConnectionMode.ACTIVE);
        assertThat(target.ftp().controlEncoding()).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(target.ftp().trustedCertificates()).isEqualTo(data.resolve("certs/partner.pem"));
    }

    @Test
    void sftpHasNoFtpOptions() {
        assertThat(parse(SOURCE, TARGET).source().remote().ftp()).isNull();
    }

    @Test
    void ftpsDefaultsToPort21() {
        ServiceDescriptor d = parse(FTP_SOURCE, FTPS_TARGET.replace(":2121", ""));
        assertThat(d.targets().get(0).remote().port()).isEqualTo(21);
    }

    @Test
    void ftpKeyFileRejected() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(FTP_SOURCE.replace("passwordFile: secrets/ftp-password", "keyFile: secrets/id_ecdsa"), TARGET));
        assertThat(e.field()).isEqualTo("source.credentials.keyFile");
        assertThat(e.getMessage()).contains("password only");
    }

    @Test
    void sftpFieldsOnFtpRejected() {
        for (String line : java.util.List.of("knownHosts: known_hosts", "hostKeys: accept-new", "algorithms: allow-legacy")) {
            ConfigException e = assertThrows(ConfigException.class, () -> parse(FTP_SOURCE + line + "\n", TARGET));
            String key = line.substring(0, line.indexOf(':'));
            assertThat(e.field()).isEqualTo("source." + key);
            assertThat(e.getMessage()).contains("FTP has no host keys");
        }
    }

    @Test
    void ftpFieldsOnSftpRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(SOURCE + "mode: active\n", TARGET));
        assertThat(e.field()).isEqualTo("source.mode");
        assertThat(e.getMessage()).contains("FTP setting");
    }

    @Test
    void trustedCertificatesOnPlainFtpRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(FTP_SOURCE + "trustedCertificates: a.pem\n", TARGET));
        assertThat(e.field()).isEqualTo("source.trustedCertificates");
        assertThat(e.getMessage()).contains("type: ftps");
    }

    @Test
    void unknownModeRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(FTP_SOURCE + "mode: extended\n", TARGET));
        assertThat(e.field()).isEqualTo("source.mode");
        assertThat(e.getMessage()).contains("'passive' (the default) or 'active'");
    }

    @Test
    void unknownControlEncodingRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(FTP_SOURCE + "controlEncoding: KLINGON-8\n", TARGET));
        assertThat(e.field()).isEqualTo("source.controlEncoding");
        assertThat(e.getMessage()).contains("ISO-8859-1");
    }
}
