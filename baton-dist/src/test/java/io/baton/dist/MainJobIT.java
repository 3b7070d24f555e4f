package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code examples/run-main-job.sh} in a fresh clone of the repository, as a new user would, and
 * checks that every monthly drop of exchange rates was converted to JSON Lines exactly once. The clone
 * contains only committed files, so uncommitted changes are not tested here.
 */
class MainJobIT {

    private static final Duration CLONE_TIMEOUT = Duration.ofMinutes(2);
    /** Covers the script's build of the clone, its node start and its own 300 s wait for the drops. */
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final List<String> CSV_COLUMNS = List.of("Date", "Country", "Exchange rate");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void mainJobConvertsEveryDropOnce() throws Exception {
        Path clone = temp.resolve("repository");
        Path work = temp.resolve("main-job");
        cloneRepository(clone);

        Path scriptLog = temp.resolve("run-main-job.log");
        int exitCode = runMainJob(clone, work, scriptLog);
        assertThat(exitCode).as("exit code of run-main-job.sh; its output:%n%s", tail(scriptLog)).isZero();

        List<String> expectedRecords = csvRecords(clone.resolve("examples/data/exchange-rates/monthly.csv"));
        Set<String> expectedMonths = new TreeSet<>();
        for (String csvRecord : expectedRecords) {
            expectedMonths.add(csvRecord.substring(0, 7));
        }

        Path data = work.resolve("data");
        List<Path> outputs = files(data.resolve("outbox/fx-rates"));
        assertThat(outputs).as("outputs, one per monthly drop").hasSize(expectedMonths.size());
        assertThat(outputs).allSatisfy(output -> assertThat(output.getFileName().toString()).endsWith(".jsonl"));

        Map<String, String> monthOfOutput = new TreeMap<>();
        List<String> actualRecords = new ArrayList<>();
        for (Path output : outputs) {
            Set<String> months = new TreeSet<>();
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            assertThat(lines).as("records in %s", output.getFileName()).isNotEmpty();
            for (String line : lines) {
                JsonNode json = JSON.readTree(line);
                assertThat(json.isObject()).as("line of %s is a JSON object: %s", output.getFileName(), line).isTrue();
                assertThat(fieldNames(json)).as("keys of a record in %s", output.getFileName()).isEqualTo(CSV_COLUMNS);
                String date = json.get("Date").asText();
                actualRecords.add(date + "," + json.get("Country").asText() + "," + json.get("Exchange rate").asText());
                months.add(date.substring(0, 7));
            }
            assertThat(months).as("months in %s", output.getFileName()).hasSize(1);
            monthOfOutput.put(baseName(output.getFileName().toString()), months.iterator().next());
        }
        assertThat(new TreeSet<>(monthOfOutput.values())).as("months covered by the outputs").isEqualTo(expectedMonths);

        assertThat(actualRecords).as("record count of all outputs").hasSize(expectedRecords.size());
        List<String> sortedActual = new ArrayList<>(actualRecords);
        List<String> sortedExpected = new ArrayList<>(expectedRecords);
        sortedActual.sort(null);
        sortedExpected.sort(null);
        assertThat(sortedActual).as("records of all outputs, compared with the rows of monthly.csv").isEqualTo(sortedExpected);

        assertThat(files(data.resolve("inbox/fx-rates"))).as("inputs left in the inbox").isEmpty();
        assertThat(files(data.resolve("quarantine/fx-rates"))).as("quarantined inputs").isEmpty();

        List<Path> archived = files(data.resolve("archive/fx-rates"));
        assertThat(archived).as("archived inputs").hasSize(outputs.size());
        Set<String> archivedDrops = new TreeSet<>();
        for (Path input : archived) {
            String name = input.getFileName().toString();
            assertThat(name).as("archived input name").matches(".+\\.run-[0-9]+\\.csv");
            archivedDrops.add(name.replaceFirst("\\.run-[0-9]+\\.csv$", ""));
        }
        assertThat(archivedDrops).as("drops archived, by base name").isEqualTo(monthOfOutput.keySet());
    }

    private static void cloneRepository(Path clone) throws IOException, InterruptedException {
        String repoRoot = System.getProperty("baton.repoRoot");
        assertThat(repoRoot).as("system property baton.repoRoot, the repository root").isNotBlank();
        Process git = new ProcessBuilder("git", "clone", "--quiet", repoRoot, clone.toString())
                .redirectErrorStream(true)
                .redirectOutput(clone.resolveSibling("git-clone.log").toFile())
                .start();
        if (!git.waitFor(CLONE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            git.destroyForcibly();
            fail("git clone of %s timed out after %s", repoRoot, CLONE_TIMEOUT);
        }
        assertThat(git.exitValue()).as("exit code of git clone %s; its output:%n%s", repoRoot,
                tail(clone.resolveSibling("git-clone.log"))).isZero();
    }

    /** Runs the script with the JDK of this test and returns its exit code; stops it at the timeout. */
    private static int runMainJob(Path clone, Path work, Path log) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", "examples/run-main-job.sh", work.toString())
                .directory(clone.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("BATON_HOME");
        Process script = builder.start();
        if (script.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            return script.exitValue();
        }

        // SIGTERM lets the script stop its node with 'baton node stop'; whatever is left is killed.
        script.destroy();
        if (!script.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
        }
        return fail("run-main-job.sh did not finish within %s; its output:%n%s", SCRIPT_TIMEOUT, tail(log));
    }

    /** Returns the data records of a CSV file without quoted fields, each as its line without the line end. */
    private static List<String> csvRecords(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertThat(lines).as("lines of %s", csv).isNotEmpty();
        assertThat(lines.get(0)).as("header of %s", csv).isEqualTo(String.join(",", CSV_COLUMNS));
        List<String> records = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isEmpty()) {
                records.add(line);
            }
        }
        return records;
    }

    /** Lists the regular files below a folder, in all subfolders; none when the folder is missing. */
    private static List<Path> files(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static List<String> fieldNames(JsonNode json) {
        List<String> names = new ArrayList<>();
        Iterator<String> it = json.fieldNames();
        it.forEachRemaining(names::add);
        return names;
    }

    private static String baseName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    /** Returns the last 60 lines of a log file, for failure messages. */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
