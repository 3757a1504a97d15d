package io.github.msrsafe.benchmarks.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One benchmark result from JMH's JSON output: which benchmark with which parameters,
 * and its primary score with the error JMH reports (half-width of the 99.9% confidence
 * interval; NaN when there were too few iterations to compute one).
 *
 * @param benchmark  the benchmark's simple class name and method, e.g. "SerialVsBatchReadBenchmark.batchRead"
 * @param params     the @Param values
 * @param mode       JMH's mode: avgt, thrpt, ss, sample
 * @param score      the primary score
 * @param error      the score's error
 * @param unit       the score's unit, e.g. "us/op"
 * @param secondary  secondary metrics by name (e.g. "gc.alloc.rate.norm")
 * @param jdk        the JDK version that ran it
 * @param vm         the JVM's name and version
 * @param samples    how many measurement iterations (times forks) the score comes from
 * @param forks      how many JVMs ran it (1 when JMH ran it in its own JVM, -f 0)
 * @param iterationSeconds the length of one measurement iteration; NaN in single-shot mode
 */
public record JmhResult(String benchmark, Map<String, String> params, String mode, double score, double error,
                        String unit, Map<String, Metric> secondary, String jdk, String vm, int samples, int forks,
                        double iterationSeconds) {

    /** A secondary metric, e.g. the gc profiler's "gc.alloc.rate.norm" in B/op. */
    public record Metric(double score, double error, String unit) {}

    /** The results in a JMH JSON file's text. */
    @SuppressWarnings("unchecked")
    public static List<JmhResult> parseAll(String json) {
        Object root = Json.parse(json);
        if (!(root instanceof List<?> list)) {
            throw new IllegalArgumentException("a JMH result file is a JSON array, not " + describe(root));
        }
        return list.stream().map(entry -> from((Map<String, Object>) entry)).toList();
    }

    @SuppressWarnings("unchecked")
    static JmhResult from(Map<String, Object> entry) {
        String fullName = (String) entry.get("benchmark");
        String[] parts = fullName.split("\\.");
        String benchmark = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : fullName;
        Map<String, String> params = new LinkedHashMap<>();
        Object rawParams = entry.get("params");
        if (rawParams instanceof Map<?, ?> map) {
            map.forEach((key, value) -> params.put((String) key, String.valueOf(value)));
        }
        Metric primary = metric((Map<String, Object>) entry.get("primaryMetric"));
        Map<String, Metric> secondary = new LinkedHashMap<>();
        Object rawSecondary = entry.get("secondaryMetrics");
        if (rawSecondary instanceof Map<?, ?> map) {
            map.forEach((key, value) -> secondary.put((String) key, metric((Map<String, Object>) value)));
        }
        String vm = entry.getOrDefault("vmName", "") + " " + entry.getOrDefault("vmVersion", "");
        int forks = (int) number(entry.get("forks"));
        int iterations = (int) number(entry.get("measurementIterations"));
        return new JmhResult(benchmark, Map.copyOf(params), (String) entry.get("mode"), primary.score(),
                primary.error(), primary.unit(), secondary, String.valueOf(entry.getOrDefault("jdkVersion", "?")),
                vm.strip(), Math.max(1, forks) * iterations, Math.max(1, forks), seconds(entry.get("measurementTime")));
    }

    /** The secondary metric {@code name}, if the run has it (e.g. only with its profiler). */
    public Optional<Metric> metric(String name) {
        return Optional.ofNullable(secondary.get(name));
    }

    /** The primary score converted to seconds per op; NaN unless the unit is a time per op. */
    public double secondsPerOp() {
        return perOpSeconds(score, unit);
    }

    /** {@code value} in {@code unit} (e.g. "us/op") as seconds per op; NaN unless the unit is a time per op. */
    static double perOpSeconds(double value, String unit) {
        int slash = unit.indexOf('/');
        if (slash < 0 || !unit.substring(slash + 1).equals("op")) {
            return Double.NaN;
        }
        return value * unitSeconds(unit.substring(0, slash));
    }

    /** The simple class name of the benchmark, e.g. "FfmVsCBenchmark". */
    public String benchmarkClass() {
        int dot = benchmark.indexOf('.');
        return dot < 0 ? benchmark : benchmark.substring(0, dot);
    }

    /** The benchmark method's name, e.g. "batchRead". */
    public String method() {
        return benchmark.substring(benchmark.indexOf('.') + 1);
    }

    /** An integer @Param, or {@code fallback} if the benchmark has no such parameter. */
    public int intParam(String name, int fallback) {
        String value = params.get(name);
        return value == null ? fallback : Integer.parseInt(value);
    }

    /**
     * About how many benchmark ops one measurement iteration ran: what JMH's per-iteration
     * figures, such as the gc profiler's bytes per op, are divided by. NaN when unknown.
     */
    public double opsPerIteration() {
        if (mode.equals("thrpt")) {
            return score * iterationSeconds / unitSeconds(unit.substring(unit.indexOf('/') + 1));
        }
        if (mode.equals("avgt") || mode.equals("sample")) {
            return iterationSeconds / (score * unitSeconds(unit.substring(0, unit.indexOf('/'))));
        }
        return Double.NaN;
    }

    /** "300 ms" as seconds; NaN for anything else (JMH writes "single-shot" in that mode). */
    static double seconds(Object time) {
        if (!(time instanceof String text)) {
            return Double.NaN;
        }
        String[] parts = text.strip().split(" ");
        if (parts.length != 2) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(parts[0]) * unitSeconds(parts[1]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double unitSeconds(String unit) {
        return switch (unit) {
            case "ns" -> 1e-9;
            case "us" -> 1e-6;
            case "ms" -> 1e-3;
            case "s" -> 1;
            case "min" -> 60;
            default -> Double.NaN;
        };
    }

    private static Metric metric(Map<String, Object> metric) {
        return new Metric(number(metric.get("score")), number(metric.get("scoreError")),
                String.valueOf(metric.get("scoreUnit")));
    }

    private static double number(Object value) {
        if (value instanceof Double d) {
            return d;
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s); // JMH writes "NaN" as a string
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }
}
