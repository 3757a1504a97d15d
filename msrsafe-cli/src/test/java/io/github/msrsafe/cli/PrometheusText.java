package io.github.msrsafe.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), for tests: it
 * rejects, with the line, anything the format does not allow (bad names, unescaped or unknown
 * escapes in label values, a TYPE after its samples or twice, a family's samples split up,
 * repeated series or label names, values that are not floats, a counter that is negative or
 * NaN, a missing final newline) and returns the families it read. The Prometheus Java client
 * has writers only; this is the format's rules, written down from its specification.
 */
final class PrometheusText {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One series: its labels (sorted by name) and value. */
    record Series(Map<String, String> labels, double value) {}

    /** One family: TYPE, HELP and its series by full sample name. */
    record Family(String name, String type, String help, List<Series> series) {}

    /** Thrown for text that breaks the format. */
    static final class FormatError extends AssertionError {
        private static final long serialVersionUID = 1L;

        FormatError(int line, String text, String problem) {
            super("line " + line + " '" + text + "': " + problem);
        }
    }

    private PrometheusText() {}

    /** The families of {@code text}, by TYPE name, in order. */
    static Map<String, Family> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new FormatError(0, "", "the text does not end with a newline");
        }
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> helps = new LinkedHashMap<>();
        Map<String, List<Series>> series = new LinkedHashMap<>();
        Set<String> seenSeries = new HashSet<>();
        Set<String> closedFamilies = new HashSet<>();
        String currentFamily = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            int number = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && (parts[1].equals("TYPE") || parts[1].equals("HELP"))) {
                    String name = parts[2];
                    requireName(number, line, name);
                    if (series.containsKey(name) || closedFamilies.contains(name)) {
                        throw new FormatError(number, line, parts[1] + " after samples of " + name);
                    }
                    if (parts[1].equals("TYPE")) {
                        if (parts.length != 4 || !TYPES.contains(parts[3])) {
                            throw new FormatError(number, line, "TYPE needs one of " + TYPES);
                        }
                        if (types.put(name, parts[3]) != null) {
                            throw new FormatError(number, line, "a second TYPE for " + name);
                        }
                    } else {
                        String help = parts.length == 4 ? parts[3] : "";
                        checkEscapes(number, line, help, false);
                        if (helps.put(name, help) != null) {
                            throw new FormatError(number, line, "a second HELP for " + name);
                        }
                    }
                    if (!name.equals(currentFamily) && currentFamily != null) {
                        closedFamilies.add(currentFamily);
                    }
                    currentFamily = name;
                }
                continue; // other comments are allowed
            }
            int nameEnd = 0;
            while (nameEnd < line.length() && line.charAt(nameEnd) != '{' && line.charAt(nameEnd) != ' ') {
                nameEnd++;
            }
            String name = line.substring(0, nameEnd);
            requireName(number, line, name);
            Map<String, String> labels = new TreeMap<>();
            int at = nameEnd;
            if (at < line.length() && line.charAt(at) == '{') {
                at = readLabels(number, line, at + 1, labels);
            }
            if (at >= line.length() || line.charAt(at) != ' ') {
                throw new FormatError(number, line, "no value after the name and labels");
            }
            String[] rest = line.substring(at + 1).split(" ");
            if (rest.length < 1 || rest.length > 2) {
                throw new FormatError(number, line, "expected a value and at most a timestamp");
            }
            double value = parseValue(number, line, rest[0]);
            if (rest.length == 2) {
                try {
                    Long.parseLong(rest[1]);
                } catch (NumberFormatException e) {
                    throw new FormatError(number, line, "the timestamp is not an integer");
                }
            }
            String family = familyOf(name, types);
            if (closedFamilies.contains(family)) {
                throw new FormatError(number, line, "samples of " + family + " are not together");
            }
            if (!family.equals(currentFamily) && currentFamily != null) {
                closedFamilies.add(currentFamily);
            }
            currentFamily = family;
            if (!seenSeries.add(name + labels)) {
                throw new FormatError(number, line, "the series " + name + labels + " appears twice");
            }
            if ("counter".equals(types.get(family)) && (Double.isNaN(value) || value < 0)) {
                throw new FormatError(number, line, "a counter must not be negative or NaN");
            }
            series.computeIfAbsent(family, f -> new ArrayList<>()).add(new Series(labels, value));
        }
        Map<String, Family> families = new LinkedHashMap<>();
        for (String name : series.keySet()) {
            families.put(name, new Family(name, types.getOrDefault(name, "untyped"), helps.get(name),
                    List.copyOf(series.get(name))));
        }
        return families;
    }

    /** A sample's family: its own name, or the TYPE name it carries a suffix of (histograms and summaries). */
    private static String familyOf(String name, Map<String, String> types) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : List.of("_bucket", "_count", "_sum", "_created")) {
            if (name.endsWith(suffix) && types.containsKey(name.substring(0, name.length() - suffix.length()))) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    private static int readLabels(int number, String line, int at, Map<String, String> labels) {
        while (true) {
            if (at < line.length() && line.charAt(at) == '}') {
                return at + 1;
            }
            int equals = line.indexOf('=', at);
            if (equals < 0) {
                throw new FormatError(number, line, "a label without '='");
            }
            String label = line.substring(at, equals);
            if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
                throw new FormatError(number, line, "bad label name '" + label + "'");
            }
            if (equals + 1 >= line.length() || line.charAt(equals + 1) != '"') {
                throw new FormatError(number, line, "label value of " + label + " is not quoted");
            }
            StringBuilder value = new StringBuilder();
            int i = equals + 2;
            for (; i < line.length() && line.charAt(i) != '"'; i++) {
                char c = line.charAt(i);
                if (c == '\\') {
                    if (i + 1 >= line.length() || "\\\"n".indexOf(line.charAt(i + 1)) < 0) {
                        throw new FormatError(number, line, "unknown escape in the value of " + label);
                    }
                    i++;
                    value.append(line.charAt(i) == 'n' ? '\n' : line.charAt(i));
                } else {
                    value.append(c);
                }
            }
            if (i >= line.length()) {
                throw new FormatError(number, line, "the value of " + label + " is not closed");
            }
            if (labels.put(label, value.toString()) != null) {
                throw new FormatError(number, line, "label " + label + " appears twice");
            }
            at = i + 1;
            if (at < line.length() && line.charAt(at) == ',') {
                at++;
            } else if (at >= line.length() || line.charAt(at) != '}') {
                throw new FormatError(number, line, "labels must be separated by ',' and closed by '}'");
            }
        }
    }

    private static void checkEscapes(int number, String line, String text, boolean quotes) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\\') {
                if (i + 1 >= text.length() || (quotes ? "\\\"n" : "\\n").indexOf(text.charAt(i + 1)) < 0) {
                    throw new FormatError(number, line, "unknown escape in HELP");
                }
                i++;
            }
        }
    }

    private static double parseValue(int number, String line, String text) {
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                if (!text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                    throw new FormatError(number, line, "'" + text + "' is not a float");
                }
                return Double.parseDouble(text);
        }
    }

    private static void requireName(int number, String line, String name) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new FormatError(number, line, "bad metric name '" + name + "'");
        }
    }
}
