package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void columnsAsWideAsTheirLongestValue() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new TextTable("NAME", "ROLE", "NOTE")
                .row("a-very-long-user-name-of-41-characters-xx", "operator", "first")
                .row("bo", null, "second line")
                .print(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "NAME                                       ROLE      NOTE",
                "a-very-long-user-name-of-41-characters-xx  operator  first",
                "bo                                                   second line");
    }

    @Test
    void rowOfTheWrongWidthRejected() {
        assertThatThrownBy(() -> new TextTable("A", "B").row("only one")).hasMessageContaining("a row of 1 values in a table of 2 columns");
    }
}
