package io.github.msrsafe.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One number the report tracks from run to run (a Java/C ratio, a batch speed-up, a goal's
 * measure), with its error. The report writes every figure of a run to a small TSV file
 * next to its charts; the next run reads the committed file and flags each figure that got
 * worse by more than the two runs' combined error.
 *
 * @param key           a stable name, e.g. "ffm.batch.1.x.1024.cpu"
 * @param label         what it is, in words
 * @param value         the figure
 * @param error         half the width of its 99.9% interval (NaN if unknown)
 * @param lowerIsBetter true for costs and Java/C ratios, false for speed-ups
 */
public record Figure(String key, String label, double value, double error, boolean lowerIsBetter) {

    /** The TSV file's first line. */
    static final String HEADER = "# key\tvalue\terror\tbetter\tlabel";

    /** A figure compared with the same figure of an earlier run. */
    public record Change(Figure now, Figure before) {

        /** How much worse (positive) or better (negative) the figure got, in its own units. */
        public double worsening() {
            double difference = now.value - before.value;
            return now.lowerIsBetter ? difference : -difference;
        }

        /** The combined error of the two runs (an unknown error counts as 0). */
        public double combinedError() {
            return Math.hypot(known(now.error), known(before.error));
        }

        /** Worse by more than the combined error. */
        public boolean worse() {
            return worsening() > threshold();
        }

        /** Better by more than the combined error. */
        public boolean better() {
            return -worsening() > threshold();
        }

        // The combined error, but never less than the file's rounding (six significant digits):
        // a figure read back from the file is not a change, even when neither error is known.
        private double threshold() {
            return Math.max(combinedError(), 1e-5 * Math.abs(before.value));
        }

        private static double known(double error) {
            return Double.isNaN(error) ? 0 : Math.abs(error);
        }
    }

    /** The figures as the TSV file holds them, one per line, in order. */
    static String toTsv(List<Figure> figures) {
        StringBuilder tsv = new StringBuilder(HEADER).append('\n');
        for (Figure figure : figures) {
            tsv.append(figure.key).append('\t').append(exact(figure.value)).append('\t').append(exact(figure.error))
                    .append('\t').append(figure.lowerIsBetter ? "lower" : "higher").append('\t')
                    .append(figure.label.replace('\t', ' ').replace('\n', ' ')).append('\n');
        }
        return tsv.toString();
    }

    /**
     * The figures of a TSV file written by {@link #toTsv}, by key; lines that do not parse
     * (a file from another version) are skipped.
     */
    static Map<String, Figure> parseTsv(String tsv) {
        Map<String, Figure> figures = new LinkedHashMap<>();
        for (String line : tsv.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            if (fields.length < 5 || !(fields[3].equals("lower") || fields[3].equals("higher"))) {
                continue;
            }
            try {
                figures.put(fields[0], new Figure(fields[0], fields[4], Double.parseDouble(fields[1]),
                        Double.parseDouble(fields[2]), fields[3].equals("lower")));
            } catch (NumberFormatException skipped) {
                // Not a line this version wrote.
            }
        }
        return figures;
    }

    /** Each figure of {@code now} that {@code before} also has, paired with it, in {@code now}'s order. */
    static List<Change> compare(List<Figure> now, Map<String, Figure> before) {
        List<Change> changes = new ArrayList<>();
        for (Figure figure : now) {
            Figure earlier = before.get(figure.key);
            if (earlier != null && !Double.isNaN(figure.value) && !Double.isNaN(earlier.value)) {
                changes.add(new Change(figure, earlier));
            }
        }
        return changes;
    }

    private static String exact(double value) {
        return Double.isNaN(value) ? "NaN" : String.format(Locale.ROOT, "%.6g", value);
    }
}
