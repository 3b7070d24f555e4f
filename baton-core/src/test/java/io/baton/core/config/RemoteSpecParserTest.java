package io.baton.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.baton.core.config.RemoteSpec.AlgorithmPolicy;
import io.baton.core.config.RemoteSpec.HostKeyPolicy;
import io.baton.core.config.ServiceDescriptor.DispositionKind;
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
}
