package io.baton.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table printed with columns as wide as their longest value, so that long user names, addresses or
 * times never shift the columns after them. The last column is not padded, because it contains free text.
 */
final class TextTable {

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    TextTable(String... headers) {
        this.columns = headers.length;
        rows.add(headers);
    }

    /** Adds a row; a null value prints as an empty cell. */
    TextTable row(Object... values) {
        if (values.length != columns) {
            throw new IllegalArgumentException("a row of " + values.length + " values in a table of " + columns + " columns");
        }
        rows.add(Arrays.stream(values).map(v -> v == null ? "" : v.toString()).toArray(String[]::new));
        return this;
    }

    void print(PrintStream out) {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(i == columns - 1 ? row[i] : pad(row[i], widths[i]) + "  ");
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - text.length());
    }
}
