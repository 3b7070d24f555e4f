package io.baton.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class ServiceArchiveTest {

    private static final String YAML = "name: orders\nsource: { path: in }\ntargets: [ { path: out } ]\n";
    private static final byte[] JAR = {'P', 'K', 3, 4, 1, 2, 3};

    private static ServiceContent content() {
        return ServiceContent.of(YAML, Map.of("steps.jar", JAR));
    }

    private static ServiceVersion record(ServiceContent c) {
        return new ServiceVersion("orders", 3, "2026-03-01T10:15:30Z", "api-token", "127.0.0.1", null, c.descriptorSha256(), c.jarSha256());
    }

    private static byte[] exported() throws IOException {
        return ServiceArchive.write(record(content()), content(), null);
    }

    @Test
    void roundTripKeepsFilesAndManifest() throws IOException {
        ServiceArchive.Contents read = ServiceArchive.read(exported());

        assertThat(read.content().descriptor()).isEqualTo(YAML);
        assertThat(read.content().jars()).containsOnlyKeys("steps.jar");
        assertThat(read.content().jars().get("steps.jar")).isEqualTo(JAR);
        assertThat(read.manifest().service()).isEqualTo("orders");
        assertThat(read.manifest().version()).isEqualTo(3);
        assertThat(read.manifest().sha256()).containsOnlyKeys("service.yaml", "lib/steps.jar");
        assertThat(read.manifest().batonVersion()).isNotBlank();
    }

    @Test
    void sameVersionGivesSameBytes() throws IOException {
        assertThat(exported()).isEqualTo(exported());
    }

    @Test
    void zipSlipEntryRejected() throws IOException {
        Map<String, byte[]> entries = entriesOf(exported());
        entries.put("lib/../../../etc/cron.d/evil.jar", JAR);

        assertThatThrownBy(() -> ServiceArchive.read(zip(entries)))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("'lib/../../../etc/cron.d/evil.jar'")
                .hasMessageContaining("zip-slip")
                .extracting(e -> ((InvalidArchiveException) e).entry()).isEqualTo("lib/../../../etc/cron.d/evil.jar");
    }

    @Test
    void absoluteEntryRejected() throws IOException {
        Map<String, byte[]> entries = entriesOf(exported());
        entries.put("/tmp/service.yaml", YAML.getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> ServiceArchive.read(zip(entries))).hasMessageContaining("'/tmp/service.yaml'").hasMessageContaining("zip-slip");
    }

    @Test
    void tamperedJarRejected() throws IOException {
        Map<String, byte[]> entries = entriesOf(exported());
        entries.put("lib/steps.jar", new byte[] {'P', 'K', 3, 4, 9, 9, 9});

        assertThatThrownBy(() -> ServiceArchive.read(zip(entries)))
                .isInstanceOf(InvalidArchiveException.class)
                .hasMessageContaining("'lib/steps.jar' has SHA-256")
                .hasMessageContaining("changed after the export")
                .hasMessageContaining("baton export");
    }

    @Test
    void tamperedDescriptorRejected() throws IOException {
        Map<String, byte[]> entries = entriesOf(exported());
        entries.put("service.yaml", YAML.replace("out", "elsewhere").getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> ServiceArchive.read(zip(entries))).hasMessageContaining("'service.yaml' has SHA-256");
    }

    @Test
    void secretFileEntryRejected() throws IOException {
        Map<String, byte[]> entries = entriesOf(exported());
        entries.put("secrets/partner.password", "hunter2".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> ServiceArchive.read(zip(entries)))
                .hasMessageContaining("'secrets/partner.password' does not belong in a service archive")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void unlistedJarRejected() throws IOException {
        Map<String, byte[]> entries = entriesOf(exported());
        entries.put("lib/extra.jar", JAR);

        assertThatThrownBy(() -> ServiceArchive.read(zip(entries))).hasMessageContaining("'lib/extra.jar' is not listed in baton-service.json");
    }

    @Test
    void foreignZipRejected() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("service.yaml", YAML.getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> ServiceArchive.read(zip(entries)))
                .hasMessageContaining("no baton-service.json")
                .hasMessageContaining("not a Baton service archive");
    }

    @Test
    void truncatedArchiveRejected() throws IOException {
        byte[] whole = exported();
        byte[] truncated = Arrays.copyOf(whole, whole.length / 2);

        assertThatThrownBy(() -> ServiceArchive.read(truncated)).isInstanceOf(InvalidArchiveException.class).hasMessageContaining("damaged");
    }

    @Test
    void nonZipRejected() {
        assertThatThrownBy(() -> ServiceArchive.read(YAML.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidArchiveException.class).hasMessageContaining("not a zip archive");
    }

    @Test
    void invalidManifestRejected() throws IOException {
        Map<String, byte[]> entries = entriesOf(exported());
        entries.put(ServiceArchive.MANIFEST, "{\"format\": 1, \"service\": ".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> ServiceArchive.read(zip(entries))).hasMessageContaining("baton-service.json is not a valid manifest");
    }

    private static Map<String, byte[]> entriesOf(byte[] archive) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(archive))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
