package io.baton.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
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
}
