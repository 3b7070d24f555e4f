package io.baton.worker.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BuiltInStepsTest {

    @Test
    void listsTypesInNameOrder() {
        assertThat(BuiltInSteps.types()).containsExactly("copy", "csv-to-jsonl", "gunzip", "gzip");
    }

    @Test
    void createsStepForEachType() {
        assertThat(BuiltInSteps.create("copy")).isInstanceOf(CopyStep.class);
        assertThat(BuiltInSteps.create("gzip")).isInstanceOf(GzipStep.class);
        assertThat(BuiltInSteps.create("gunzip")).isInstanceOf(GunzipStep.class);
        assertThat(BuiltInSteps.create("csv-to-jsonl")).isInstanceOf(CsvToJsonLinesStep.class);
    }

    @Test
    void createsNewInstanceEachCall() {
        assertThat(BuiltInSteps.create("copy")).isNotSameAs(BuiltInSteps.create("copy"));
    }

    @Test
    void rejectsUnknownTypeListingKnownTypes() {
        assertThatThrownBy(() -> BuiltInSteps.create("csv-to-json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"csv-to-json\"")
                .hasMessageContaining("copy, csv-to-jsonl, gunzip, gzip");
    }

    @Test
    void typesCannotBeModified() {
        assertThatThrownBy(() -> BuiltInSteps.types().add("shell"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
