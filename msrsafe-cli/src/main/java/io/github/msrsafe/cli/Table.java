package io.github.msrsafe.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: a header row and data rows, columns separated by two spaces,
 * numeric columns right-aligned, the last column left ragged.
 */
final class Table {

    private final List<String> headers;
    private final boolean[] rightAligned;
    private final List<List<String>> rows = new ArrayList<>();

    /** Column names; a name starting with '>' is right-aligned (the '>' is not printed). */
    Table(String... headers) {
        this.headers = new ArrayList<>();
        this.rightAligned = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            rightAligned[i] = headers[i].startsWith(">");
            this.headers.add(rightAligned[i] ? headers[i].substring(1) : headers[i]);
        }
    }

    void add(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.size() + " columns");
        }
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(String.valueOf(cell));
        }
        rows.add(row);
    }

    /** The table, each line ending in '\n'. */
    String render() {
        int[] widths = new int[headers.size()];
        for (int column = 0; column < widths.length; column++) {
            widths[column] = headers.get(column).length();
            for (List<String> row : rows) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        StringBuilder text = new StringBuilder();
        line(headers, widths, text);
        for (List<String> row : rows) {
            line(row, widths, text);
        }
        return text.toString();
    }

    private void line(List<String> cells, int[] widths, StringBuilder text) {
        StringBuilder line = new StringBuilder();
        for (int column = 0; column < cells.size(); column++) {
            String cell = cells.get(column);
            String padding = " ".repeat(widths[column] - cell.length());
            if (column > 0) {
                line.append("  ");
            }
            if (rightAligned[column]) {
                line.append(padding).append(cell);
            } else if (column < cells.size() - 1) {
                line.append(cell).append(padding);
            } else {
                line.append(cell);
            }
        }
        text.append(line.toString().stripTrailing()).append('\n');
    }
}
