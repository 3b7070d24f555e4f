package io.baton.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamingTest {

    private static final Path ROOT = Path.of("/srv/out");

    @Test
    void outputNameExpandsPlaceholders() {
        assertThat(Naming.outputName("{basename}.jsonl", "rates.2026-01.csv", 7, 3)).isEqualTo("rates.2026-01.jsonl");
        assertThat(Naming.outputName("{name}", "a.csv", 7, 3)).isEqualTo("a.csv");
        assertThat(Naming.outputName("{basename}-{run}-{epoch}.{ext}", "a.csv", 7, 3)).isEqualTo("a-7-3.csv");
        assertThat(Naming.outputName("{basename}.gz", "README", 7, 3)).isEqualTo("README.gz");
        assertThat(Naming.outputName("{basename}.out", ".hidden", 7, 3)).isEqualTo(".hidden.out");
    }

    @Test
    void uniqueNameKeepsExtension() {
        assertThat(Naming.unique("daily.csv", "run-42")).isEqualTo("daily.run-42.csv");
        assertThat(Naming.unique("daily", "run-42")).isEqualTo("daily.run-42");
        assertThat(Naming.unique("-rf.csv", "run-1")).isEqualTo("-rf.run-1.csv");
    }

    @Test
    void archiveFolderUsesDate() {
        ZonedDateTime day = ZonedDateTime.of(2026, 3, 9, 23, 59, 0, 0, ZoneId.of("Europe/Berlin"));
        assertThat(Naming.archiveFolder("/srv/archive/{yyyy}/{MM}/{dd}", day)).isEqualTo(Path.of("/srv/archive/2026/03/09"));
    }

    @Test
    void insideKeepsOddNamesInFolder() {
        assertThat(Naming.inside(ROOT, "", "Überweisung März.csv")).isEqualTo(ROOT.resolve("Überweisung März.csv"));
        assertThat(Naming.inside(ROOT, "siteA", "orders.csv")).isEqualTo(ROOT.resolve("siteA/orders.csv"));
        assertThat(Naming.inside(ROOT, "", "-rf.csv")).isEqualTo(ROOT.resolve("-rf.csv"));
        assertThat(Naming.inside(ROOT, "", "a".repeat(200) + ".csv").getFileName().toString()).hasSize(204);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../x.csv", "../../etc/passwd", "sub/../../x.csv", ".", "/etc/cron.d/x"})
    void insideRejectsEscapes(String name) {
        assertThatThrownBy(() -> Naming.inside(ROOT, "", name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("would leave the folder");
    }

    @Test
    void insideRejectsEscapingFolder() {
        assertThatThrownBy(() -> Naming.inside(ROOT, "../elsewhere", "a.csv")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void longNamesFitInNameMax(@TempDir Path folder) throws Exception {
        String ascii = "a".repeat(243) + ".csv";
        String umlauts = "ü".repeat(124) + ".csv";
        String hugeExtension = "x." + "e".repeat(252);
        for (String input : List.of(ascii, umlauts, hugeExtension)) {
            String archived = Naming.unique(input, "run-42");
            String archivedTwice = Naming.unique(input, "run-42.item-17");
            String quarantined = Naming.quarantineName(input, 1234567);
            String output = Naming.outputName("{basename}-{run}.jsonl", input, 42, 3);

            assertThat(bytes(archived)).as("archive name of " + input).isLessThanOrEqualTo(255);
            assertThat(bytes(archivedTwice)).as("archive name with item id of " + input).isLessThanOrEqualTo(255);
            assertThat(bytes(quarantined + ".reason.txt")).as("reason file of " + input).isLessThanOrEqualTo(255);
            assertThat(bytes(output)).as("output name of " + input).isLessThanOrEqualTo(255);
            for (String name : List.of(archived, archivedTwice, quarantined, quarantined + ".reason.txt", output)) {
                Files.createFile(folder.resolve(name));
            }
        }
    }

    @Test
    void longNameKeepsTagAndExtension() {
        String archived = Naming.unique("a".repeat(250) + ".csv", "run-42");
        String quarantined = Naming.quarantineName("ü".repeat(124) + ".csv", 17);

        assertThat(archived).startsWith("aaaa").matches("a+~[0-9a-f]{8}\\.run-42\\.csv");
        assertThat(quarantined).matches("ü+~[0-9a-f]{8}\\.item-17\\.csv");
        assertThat(Naming.outputName("{basename}.jsonl", "b".repeat(260) + ".csv", 1, 1)).endsWith(".jsonl");
    }

    @Test
    void longNamesWithSharedPrefixDiffer() {
        String prefix = "report-".repeat(40);

        String first = Naming.unique(prefix + "north.csv", "run-1");
        String second = Naming.unique(prefix + "south.csv", "run-1");

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void shortNamesUnchanged() {
        String name = "a".repeat(200) + ".csv";

        assertThat(Naming.unique(name, "run-42")).isEqualTo("a".repeat(200) + ".run-42.csv");
        assertThat(Naming.quarantineName(name, 17)).isEqualTo("a".repeat(200) + ".item-17.csv");
    }

    private static int bytes(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length;
    }
}
