package io.baton.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.baton.core.config.ServiceDescriptor.DispositionKind;
import io.baton.core.config.ServiceDescriptor.FileOrder;
import io.baton.core.config.ServiceDescriptor.StepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.baton.core.schedule.MisfirePolicy;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescriptorParserTest {

    /** A descriptor that passes every check. Each rejection test changes one field of it. */
    private static final String MINIMAL = """
            name: orders
            source:
              path: inbox/orders
            process:
              - type: copy
            targets:
              - path: out/orders
            """;

    @TempDir
    Path data;

    private Path descriptorFile;

    @BeforeEach
    void createServiceFolder() throws IOException {
        descriptorFile = data.resolve("services/orders/service.yaml");
        Files.createDirectories(descriptorFile.getParent());
    }

    /** Writes the descriptor to the service folder and parses the file's content, as the daemon does. */
    private ServiceDescriptor parse(String yaml) throws IOException {
        Files.writeString(descriptorFile, yaml);
        return new DescriptorParser(data).parse(descriptorFile.toString(), Files.readString(descriptorFile));
    }

    private ConfigException rejected(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml));
    }

    /** Checks that the message names the file, the field path, the value found and what is expected. */
    private void assertNames(ConfigException e, String field, String value, String expected) {
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).startsWith(descriptorFile + ": ");
        assertThat(e.getMessage()).contains("field '" + field + "'");
        assertThat(e.getMessage()).contains(value == null ? " is missing" : " is '" + value + "'");
        assertThat(e.getMessage()).contains("expected " + expected);
    }

    @Test
    void fullDescriptorParses() throws IOException {
        ServiceDescriptor d = parse("""
                name: orders-daily
                description: Daily order files
                autoStart: true
                restart:
                  automatic: false
                  minimumUptime: 1m
                jvm:
                  heap: 512m
                  options: [-XX:+UseSerialGC, -Dfile.encoding=UTF-8]
                schedule:
                  every: 5m
                source:
                  path: inbox/orders
                  include: ["*.csv", "2024/*.csv"]
                  exclude: "*.tmp"
                  recursive: true
                  order: modified
                  maxFilesPerRun: 50
                  acceptEmptyFiles: true
                process:
                  - type: csv-to-jsonl
                    settings:
                      delimiter: ";"
                  - type: class
                    class: com.example.Enrich
                targets:
                  - path: out/orders
                    name: "{basename}-{run}.jsonl"
                  - path: /srv/mirror/orders
                onSuccess:
                  archive: archive/orders/{yyyy}/{MM}
                onFailure:
                  quarantine: rejected/orders
                  retries: 5
                  backoff: 2m
                properties:
                  region: eu
                stopGracePeriod: 20s
                """);

        assertThat(d.name()).isEqualTo("orders-daily");
        assertThat(d.description()).isEqualTo("Daily order files");
        assertThat(d.autoStart()).isTrue();
        assertThat(d.restart().automatic()).isFalse();
        assertThat(d.restart().minimumUptime()).isEqualTo(Duration.ofMinutes(1));
        assertThat(d.jvm().heap()).isEqualTo("512m");
        assertThat(d.jvm().options()).containsExactly("-XX:+UseSerialGC", "-Dfile.encoding=UTF-8");
        assertThat(d.schedule().every()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.source().path()).isEqualTo(data.resolve("inbox/orders"));
        assertThat(d.source().include()).containsExactly("*.csv", "2024/*.csv");
        assertThat(d.source().exclude()).containsExactly("*.tmp");
        assertThat(d.source().recursive()).isTrue();
        assertThat(d.source().order()).isEqualTo(FileOrder.MODIFIED);
        assertThat(d.source().maxFilesPerRun()).isEqualTo(50);
        assertThat(d.source().acceptEmptyFiles()).isTrue();
        assertThat(d.process()).containsExactly(
                new StepSpec("csv-to-jsonl", null, Map.of("delimiter", ";")),
                new StepSpec("class", "com.example.Enrich", Map.of()));
        assertThat(d.targets()).hasSize(2);
        assertThat(d.targets().get(0).path()).isEqualTo(data.resolve("out/orders"));
        assertThat(d.targets().get(0).nameTemplate()).isEqualTo("{basename}-{run}.jsonl");
        assertThat(d.targets().get(1).path()).isEqualTo(Path.of("/srv/mirror/orders"));
        assertThat(d.targets().get(1).nameTemplate()).isEqualTo("{name}");
        assertThat(d.onSuccess().kind()).isEqualTo(DispositionKind.ARCHIVE);
        assertThat(d.onSuccess().archiveTemplate()).isEqualTo(data.resolve("archive/orders/{yyyy}/{MM}").toString());
        assertThat(d.onFailure().quarantine()).isEqualTo(data.resolve("rejected/orders"));
        assertThat(d.onFailure().retries()).isEqualTo(5);
        assertThat(d.onFailure().backoff()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.properties()).containsExactlyEntriesOf(Map.of("region", "eu"));
        assertThat(d.stopGracePeriod()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void minimalDescriptorGetsDefaults() throws IOException {
        ServiceDescriptor d = parse(MINIMAL);

        assertThat(d.autoStart()).isFalse();
        assertThat(d.restart().automatic()).isTrue();
        assertThat(d.jvm().heap()).isEqualTo("256m");
        assertThat(d.schedule()).isNull();
        assertThat(d.source().include()).containsExactly("*");
        assertThat(d.source().exclude()).isEmpty();
        assertThat(d.source().recursive()).isFalse();
        assertThat(d.source().order()).isEqualTo(FileOrder.NAME);
        assertThat(d.source().maxFilesPerRun()).isEqualTo(1000);
        assertThat(d.source().acceptEmptyFiles()).isFalse();
        assertThat(d.source().charset()).isEqualTo(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(d.onSuccess().kind()).isEqualTo(DispositionKind.ARCHIVE);
        assertThat(d.onSuccess().archiveTemplate()).isEqualTo(data.resolve("archive/{yyyy}/{MM}/{dd}").toString());
        assertThat(d.onFailure().quarantine()).isEqualTo(data.resolve("quarantine/orders"));
        assertThat(d.onFailure().retries()).isEqualTo(3);
        assertThat(d.onFailure().backoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.stopGracePeriod()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.limits().maxRunDuration()).as("maxRunDuration when absent").isNull();
    }

    @Test
    void maxRunDurationParses() throws IOException {
        ServiceDescriptor d = parse(MINIMAL + "limits: { maxRunDuration: 30m }\n");

        assertThat(d.limits().maxRunDuration()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void maxRunDurationJustAboveGraceAccepted() throws IOException {
        ServiceDescriptor d = parse(MINIMAL + "stopGracePeriod: 2s\nlimits: { maxRunDuration: 2001ms }\n");

        assertThat(d.limits().maxRunDuration()).isEqualTo(Duration.ofMillis(2001));
    }

    @Test
    void maxRunDurationBelowOneSecondRejected() {
        ConfigException e = rejected(MINIMAL + "stopGracePeriod: 100ms\nlimits: { maxRunDuration: 999ms }\n");

        assertNames(e, "limits.maxRunDuration", "999ms", "at least 1s");
    }

    @Test
    void maxRunDurationEqualToGraceRejected() {
        ConfigException e = rejected(MINIMAL + "stopGracePeriod: 20s\nlimits: { maxRunDuration: 20s }\n");

        assertNames(e, "limits.maxRunDuration", "20s", "a duration longer than stopGracePeriod (20s)");
    }

    @Test
    void maxRunDurationBelowDefaultGraceRejected() {
        ConfigException e = rejected(MINIMAL + "limits: { maxRunDuration: 5s }\n");

        assertNames(e, "limits.maxRunDuration", "5s", "a duration longer than stopGracePeriod (10s)");
    }

    @Test
    void unknownLimitRejected() {
        ConfigException e = rejected(MINIMAL + "limits: { maxItems: 5 }\n");

        assertThat(e.field()).isEqualTo("limits.maxItems");
        assertThat(e.getMessage()).contains("[maxRunDuration]");
    }

    @Test
    void sourceCharsetReachesEveryStep() throws IOException {
        ServiceDescriptor d = parse(MINIMAL.replace("  path: inbox/orders\n", "  path: inbox/orders\n  charset: utf-16le\n")
                + "properties:\n  region: EU\n");

        assertThat(d.source().charset()).isEqualTo(java.nio.charset.StandardCharsets.UTF_16LE);
        assertThat(DescriptorParser.stepProperties(d, d.process().get(0)))
                .containsEntry("charset", "UTF-16LE")
                .containsEntry("region", "EU");
    }

    @Test
    void stepCharsetOverridesSourceCharset() throws IOException {
        ServiceDescriptor d = parse(MINIMAL.replace("  path: inbox/orders\n", "  path: inbox/orders\n  charset: UTF-16\n")
                .replace("  - type: copy\n", "  - type: csv-to-jsonl\n    settings: { charset: windows-1252 }\n"));

        assertThat(DescriptorParser.stepProperties(d, d.process().get(0))).containsEntry("charset", "windows-1252");
    }

    @Test
    void unknownSourceCharsetRejected() {
        ConfigException e = rejected(MINIMAL.replace("  path: inbox/orders\n", "  path: inbox/orders\n  charset: klingon-8\n"));

        assertNames(e, "source.charset", "klingon-8", "a charset name this JVM supports");
    }

    @Test
    void deleteAndKeepDispositionsParse() throws IOException {
        ServiceDescriptor deleting = parse(MINIMAL + "onSuccess:\n  delete: true\n");
        ServiceDescriptor keeping = parse(MINIMAL + "onSuccess:\n  keep: true\n");

        assertThat(deleting.onSuccess().kind()).isEqualTo(DispositionKind.DELETE);
        assertThat(keeping.onSuccess().kind()).isEqualTo(DispositionKind.KEEP);
    }

    @Test
    void unknownTopLevelFieldRejected() {
        ConfigException e = rejected(MINIMAL + "shedule:\n  every: 5m\n");

        assertThat(e.field()).isEqualTo("shedule");
        assertThat(e.getMessage()).startsWith(descriptorFile + ": ");
        assertThat(e.getMessage()).contains("field 'shedule' is unknown");
        assertThat(e.getMessage()).contains("expected one of [");
        assertThat(e.getMessage()).contains("check its spelling");
    }

    @Test
    void unknownNestedFieldRejected() {
        ConfigException e = rejected(MINIMAL.replace("  path: inbox/orders\n", "  path: inbox/orders\n  colour: red\n"));

        assertThat(e.field()).isEqualTo("source.colour");
        assertThat(e.getMessage()).contains("field 'source.colour' is unknown");
        assertThat(e.getMessage()).contains("expected one of [");
        assertThat(e.getMessage()).contains("check its spelling");
    }

    @Test
    void upperCaseServiceNameRejected() {
        ConfigException e = rejected(MINIMAL.replace("name: orders", "name: Orders_Daily"));

        assertNames(e, "name", "Orders_Daily", "1 to 63 lower-case letters, digits and '-'");
    }

    @Test
    void serviceNameOf64CharactersRejected() {
        String name = "a".repeat(64);

        ConfigException e = rejected(MINIMAL.replace("name: orders", "name: " + name));

        assertNames(e, "name", name, "1 to 63 lower-case letters");
    }

    @Test
    void missingServiceNameRejected() {
        ConfigException e = rejected(MINIMAL.replace("name: orders\n", ""));

        assertNames(e, "name", null, "a service name");
    }

    @Test
    void missingSourceRejected() {
        ConfigException e = rejected(MINIMAL.replace("source:\n  path: inbox/orders\n", ""));

        assertNames(e, "source", null, "a source folder");
    }

    @Test
    void sourceWithoutPathRejected() {
        ConfigException e = rejected(MINIMAL.replace("  path: inbox/orders\n", "  recursive: true\n"));

        assertNames(e, "source.path", null, "a folder path");
    }

    @Test
    void unclosedBracketGlobRejected() {
        ConfigException e = rejected(MINIMAL.replace("  path: inbox/orders\n", "  path: inbox/orders\n  include: \"[0-9\"\n"));

        assertNames(e, "source.include", "[0-9", "a glob pattern such as *.csv");
    }

    @Test
    void nestedGroupExcludeGlobRejected() {
        ConfigException e = rejected(MINIMAL.replace("  path: inbox/orders\n", "  path: inbox/orders\n  exclude: \"{a,{b}}\"\n"));

        assertNames(e, "source.exclude", "{a,{b}}", "a glob pattern such as *.csv");
    }

    @Test
    void unknownStepTypeRejected() {
        ConfigException e = rejected(MINIMAL.replace("  - type: copy\n", "  - type: copy\n  - type: shell\n"));

        assertNames(e, "process[1].type", "shell", "one of [class, copy, csv-to-jsonl, gunzip, gzip]");
    }

    @Test
    void classStepWithoutClassRejected() {
        ConfigException e = rejected(MINIMAL.replace("  - type: copy\n", "  - type: class\n"));

        assertNames(e, "process[0].class", null, "the fully qualified name of a class that implements io.baton.api.Step");
    }

    @Test
    void builtInStepWithClassRejected() {
        ConfigException e = rejected(MINIMAL.replace("  - type: copy\n", "  - type: gzip\n    class: com.example.Zip\n"));

        assertNames(e, "process[0].class", "com.example.Zip", "no class for the built-in step type 'gzip'");
    }

    @Test
    void emptyProcessListRejected() {
        ConfigException e = rejected(MINIMAL.replace("process:\n  - type: copy\n", "process: []\n"));

        assertNames(e, "process", "[]", "a list of at least one step");
    }

    @Test
    void targetInsideSourceRejected() {
        ConfigException e = rejected(MINIMAL.replace("  - path: out/orders", "  - path: out/orders\n  - path: inbox/orders/out"));

        assertNames(e, "targets[1].path", data.resolve("inbox/orders/out").toString(),
                "a folder outside the source folder " + data.resolve("inbox/orders"));
    }

    @Test
    void targetEqualToSourceRejected() {
        ConfigException e = rejected(MINIMAL.replace("  - path: out/orders", "  - path: inbox/orders"));

        assertNames(e, "targets[0].path", data.resolve("inbox/orders").toString(), "a folder outside the source folder");
    }

    @Test
    void targetNameWithSlashRejected() {
        ConfigException e = rejected(MINIMAL.replace("  - path: out/orders", "  - path: out/orders\n    name: \"../{name}\""));

        assertNames(e, "targets[0].name", "../{name}", "a file name without '/'");
    }

    @Test
    void emptyTargetNameRejected() {
        // An empty template makes the output path the target folder itself.
        ConfigException e = rejected(MINIMAL.replace("  - path: out/orders", "  - path: out/orders\n    name: \"\""));

        assertThat(e.field()).isEqualTo("targets[0].name");
    }

    @Test
    void archiveLinkedIntoInboxRejected() throws IOException {
        Files.createDirectories(data.resolve("inbox/orders"));
        Files.createSymbolicLink(data.resolve("alias"), data.resolve("inbox/orders"));

        ConfigException e = rejected(MINIMAL + "onSuccess:\n  archive: alias\n");

        assertNames(e, "onSuccess.archive", data.resolve("alias").toString(), "a folder outside the source folder");
    }

    @Test
    void sourceAtDataDirectoryRejected() {
        ConfigException e = rejected(MINIMAL.replace("path: inbox/orders", "path: .") + "onFailure: { quarantine: /tmp/q }\n");

        assertThat(e.field()).isEqualTo("source.path");
        assertThat(e.getMessage()).contains("the data directory's own folder");
    }

    @Test
    void targetInsideStateRejected() {
        ConfigException e = rejected(MINIMAL.replace("path: out/orders", "path: state/out"));

        assertNames(e, "targets[0].path", data.resolve("state/out").toString(), "a folder that neither is, contains nor lies inside");
    }

    @Test
    void quarantineInsideWorkRejected() {
        ConfigException e = rejected(MINIMAL + "onFailure: { quarantine: work/q }\n");

        assertThat(e.field()).isEqualTo("onFailure.quarantine");
    }

    @Test
    void archiveEqualToInboxRejected() {
        ConfigException e = rejected(MINIMAL + "onSuccess:\n  archive: inbox/orders\n");

        assertNames(e, "onSuccess.archive", data.resolve("inbox/orders").toString(),
                "a folder outside the source folder " + data.resolve("inbox/orders"));
    }

    @Test
    void datedArchiveRootedAtInboxRejected() {
        ConfigException e = rejected(MINIMAL + "onSuccess:\n  archive: inbox/orders/{yyyy}\n");

        assertNames(e, "onSuccess.archive", data.resolve("inbox/orders/{yyyy}").toString(), "a folder outside the source folder");
    }

    @Test
    void archiveInsideRecursiveSourceRejected() {
        String yaml = MINIMAL.replace("  path: inbox/orders\n", "  path: inbox/orders\n  recursive: true\n")
                + "onSuccess:\n  archive: inbox/orders/done\n";

        ConfigException e = rejected(yaml);

        assertNames(e, "onSuccess.archive", data.resolve("inbox/orders/done").toString(), "a folder outside the source folder");
    }

    @Test
    void archiveBelowFlatSourceAccepted() throws IOException {
        // A source that is not recursive never lists its subfolders.
        ServiceDescriptor d = parse(MINIMAL + "onSuccess:\n  archive: inbox/orders/done\n");

        assertThat(d.onSuccess().archiveTemplate()).isEqualTo(data.resolve("inbox/orders/done").toString());
    }

    @Test
    void quarantineEqualToInboxRejected() {
        // A quarantined input linked back into the inbox would be listed again as a new delivery.
        ConfigException e = rejected(MINIMAL + "onFailure:\n  quarantine: inbox/orders\n");

        assertThat(e.field()).isEqualTo("onFailure.quarantine");
    }

    @Test
    void quarantineInsideRecursiveSourceRejected() {
        String yaml = MINIMAL.replace("  path: inbox/orders\n", "  path: inbox/orders\n  recursive: true\n")
                + "onFailure:\n  quarantine: inbox/orders/rejected\n";

        ConfigException e = rejected(yaml);

        assertThat(e.field()).isEqualTo("onFailure.quarantine");
    }

    @Test
    void duplicateKeyRejected() {
        // The first 'retries' would be silently ignored, like a misspelt key.
        ConfigException e = rejected(MINIMAL + "onFailure:\n  retries: 1\n  retries: 50\n");

        assertThat(e.getMessage()).contains("retries");
    }

    @Test
    void twoDispositionsRejected() {
        ConfigException e = rejected(MINIMAL + "onSuccess:\n  archive: archive\n  delete: true\n");

        assertNames(e, "onSuccess.archive", "archive", "only one of archive, delete: true or keep: true");
    }

    @Test
    void wordyDurationRejected() {
        ConfigException e = rejected(MINIMAL + "schedule:\n  every: 5 minutes\n");

        assertNames(e, "schedule.every", "5 minutes", Durations.EXPECTED);
    }

    @Test
    void durationWithoutUnitRejected() {
        ConfigException e = rejected(MINIMAL + "schedule:\n  every: 300\n");

        assertNames(e, "schedule.every", "300", Durations.EXPECTED);
    }

    @Test
    void durationTooLargeForLongRejected() {
        ConfigException e = rejected(MINIMAL + "schedule:\n  every: 99999999999999999999s\n");

        assertNames(e, "schedule.every", "99999999999999999999s", Durations.EXPECTED);
    }

    @Test
    void zeroIntervalRejected() {
        ConfigException e = rejected(MINIMAL + "schedule:\n  every: 0s\n");

        assertNames(e, "schedule.every", "0s", "at least 100ms");
    }

    @Test
    void cronWithZoneAndMisfireAccepted() throws Exception {
        ServiceDescriptor d = parse(MINIMAL + "schedule:\n  cron: \"0 30 2 * * *\"\n  timeZone: Europe/Berlin\n  misfire: skip\n");

        assertThat(d.schedule().cron().toString()).isEqualTo("0 30 2 * * *");
        assertThat(d.schedule().timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(d.schedule().misfire()).isEqualTo(MisfirePolicy.SKIP);
        assertThat(d.schedule().toSchedule().describe()).isEqualTo("cron 0 30 2 * * * Europe/Berlin");
    }

    @Test
    void cronDefaultsToUtcAndRunOnce() throws Exception {
        ServiceDescriptor d = parse(MINIMAL + "schedule:\n  cron: \"*/5 * * * *\"\n");

        assertThat(d.schedule().timeZone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(d.schedule().misfire()).isEqualTo(MisfirePolicy.RUN_ONCE);
    }

    @Test
    void cronWithHourTwentyFiveRejected() {
        ConfigException e = rejected(MINIMAL + "schedule:\n  cron: \"0 0 25 * * *\"\n");

        assertNames(e, "schedule.cron", "0 0 25 * * *", "a valid cron expression (second minute hour day-of-month month"
                + " day-of-week): hour 25 is outside 0-23");
    }

    @Test
    void unknownTimeZoneRejected() {
        ConfigException e = rejected(MINIMAL + "schedule:\n  cron: \"0 0 2 * * *\"\n  timeZone: Europe/Springfield\n");

        assertNames(e, "schedule.timeZone", "Europe/Springfield", "a time zone ID such as Europe/Berlin");
    }

    @Test
    void unknownMisfireRejected() {
        ConfigException e = rejected(MINIMAL + "schedule:\n  every: 1m\n  misfire: catch-up\n");

        assertNames(e, "schedule.misfire", "catch-up", "run-once or skip");
    }

    @Test
    void cronAndEveryTogetherRejected() {
        ConfigException e = rejected(MINIMAL + "schedule:\n  every: 1m\n  cron: \"0 * * * * *\"\n");

        assertNames(e, "schedule.every", "1m", "either 'every' or 'cron', not both");
    }

    @Test
    void timeZoneWithIntervalRejected() {
        ConfigException e = rejected(MINIMAL + "schedule:\n  every: 1m\n  timeZone: Europe/Berlin\n");

        assertNames(e, "schedule.timeZone", "Europe/Berlin", "no time zone with 'every'");
    }

    @Test
    void heapInGigabytesWordRejected() {
        ConfigException e = rejected(MINIMAL + "jvm:\n  heap: 2GB\n");

        assertNames(e, "jvm.heap", "2GB", "a heap size such as 64m or 2g");
    }

    @Test
    void jvmOptionWithoutDashRejected() {
        ConfigException e = rejected(MINIMAL + "jvm:\n  options: [Xmx2g]\n");

        assertNames(e, "jvm.options", "Xmx2g", "JVM options that start with '-'");
    }

    @Test
    void unknownTargetPlaceholderRejected() {
        ConfigException e = rejected(MINIMAL.replace("  - path: out/orders", "  - path: out/orders\n    name: \"{basename}-{date}.csv\""));

        assertNames(e, "targets[0].name", "{basename}-{date}.csv", "placeholders among [{basename}, {epoch}, {ext}, {name}, {run}], not {date}");
    }

    @Test
    void unknownArchivePlaceholderRejected() {
        ConfigException e = rejected(MINIMAL + "onSuccess:\n  archive: archive/{year}\n");

        assertNames(e, "onSuccess.archive", "archive/{year}", "placeholders among [{MM}, {dd}, {yyyy}], not {year}");
    }

    @Test
    void retriesAboveLimitRejected() {
        ConfigException e = rejected(MINIMAL + "onFailure:\n  retries: 101\n");

        assertNames(e, "onFailure.retries", "101", "a whole number from 0 to 100");
    }

    @Test
    void invalidGlobOnOneLine() {
        ConfigException e = rejected(MINIMAL.replace("  path: inbox/orders\n", "  path: inbox/orders\n  include: \"[\"\n"));

        assertThat(e.field()).isEqualTo("source.include");
        assertThat(e.getMessage()).doesNotContain("\n");
        assertThat(e.getMessage()).contains("'['").contains("at character 1").contains("backslash");
    }

    @Test
    void yamlSyntaxErrorRejected() {
        ConfigException e = rejected("name: orders\nsource: [inbox\n");

        assertThat(e.field()).isEqualTo("(document)");
        assertThat(e.getMessage()).startsWith(descriptorFile + ": invalid YAML at line 2, column ");
        assertThat(e.getMessage()).contains("flow sequence");
        assertThat(e.getMessage()).doesNotContain("field '(document)' is missing");
    }

    @Test
    void emptyFileRejected() {
        ConfigException e = rejected("");

        assertNames(e, "(document)", null, "a YAML mapping, but the file is empty");
    }

    @Test
    void commentOnlyFileRejected() {
        ConfigException e = rejected("# nothing here yet\n");

        assertNames(e, "(document)", null, "a YAML mapping, but the file is empty");
    }

    @Test
    void topLevelListRejected() {
        ConfigException e = rejected("- name: orders\n");

        assertNames(e, "(document)", "[{\"name\":\"orders\"}]", "a YAML mapping of fields");
    }

    @Test
    void stepSettingsMergeOverProperties() throws IOException {
        ServiceDescriptor d = parse(MINIMAL.replace("  - type: copy\n", "  - type: copy\n    settings: { region: us, mode: fast }\n")
                + "properties:\n  region: eu\n  owner: ops\n");

        Map<String, String> merged = DescriptorParser.stepProperties(d, d.process().get(0));

        assertThat(merged).containsExactlyInAnyOrderEntriesOf(Map.of("charset", "UTF-8", "region", "us", "owner", "ops", "mode", "fast"));
        assertThat(List.copyOf(merged.keySet())).startsWith("charset", "region", "owner");
    }
    @Test
    void keepForOfArchiveAndQuarantineParses() throws IOException {
        ServiceDescriptor d = parse(MINIMAL + "onSuccess: { archive: \"archive/{yyyy}\", keepFor: 30d }\nonFailure: { keepFor: 90d }\n");

        assertThat(d.onSuccess().keepFor()).isEqualTo(Duration.ofDays(30));
        assertThat(d.onFailure().keepFor()).isEqualTo(Duration.ofDays(90));
    }

    @Test
    void keepForAbsentKeepsForEver() throws IOException {
        ServiceDescriptor d = parse(MINIMAL);

        assertThat(d.onSuccess().keepFor()).isNull();
        assertThat(d.onFailure().keepFor()).isNull();
    }

    @Test
    void keepForWithDeleteRejected() {
        ConfigException e = rejected(MINIMAL + "onSuccess: { delete: true, keepFor: 30d }\n");

        assertNames(e, "onSuccess.keepFor", "30d", "no keepFor unless inputs are archived");
    }

    @Test
    void keepForNotADurationRejected() {
        ConfigException e = rejected(MINIMAL + "onFailure: { keepFor: forever }\n");

        assertNames(e, "onFailure.keepFor", "forever", "a duration such as");
    }
}
