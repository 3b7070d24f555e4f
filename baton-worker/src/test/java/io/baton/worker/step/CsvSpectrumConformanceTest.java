package io.baton.worker.step;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Converts every CSV of the csv-spectrum suite (test resources under csv-spectrum/) and compares the
 * JSON Lines output with the records of the JSON file of the same name.
 */
class CsvSpectrumConformanceTest {

    private static final String ROOT = "/csv-spectrum/";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * A value that csv-spectrum 2.0.0 gets wrong in an expected JSON file, with the value that its CSV
     * file contains. The test checks that the upstream value is still the wrong one, so that a fixed
     * resource makes the correction fail instead of going unnoticed.
     */
    private record Correction(String caseName, String key, String upstreamValue, String csvValue) {}

    private static final List<Correction> UPSTREAM_CORRECTIONS = List.of(
            new Correction("location_coordinates", "Contact Phone Number", "1234567890", "2095257564"));

    @TempDir
    Path folder;

    static Stream<String> cases() throws IOException, URISyntaxException {
        URL csvs = Objects.requireNonNull(
                CsvSpectrumConformanceTest.class.getResource(ROOT + "csvs"), "csv-spectrum/csvs on the classpath");
        try (Stream<Path> files = Files.list(Path.of(csvs.toURI()))) {
            return files.map(file -> file.getFileName().toString())
                    .map(name -> name.substring(0, name.length() - ".csv".length()))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void convertsToExpectedRecords(String name) throws IOException {
        List<JsonNode> expected = expectedRecords(name);

        FileStepContext context = StepRunner.run(
                new CsvToJsonLinesStep(), folder, resource("csvs/" + name + ".csv"), Map.of());
        List<JsonNode> actual = parseJsonLines(StepRunner.output(context));

        assertThat(actual).containsExactlyElementsOf(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(fieldNames(actual.get(i)))
                    .as("key order of record %d", i + 1)
                    .containsExactlyElementsOf(fieldNames(expected.get(i)));
        }
        assertThat(context.records()).isEqualTo(expected.size());
    }

    /** Reads the expected JSON: an array of records, or a single object, which counts as one record. */
    private static List<JsonNode> expectedRecords(String name) throws IOException {
        JsonNode root = MAPPER.readTree(resource("json/" + name + ".json"));
        List<JsonNode> records = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(records::add);
        } else {
            records.add(root);
        }

        for (Correction correction : UPSTREAM_CORRECTIONS) {
            if (!correction.caseName().equals(name)) {
                continue;
            }
            for (JsonNode record : records) {
                assertThat(record.path(correction.key()).asText())
                        .as("upstream value of %s in %s.json; drop the correction if it is fixed",
                                correction.key(), name)
                        .isEqualTo(correction.upstreamValue());
                ((ObjectNode) record).put(correction.key(), correction.csvValue());
            }
        }
        return records;
    }

    /** Parses the output, which must be strict UTF-8 with one JSON object per '\n'-terminated line. */
    private static List<JsonNode> parseJsonLines(byte[] output) throws IOException {
        String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(output)).toString();
        if (!text.isEmpty()) {
            assertThat(text).endsWith("\n");
        }
        assertThat(text).doesNotContain("\r");

        List<JsonNode> records = new ArrayList<>();
        for (String line : text.lines().toList()) {
            JsonNode record = MAPPER.readTree(line);
            assertThat(record.isObject()).as("line is a JSON object: %s", line).isTrue();
            records.add(record);
        }
        return records;
    }

    private static List<String> fieldNames(JsonNode record) {
        List<String> names = new ArrayList<>();
        record.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static byte[] resource(String path) {
        try (InputStream in = CsvSpectrumConformanceTest.class.getResourceAsStream(ROOT + path)) {
            Objects.requireNonNull(in, () -> "missing test resource " + ROOT + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
