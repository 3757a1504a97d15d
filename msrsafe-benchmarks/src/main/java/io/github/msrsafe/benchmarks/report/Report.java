package io.github.msrsafe.benchmarks.report;

import io.github.msrsafe.benchmarks.report.SvgChart.Point;
import io.github.msrsafe.benchmarks.report.SvgChart.Series;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Turns JMH's JSON results into docs/benchmarks.md and its SVG charts. Everything in
 * the report is computed from the results and the machine; nothing is typed in by hand,
 * so a rerun replaces it whole.
 *
 * <p>Besides the markdown and the charts it writes the run's {@linkplain Figure figures}
 * (every ratio and goal measure, with its error) to {@code figures.tsv} in the charts
 * directory; given the committed copy of that file ({@code --baseline}), the report flags
 * each figure that got worse by more than the two runs' combined error.
 *
 * <pre>
 * java -cp msrsafe-benchmarks.jar io.github.msrsafe.benchmarks.report.Report \
 *     --results results.json --markdown docs/benchmarks.md --charts docs/benchmarks \
 *     [--baseline figures.tsv] [--command "how to reproduce"] [--jmh-options "..."]
 *     [--load-before "0.1 0.2 0.3"] [--load-after "..."] [--load-samples FILE] [--seconds N]
 * </pre>
 */
public final class Report {

    static final String READ = "SerialVsBatchReadBenchmark";
    static final String WRITE = "SerialVsBatchWriteBenchmark";
    static final String FFM = "FfmVsCBenchmark";
    static final String ALLOWLIST = "AllowlistParseBenchmark";
    static final String CLI = "CliColdStartBenchmark";
    static final String LAYOUTS = "BatchLayoutBenchmark";
    static final String SAVE = "SerialVsBatchSaveBenchmark";
    static final String ALLOCATION = "gc.alloc.rate.norm";
    /** ThreadCpuProfiler's secondary results (its PER_OP and SHARE; a test keeps them equal). */
    static final String CPU = "thread.cpu.time.norm";
    static final String CPU_SHARE = "thread.cpu.share";
    /** The file of the run's figures, in the charts directory. */
    static final String FIGURES_FILE = "figures.tsv";

    private static final List<String> BACKENDS = List.of("sim", "native", "real");
    private static final Map<String, String> BACKEND_COLORS = Map.of("sim", "#1f77b4", "native", "#d62728",
            "real", "#2ca02c");
    private static final Map<String, String> BACKEND_NAMES = Map.of(
            "sim", "simulated device (pure Java, no system call)",
            "native", "native FFM path: sparse per-CPU files (pread/pwrite), batch ioctl to the C stand-in module",
            "real", "real msr_safe under /dev/cpu");

    /**
     * How the run was made, for the report's header.
     *
     * @param command    the command that reproduces the report
     * @param jmhOptions the JMH options the run used
     * @param loadBefore the load average before the run ("1.0 0.5 0.2"), or empty
     * @param loadAfter  the load average after it, or empty
     * @param seconds    the run's wall time, or -1
     * @param date       the day of the run
     * @param loadSamples the 1-minute load average sampled during the run (empty if not sampled)
     */
    public record Run(String command, String jmhOptions, String loadBefore, String loadAfter, long seconds,
                      LocalDate date, List<Double> loadSamples) {

        public Run {
            loadSamples = List.copyOf(loadSamples);
        }
    }

    private final List<JmhResult> results;
    private final Environment environment;
    private final Run run;
    private final String chartPath; // relative to the markdown file
    private final Map<String, Figure> baseline; // the committed run's figures; empty if none

    Report(List<JmhResult> results, Environment environment, Run run, String chartPath) {
        this(results, environment, run, chartPath, Map.of());
    }

    Report(List<JmhResult> results, Environment environment, Run run, String chartPath, Map<String, Figure> baseline) {
        this.results = results;
        this.environment = environment;
        this.run = run;
        this.chartPath = chartPath;
        this.baseline = baseline;
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("usage: Report --results FILE [--results FILE...] --markdown FILE --charts DIR "
                        + "[--baseline FIGURES.TSV] [--command TEXT] [--jmh-options TEXT] [--load-before TEXT] "
                        + "[--load-after TEXT] [--load-samples FILE] [--seconds N]");
                System.exit(2);
            }
            options.merge(args[i].substring(2), args[++i], (a, b) -> a + "\n" + b);
        }
        List<JmhResult> results = new ArrayList<>();
        for (String file : options.getOrDefault("results", "").split("\n")) {
            if (!file.isEmpty()) {
                results.addAll(JmhResult.parseAll(Files.readString(Path.of(file), StandardCharsets.UTF_8)));
            }
        }
        if (results.isEmpty()) {
            System.err.println("Report: no results (give --results with a JMH -rf json file)");
            System.exit(1);
        }
        Path markdown = Path.of(options.getOrDefault("markdown", "docs/benchmarks.md"));
        Path charts = Path.of(options.getOrDefault("charts", "docs/benchmarks"));
        List<Double> loadSamples = new ArrayList<>();
        if (options.containsKey("load-samples") && Files.isRegularFile(Path.of(options.get("load-samples")))) {
            for (String line : Files.readAllLines(Path.of(options.get("load-samples")), StandardCharsets.UTF_8)) {
                try {
                    loadSamples.add(Double.parseDouble(line.strip()));
                } catch (NumberFormatException skipped) {
                    // A line cut short when the sampler was stopped.
                }
            }
        }
        Run run = new Run(options.getOrDefault("command", ""), options.getOrDefault("jmh-options", ""),
                options.getOrDefault("load-before", ""), options.getOrDefault("load-after", ""),
                Long.parseLong(options.getOrDefault("seconds", "-1")), LocalDate.now(ZoneOffset.UTC), loadSamples);
        Map<String, Figure> baseline = Map.of();
        if (options.containsKey("baseline") && Files.isRegularFile(Path.of(options.get("baseline")))) {
            baseline = Figure.parseTsv(Files.readString(Path.of(options.get("baseline")), StandardCharsets.UTF_8));
        }
        Path parent = markdown.toAbsolutePath().getParent();
        String relative = parent.relativize(charts.toAbsolutePath()).toString().replace('\\', '/');
        Report report = new Report(results, Environment.collect(results), run, relative, baseline);
        Files.createDirectories(charts);
        for (Map.Entry<String, String> chart : report.charts().entrySet()) {
            Files.writeString(charts.resolve(chart.getKey()), chart.getValue(), StandardCharsets.UTF_8);
        }
        Files.writeString(charts.resolve(FIGURES_FILE), Figure.toTsv(report.figures()), StandardCharsets.UTF_8);
        Files.createDirectories(parent);
        Files.writeString(markdown, report.markdown(), StandardCharsets.UTF_8);
        System.out.println("Report: wrote " + markdown + " and " + report.charts().size() + " chart(s) in " + charts
                + " from " + results.size() + " results");
    }

    // ---- goals, figures and changes since the committed report

    /** A value with its error (half the width of its 99.9% interval; NaN if unknown). */
    record Measure(double value, double error) {

        static Measure of(JmhResult r) {
            return new Measure(r.score(), r.error());
        }

        static Measure of(JmhResult.Metric metric) {
            return new Measure(metric.score(), metric.error());
        }

        Measure times(double factor) {
            return new Measure(value * factor, error * factor);
        }

        /** this / other, with the combined relative error. */
        Measure over(Measure other) {
            double ratio = value / other.value;
            return new Measure(ratio, ratio * Math.hypot(error / value, other.error / other.value));
        }
    }

    /**
     * One goal of the library's performance work and how this run measured it.
     *
     * @param what    what is measured
     * @param target  the goal in words, e.g. "<= 1.15"
     * @param limit   the largest value that meets it
     * @param cpu     the measure by thread CPU time, if any (it decides)
     * @param wall    the measure by wall time, if any
     * @param unit    the measures' unit, e.g. "x" or " ms"
     * @param key     the figure key of the deciding measure
     */
    record Goal(String what, String target, double limit, Optional<Measure> cpu, Optional<Measure> wall, String unit,
                String key) {

        Optional<Measure> deciding() {
            return cpu.isPresent() ? cpu : wall;
        }

        String verdict() {
            return deciding().map(m -> verdict(m, limit)).orElse("not measured");
        }

        static String verdict(Measure measure, double limit) {
            double error = Double.isNaN(measure.error()) ? 0 : Math.abs(measure.error());
            if (measure.value() + error <= limit) {
                return "met";
            }
            return measure.value() - error > limit ? "**not met**" : "within the error";
        }
    }

    /** The goals, each measured from this run's results ("not measured" when the run lacks them). */
    List<Goal> goals() {
        List<Goal> goals = new ArrayList<>();
        List<FfmCase> cases = ffmCases(select(r -> r.benchmarkClass().equals(FFM)));
        for (FfmCase ffmCase : cases) {
            if (ffmCase.key().startsWith("ffm.batch.") || ffmCase.key().startsWith("ffm.bulk.")) {
                goals.add(new Goal(ffmCase.label().replace("batch of", "Batch of") + ", Java / C", "<= 1.15", 1.15,
                        cpuRatio(ffmCase.library(), ffmCase.c()), wallRatio(ffmCase.library(), ffmCase.c()), "x",
                        ffmCase.key() + ".cpu"));
            }
        }
        if (cases.stream().noneMatch(ffmCase -> ffmCase.key().startsWith("ffm.batch."))) {
            goals.add(new Goal("Batch fill, ioctl and fold, Java / C", "<= 1.15", 1.15, Optional.empty(),
                    Optional.empty(), "x", "ffm.batch"));
        }
        Optional<FfmCase> pread = cases.stream().filter(ffmCase -> ffmCase.key().equals("ffm.pread")).findFirst();
        goals.add(new Goal("pread through `MsrSafe.read`, Java / C", "<= 1.10", 1.10,
                pread.flatMap(ffmCase -> cpuRatio(ffmCase.library(), ffmCase.c())),
                pread.flatMap(ffmCase -> wallRatio(ffmCase.library(), ffmCase.c())), "x", "ffm.pread.cpu"));
        Optional<JmhResult> parse = select(r -> r.benchmarkClass().equals(ALLOWLIST)
                && "131072".equals(r.params().get("inputBytes"))).stream().findFirst();
        goals.add(new Goal("Parse of a 128 KiB allowlist", "<= 0.5 ms", 0.5,
                parse.flatMap(r -> r.metric(CPU).map(m -> inMillis(Measure.of(m), m.unit()))),
                parse.map(r -> inMillis(Measure.of(r), r.unit())), " ms", "allowlist.parse.ms.cpu"));
        for (String launcher : List.of("bin/msrsafe", "dist")) {
            Optional<JmhResult> lint = cliRun(launcher, "allowlist-lint");
            Optional<JmhResult> floor = cliRun(launcher, "java-version");
            if (lint.isPresent() || floor.isPresent() || launcher.equals("bin/msrsafe")) {
                goals.add(new Goal("`allowlist lint allowlists/` cold, started by `" + launcher
                        + "`, over `java -version`", "<= 2x", 2, Optional.empty(), wallRatio(lint, floor), "x",
                        "cli.lint." + launcher));
            }
        }
        Optional<JmhResult> save = select(r -> r.benchmarkClass().equals(SAVE) && r.method().equals("batchSave")
                && "60".equals(r.params().get("cpus")) && "500".equals(r.params().get("msrsPerCpu"))).stream()
                .filter(r -> r.secondary().containsKey(ALLOCATION))
                .min(Comparator.comparingInt(r -> "native".equals(r.params().get("backend")) ? 0 : 1)); // native first
        goals.add(new Goal("Batched save of 60 CPUs x 500 registers, read again (`StateCapture.read`), heap per "
                + "register once warm",
                "0 B (judged as < 0.5 B: JMH's own bookkeeping, spread over the registers)", 0.5, Optional.empty(),
                save.map(r -> new Measure(r.secondary().get(ALLOCATION).score() / 30_000, Double.NaN)), " B",
                "save.bytesPerRegister"));
        return goals;
    }

    private void goals(StringBuilder md) {
        md.append("## Goals\n\n");
        md.append("Each goal measured in this run; Java / C ratios come from Java and C run side by side in the same ")
                .append("JMH run. The verdict is taken on thread CPU time where there is one (see *How to read*).\n\n");
        md.append("| what | goal | CPU time | wall time | verdict |\n|---|---|---:|---:|---|\n");
        for (Goal goal : goals()) {
            md.append("| ").append(goal.what()).append(" | ").append(goal.target()).append(" | ")
                    .append(goal.cpu().map(m -> measureText(m, goal.unit())).orElse("-")).append(" | ")
                    .append(goal.wall().map(m -> measureText(m, goal.unit())).orElse("-")).append(" | ")
                    .append(goal.verdict()).append(" |\n");
        }
        md.append('\n');
        whereTheTimeGoes(md, goals());
    }

    /**
     * For each kind of goal this run did not clearly meet, where its time goes: what the
     * profiles (-XX:+PrintInlining, class-loading logs) showed when the goals were set. The
     * numbers stay in the tables above; this says why they are what they are.
     */
    private static boolean notClearlyMet(Goal goal) {
        return !goal.verdict().equals("met") && !goal.verdict().equals("not measured");
    }

    static void whereTheTimeGoes(StringBuilder md, List<Goal> goals) {
        boolean batch = goals.stream().anyMatch(g -> g.key().startsWith("ffm.batch.") && notClearlyMet(g));
        boolean bulkFixed = goals.stream().anyMatch(g -> g.key().startsWith("ffm.bulk.") && notClearlyMet(g));
        boolean coldStart = goals.stream().anyMatch(g -> g.key().startsWith("cli.") && notClearlyMet(g));
        if (!batch && !bulkFixed && !coldStart) {
            return;
        }
        md.append("### Where the time goes in the goals not clearly met\n\n");
        if (batch || bulkFixed) {
            md.append("- **The fixed cost of an execute** (what a batch of 1 op shows): making `close()` safe while ")
                    .append("another thread executes costs six atomic updates per execute (the use counts of the batch, ")
                    .append("of the handle and of the batch device's descriptor, each entered and left); the batch ")
                    .append("device checks the header and the ops segment before the ioctl, so that the kernel never ")
                    .append("writes outside memory Java owns; and the downcall itself costs what the *bare FFM* pread ")
                    .append("shows over C below. These were found by profiling when the goal was set, not timed apart ")
                    .append("in this run. Larger batches spread the cost thin.\n");
        }
        if (batch) {
            md.append("- **`addRead` one op at a time**: C2 compiles the fill of one op (four 8-byte stores, each ")
                    .append("with FFM's bounds, alignment and liveness checks) to about 3 KB of machine code, above the ")
                    .append("2,500 bytes (`-XX:InlineSmallCode`) it inlines into a caller's loop once the method has ")
                    .append("been compiled on its own (`-XX:+PrintInlining`: \"already compiled into a big method\"). ")
                    .append("Each `addRead` is then a call whose checks are not hoisted out of the loop; whether a JVM ")
                    .append("compiled it first alone varies from fork to fork, hence the wide errors. The bulk forms ")
                    .append("`addReads` and `values` fill and copy in one loop inside the library.\n");
        }
        if (coldStart) {
            md.append("- **CLI cold start**: `java -version` is the floor. The command must also start the module ")
                    .append("graph of its own modules and load picocli, whose class files are Java 5's: the JDK's ")
                    .append("start-up archives (CDS, and the AOT cache the build makes on JDK 25) skip class files ")
                    .append("older than Java 6, so picocli's classes are loaded and verified on every start ")
                    .append("(the training run's log, `msrsafe-cli/target/msrsafe.aot.log`, lists them as \"Old class\"). The command builds the picocli model ")
                    .append("of the subcommand it runs only, and resolves the Prometheus client only for `exporter`; ")
                    .append("within 2x would need picocli's classes in the archive.\n");
        }
        md.append('\n');
    }

    /**
     * Every figure this run tracks, for the next run to compare with: the goals' measures,
     * every Java / C ratio by wall and CPU time, and every batch speed-up.
     */
    List<Figure> figures() {
        List<Figure> figures = new ArrayList<>();
        for (Goal goal : goals()) {
            goal.deciding().ifPresent(m -> figures.add(new Figure(goal.key(), goal.what(), m.value(), m.error(), true)));
        }
        for (FfmCase ffmCase : ffmCases(select(r -> r.benchmarkClass().equals(FFM)))) {
            wallRatio(ffmCase.library(), ffmCase.c()).ifPresent(m -> figures.add(new Figure(ffmCase.key() + ".wall",
                    ffmCase.label() + ", library / C, wall", m.value(), m.error(), true)));
            String cpuKey = ffmCase.key() + ".cpu";
            if (figures.stream().noneMatch(f -> f.key().equals(cpuKey))) { // a goal's figure already
                cpuRatio(ffmCase.library(), ffmCase.c()).ifPresent(m -> figures.add(new Figure(cpuKey,
                        ffmCase.label() + ", library / C, CPU", m.value(), m.error(), true)));
            }
            wallRatio(ffmCase.bareFfm(), ffmCase.c()).ifPresent(m -> figures.add(new Figure(ffmCase.key()
                    + ".bare.wall", ffmCase.label() + ", bare FFM / C, wall", m.value(), m.error(), true)));
        }
        for (String[] kind : List.of(new String[] {READ, "serialRead", "batchRead", "read"},
                new String[] {WRITE, "serialWrite", "batchWrite", "write"})) {
            List<JmhResult> rows = select(r -> r.benchmarkClass().equals(kind[0]));
            for (String backend : BACKENDS) {
                Map<String, JmhResult> serial = byShape(rows, backend, kind[1]);
                Map<String, JmhResult> batch = byShape(rows, backend, kind[2]);
                for (Map.Entry<String, JmhResult> entry : serial.entrySet()) {
                    JmhResult b = batch.get(entry.getKey());
                    if (b != null) {
                        Measure speedUp = Measure.of(entry.getValue()).over(Measure.of(b));
                        figures.add(new Figure("speedup." + kind[3] + "." + backend + "." + entry.getKey()
                                .replace(" ", ""), "batch " + kind[3] + " speed-up, " + backend + ", " + entry.getKey(),
                                speedUp.value(), speedUp.error(), false));
                    }
                }
            }
        }
        return figures;
    }

    private void changes(StringBuilder md) {
        md.append("## Changes since the committed report\n\n");
        if (baseline.isEmpty()) {
            md.append("No figures of an earlier report to compare with.\n\n");
            return;
        }
        List<Figure.Change> changes = Figure.compare(figures(), baseline);
        List<Figure.Change> worse = changes.stream().filter(Figure.Change::worse).toList();
        List<Figure.Change> better = changes.stream().filter(Figure.Change::better).toList();
        md.append("Each figure (ratio or goal measure) compared with the same figure in the committed report; a change ")
                .append("counts when it is larger than the two runs' errors combined. ").append(changes.size())
                .append(" figures compared: ").append(worse.size()).append(" worse, ").append(better.size())
                .append(" better, the rest unchanged within their errors.\n\n");
        if (!worse.isEmpty() || !better.isEmpty()) {
            md.append("| figure | before | now | change |\n|---|---:|---:|---|\n");
            for (Figure.Change change : worse) {
                changeRow(md, change, "**worse**");
            }
            for (Figure.Change change : better) {
                changeRow(md, change, "better");
            }
            md.append('\n');
        }
    }

    private static void changeRow(StringBuilder md, Figure.Change change, String verdict) {
        md.append("| ").append(change.now().label()).append(" | ")
                .append(withError(change.before().value(), change.before().error())).append(" | ")
                .append(withError(change.now().value(), change.now().error())).append(" | ").append(verdict)
                .append(" |\n");
    }

    private Optional<JmhResult> cliRun(String launcher, String task) {
        return select(r -> r.benchmarkClass().equals(CLI) && launcher.equals(r.params().get("launcher"))
                && task.equals(r.params().get("task"))).stream().findFirst();
    }

    private static Optional<Measure> wallRatio(Optional<JmhResult> numerator, Optional<JmhResult> denominator) {
        if (numerator.isEmpty() || denominator.isEmpty() || !(denominator.get().score() > 0)) {
            return Optional.empty();
        }
        return Optional.of(Measure.of(numerator.get()).over(Measure.of(denominator.get())));
    }

    private static Optional<Measure> cpuRatio(Optional<JmhResult> numerator, Optional<JmhResult> denominator) {
        Optional<JmhResult.Metric> top = numerator.flatMap(r -> r.metric(CPU));
        Optional<JmhResult.Metric> bottom = denominator.flatMap(r -> r.metric(CPU));
        if (top.isEmpty() || bottom.isEmpty() || !(bottom.get().score() > 0)) {
            return Optional.empty();
        }
        return Optional.of(Measure.of(top.get()).over(Measure.of(bottom.get())));
    }

    /** A time measure in {@code unit} ("us/op") as milliseconds. */
    private static Measure inMillis(Measure measure, String unit) {
        return measure.times(JmhResult.perOpSeconds(1, unit) * 1000);
    }

    private static String measureText(Measure measure, String unit) {
        return withError(measure.value(), measure.error()) + unit;
    }

    private static String ratioText(Measure measure) {
        return measureText(measure, "x");
    }

    /** "3" or "3 to 5": the range of {@code field} over the results. */
    private String span(ToIntFunction<JmhResult> field) {
        int min = results.stream().mapToInt(field).min().orElse(0);
        int max = results.stream().mapToInt(field).max().orElse(0);
        return min == max ? String.valueOf(min) : min + " to " + max;
    }

    // ---- thread CPU time

    private void cpuTime(StringBuilder md) {
        // Single-shot benchmarks (the CLI's) time a child process: their thread only waits for it.
        List<JmhResult> rows = select(r -> r.secondary().containsKey(CPU) && !r.mode().equals("ss"));
        md.append("## Thread CPU time\n\n");
        if (rows.isEmpty()) {
            md.append("Not measured: run with `-prof io.github.msrsafe.benchmarks.ThreadCpuProfiler`.\n\n");
            return;
        }
        md.append("Every benchmark's wall time per op beside the CPU time its thread used per op, and the share of the ")
                .append("wall time the thread ran. A low share means the thread waited (for a CPU on a loaded ")
                .append("machine, or on I/O), and its wall time says more about the machine than the code.\n\n");
        md.append("<details><summary>Every benchmark</summary>\n\n");
        md.append("| benchmark | parameters | wall | CPU | CPU share |\n|---|---|---:|---:|---:|\n");
        List<JmhResult> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(JmhResult::benchmark).thenComparing(r -> r.params().getOrDefault("backend", ""))
                .thenComparingInt(Report::opsPerRound).thenComparingInt(r -> r.intParam("batchOps", 0)));
        for (JmhResult r : sorted) {
            JmhResult.Metric cpu = r.secondary().get(CPU);
            JmhResult.Metric share = r.secondary().get(CPU_SHARE);
            md.append("| ").append(r.benchmark()).append(" | ").append(describeParams(r)).append(" | ")
                    .append(withError(r.score(), r.error())).append(' ').append(r.unit()).append(" | ")
                    .append(withError(cpu.score(), cpu.error())).append(' ').append(cpu.unit()).append(" | ")
                    .append(share == null ? "-" : number(share.score())).append(" |\n");
        }
        md.append("\n</details>\n\n");
    }

    private static String cpuTimed(Optional<JmhResult> result) {
        Optional<JmhResult.Metric> cpu = result.flatMap(r -> r.metric(CPU));
        if (cpu.isEmpty()) {
            return "-";
        }
        JmhResult.Metric metric = cpu.get();
        if (metric.unit().equals("ns/op") && metric.score() >= 10_000) {
            return withError(metric.score() / 1000, metric.error() / 1000) + " us";
        }
        return withError(metric.score(), metric.error()) + " " + metric.unit().replace("/op", "");
    }

    // ---- charts

    /** The SVG charts by file name: latency against ops per round, serial vs batch, one per op kind measured. */
    Map<String, String> charts() {
        Map<String, String> charts = new LinkedHashMap<>();
        chart(READ, "serialRead", "batchRead", "Reading N CPUs x M MSRs: per-CPU pread vs one batch ioctl")
                .ifPresent(svg -> charts.put("serial-vs-batch-read.svg", svg));
        chart(WRITE, "serialWrite", "batchWrite", "Writing N CPUs x M MSRs: per-CPU pwrite vs one batch ioctl")
                .ifPresent(svg -> charts.put("serial-vs-batch-write.svg", svg));
        return charts;
    }

    private Optional<String> chart(String benchmarkClass, String serial, String batch, String title) {
        List<Series> series = new ArrayList<>();
        for (String backend : BACKENDS) {
            for (String method : List.of(serial, batch)) {
                List<Point> points = select(r -> r.benchmarkClass().equals(benchmarkClass) && r.method().equals(method)
                        && backend.equals(r.params().get("backend"))).stream()
                        .map(r -> new Point(opsPerRound(r), r.score(), r.error()))
                        .toList();
                if (!points.isEmpty()) {
                    series.add(new Series(backend + (method.equals(serial) ? " serial" : " batch"),
                            BACKEND_COLORS.get(backend), method.equals(serial), points));
                }
            }
        }
        if (series.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(SvgChart.render(title, "ops per round (CPUs x MSRs per CPU), log scale",
                "microseconds per round, log scale", series));
    }

    // ---- markdown

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Generated by `").append(run.command().isEmpty() ? "Report" : run.command().split(" ")[0])
                .append("` from a real run on ").append(run.date())
                .append(" on the machine described below. Do not edit: rerun the script, which replaces this file ")
                .append("and its charts.\n\n");
        if (!run.command().isEmpty()) {
            md.append("Reproduce (from the project root):\n\n```sh\n").append(run.command()).append("\n```\n\n");
        }
        environment(md);
        goals(md);
        changes(md);
        howToRead(md);
        serialVsBatch(md, READ, "serialRead", "batchRead", "Reads", "serial-vs-batch-read.svg", "pread", "read");
        serialVsBatch(md, WRITE, "serialWrite", "batchWrite", "Writes", "serial-vs-batch-write.svg", "pwrite", "write");
        ffmVsC(md);
        layouts(md);
        allocation(md);
        cpuTime(md);
        allowlist(md);
        cli(md);
        others(md);
        notMeasured(md);
        return md.toString();
    }

    private void environment(StringBuilder md) {
        md.append("## Environment\n\n| | |\n|---|---|\n");
        row(md, "CPU", environment.cpuModel() + ", " + environment.logicalCpus() + " logical CPUs");
        row(md, "Memory", environment.memory());
        row(md, "OS", environment.os() + ", kernel " + environment.kernel());
        row(md, "JDK", environment.jdk());
        row(md, "C compiler", environment.gcc() + " (-O2)");
        row(md, "JMH", environment.jmh());
        if (!run.jmhOptions().isEmpty()) {
            row(md, "JMH options", "`" + run.jmhOptions() + "`");
        }
        if (!run.loadBefore().isEmpty()) {
            row(md, "Load average (1, 5, 15 min)", "before: " + run.loadBefore()
                    + (run.loadAfter().isEmpty() ? "" : "; after: " + run.loadAfter()));
        }
        if (!run.loadSamples().isEmpty()) {
            List<Double> sorted = run.loadSamples().stream().sorted().toList();
            row(md, "Load during the run (1 min)", String.format(Locale.ROOT,
                    "median %.2f, lowest %.2f, highest %.2f (%d samples), on %d logical CPUs",
                    sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1), sorted.size(),
                    environment.logicalCpus()));
        }
        if (run.seconds() >= 0) {
            row(md, "Run time", String.format(Locale.ROOT, "%d min %02d s", run.seconds() / 60, run.seconds() % 60));
        }
        md.append('\n');
    }

    private void howToRead(StringBuilder md) {
        md.append("## How to read these numbers\n\n");
        md.append("- This is a short configuration, on a machine whose ")
                .append(environment.logicalCpus()).append(" CPUs may be shared with other work (see the load above). ")
                .append("Each score comes from ").append(span(JmhResult::samples))
                .append(" measurement iteration(s) in ").append(span(JmhResult::forks)).append(" forked JVM(s).\n");
        md.append("- `±` is JMH's error: half the width of the 99.9% confidence interval over the iterations of all ")
                .append("forks together (Student's t), so JIT decisions that differ from one JVM to the next widen it. ")
                .append("It does not cover load from other processes that changes during the run. ")
                .append("`±?` means too few iterations to compute an interval.\n");
        md.append("- *CPU* is the thread CPU time of the benchmark thread per op (user and system, from the kernel's ")
                .append("per-thread clock; JMH profiler `io.github.msrsafe.benchmarks.ThreadCpuProfiler`), beside the ")
                .append("wall time JMH scores. A thread that waits for a CPU on a loaded machine loses wall time but ")
                .append("not CPU time, so CPU time is the steadier measure of the code's own cost; it leaves out the JIT ")
                .append("compiler and the garbage collector, which run on other threads. *CPU share* is CPU time over ")
                .append("wall time: near 1 when the benchmark thread always had a CPU.\n");
        md.append("- Ratios carry the combined relative error of both scores. Goals are judged on CPU time where it ")
                .append("was measured: *met* when the measure plus its error is within the goal, *not met* when the ")
                .append("measure minus its error is beyond it, *within the error* otherwise.\n");
        md.append("- A *round* is one benchmark op: N CPUs x M registers, read or written once each, either ")
                .append("one system call per register (*serial*, `MsrSafe.read`/`write` on the per-CPU device) or one ")
                .append("`MsrBatch.execute()` (*batch*, one X86_IOC_MSR_BATCH ioctl). Values are drawn from a fixed ")
                .append("seed and checked once before timing.\n");
        md.append("- Backends: ");
        List<String> present = BACKENDS.stream()
                .filter(b -> results.stream().anyMatch(r -> b.equals(r.params().get("backend")))).toList();
        for (String backend : present) {
            md.append("**").append(backend).append("**: ").append(BACKEND_NAMES.get(backend)).append(". ");
        }
        if (!present.contains("real")) {
            md.append("**real**: not measured, this machine has no /dev/cpu/msr_batch (msr_safe is not loaded); ")
                    .append("the benchmarks detect it and skip the backend with that reason.");
        }
        md.append("\n\n");
    }

    private void serialVsBatch(StringBuilder md, String benchmarkClass, String serial, String batch, String title,
                               String chart, String call, String verb) {
        List<JmhResult> rows = select(r -> r.benchmarkClass().equals(benchmarkClass));
        md.append("## Serial vs batch: ").append(title.toLowerCase(Locale.ROOT)).append("\n\n");
        if (rows.isEmpty()) {
            md.append("Not run.\n\n");
            return;
        }
        if (charts().containsKey(chart)) {
            md.append("![").append(title).append(": latency per round against ops per round, serial vs batch](")
                    .append(chartPath).append('/').append(chart).append(")\n\n")
                    .append("Dashed: serial, solid: batch. Bars: the 99.9% interval, cut at a tenth of the value ")
                    .append("where it reaches below zero (a log axis cannot show it).\n\n");
        }
        for (String backend : BACKENDS) {
            Map<String, JmhResult> serialByShape = byShape(rows, backend, serial);
            Map<String, JmhResult> batchByShape = byShape(rows, backend, batch);
            if (serialByShape.isEmpty() && batchByShape.isEmpty()) {
                continue;
            }
            md.append("**").append(backend).append("** (").append(BACKEND_NAMES.get(backend)).append(")\n\n");
            md.append("| CPUs x MSRs | ops | serial, us/round | batch, us/round | serial, ns/op | batch, ns/op | batch speed-up |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|\n");
            List<String> shapes = new ArrayList<>(serialByShape.keySet());
            batchByShape.keySet().stream().filter(s -> !shapes.contains(s)).forEach(shapes::add);
            shapes.sort(Comparator.comparingInt(Report::shapeOps).thenComparing(s -> s));
            String largest = null;
            for (String shape : shapes) {
                JmhResult s = serialByShape.get(shape);
                JmhResult b = batchByShape.get(shape);
                int ops = shapeOps(shape);
                md.append("| ").append(shape).append(" | ").append(String.format(Locale.ROOT, "%,d", ops)).append(" | ")
                        .append(s == null ? "-" : withError(s.score(), s.error())).append(" | ")
                        .append(b == null ? "-" : withError(b.score(), b.error())).append(" | ")
                        .append(s == null ? "-" : number(s.score() * 1000 / ops)).append(" | ")
                        .append(b == null ? "-" : number(b.score() * 1000 / ops)).append(" | ")
                        .append(s == null || b == null ? "-" : ratio(s, b)).append(" |\n");
                if (s != null && b != null) {
                    largest = shape;
                }
            }
            md.append('\n');
            if (largest != null) {
                JmhResult s = serialByShape.get(largest);
                JmhResult b = batchByShape.get(largest);
                md.append(String.format(Locale.ROOT, "At %,d ops per round (%s), one batch took %s us against %s us "
                                + "for one %s per register: a speed-up (serial / batch) of %s.\n\n", shapeOps(largest), largest,
                        number(b.score()), number(s.score()), call, ratio(s, b)));
            }
        }
        if (benchmarkClass.equals(WRITE)) {
            md.append("Writes are never benchmarked on real hardware: they would change the machine's registers.\n\n");
        }
        md.append("On the native backend the serial path is a real system call per register (pread/pwrite on a ")
                .append("page-cached sparse file) while the batch path is one downcall into the C stand-in module, ")
                .append("which makes one system call (fcntl) per ioctl and keeps the registers in memory: it shows ")
                .append("the library's per-call overhead and what batching saves in kernel entries, not the cost of ")
                .append("rdmsr/wrmsr and cross-CPU interrupts that the real module adds to every ").append(verb)
                .append(".\n\n");
    }

    private void ffmVsC(StringBuilder md) {
        List<JmhResult> rows = select(r -> r.benchmarkClass().equals(FFM));
        md.append("## FFM overhead against C\n\n");
        if (rows.isEmpty()) {
            md.append("Not run (it needs gcc).\n\n");
            return;
        }
        md.append("The same system calls made by the library, by a bare FFM downcall and by C (gcc -O2) in one JMH ")
                .append("run. The C loop is entered with one FFM call per invocation and repeats the case many times ")
                .append("(100 preads, or 10 batches), so the downcall into C is spread thin; scores are per case. ")
                .append("Wall time first, then thread CPU time.\n\n");
        md.append("| case | library | bare FFM | C | library / C | bare FFM / C | library CPU | C CPU | ")
                .append("library / C, CPU |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (FfmCase ffmCase : ffmCases(rows)) {
            md.append("| ").append(ffmCase.label()).append(" | ").append(timed(ffmCase.library())).append(" | ")
                    .append(timed(ffmCase.bareFfm())).append(" | ").append(timed(ffmCase.c())).append(" | ")
                    .append(ratio(ffmCase.library(), ffmCase.c())).append(" | ")
                    .append(ratio(ffmCase.bareFfm(), ffmCase.c())).append(" | ")
                    .append(cpuTimed(ffmCase.library())).append(" | ").append(cpuTimed(ffmCase.c())).append(" | ")
                    .append(cpuRatio(ffmCase.library(), ffmCase.c()).map(Report::ratioText).orElse("-"))
                    .append(" |\n");
        }
        md.append("\n*library*: `MsrSafe.read` (argument checks, the per-CPU descriptor, pread with errno captured) ")
                .append("and `MsrBatch.clear/addRead/execute/value` (or the bulk forms `addReads` and `values`) down to ")
                .append("the library's own ioctl handle. *bare FFM*: ")
                .append("one `invokeExact` of a pread handle with `captureCallState(\"errno\")`, the floor for any ")
                .append("correct binding. The pread goes to a page-cached sparse file and the batch ioctl to the C ")
                .append("stand-in module, the same for all.\n\n");
    }

    /** One row of the FFM table: a case measured through the library, maybe a bare downcall, and C. */
    private record FfmCase(String key, String label, Optional<JmhResult> library, Optional<JmhResult> bareFfm,
                           Optional<JmhResult> c) {}

    /** The pread case, then a batch case per layout and size, smallest first. */
    private static List<FfmCase> ffmCases(List<JmhResult> rows) {
        List<FfmCase> cases = new ArrayList<>();
        Optional<JmhResult> library = first(rows, "preadLibrary", Map.of());
        Optional<JmhResult> c = first(rows, "preadC", Map.of());
        if (library.isPresent() || c.isPresent()) {
            cases.add(new FfmCase("ffm.pread", "pread of 8 bytes (`MsrSafe.read`)", library,
                    first(rows, "preadFfm", Map.of()), c));
        }
        List<Map<String, String>> batchParams = rows.stream()
                .filter(r -> r.method().startsWith("batch") && r.params().containsKey("batchOps"))
                .map(JmhResult::params).distinct()
                .sorted(Comparator.comparing((Map<String, String> p) -> p.getOrDefault("layout", ""))
                        .thenComparingInt(p -> Integer.parseInt(p.get("batchOps"))))
                .toList();
        for (Map<String, String> params : batchParams) {
            String layout = params.get("layout");
            int ops = Integer.parseInt(params.get("batchOps"));
            String key = (layout == null ? "" : layout + ".") + ops;
            String label = String.format(Locale.ROOT, "batch of %,d read(s)%s", ops,
                    layout == null ? "" : ", " + layout + " layout");
            cases.add(new FfmCase("ffm.batch." + key, label + " by `addRead`, `value`: fill, ioctl, fold",
                    first(rows, "batchLibrary", params), Optional.empty(), first(rows, "batchC", params)));
            Optional<JmhResult> bulk = first(rows, "batchLibraryBulk", params);
            if (bulk.isPresent()) {
                cases.add(new FfmCase("ffm.bulk." + key, label + " by `addReads`, `values`: fill, ioctl, fold",
                        bulk, Optional.empty(), first(rows, "batchC", params)));
            }
        }
        return cases;
    }

    private void layouts(StringBuilder md) {
        List<JmhResult> rows = select(r -> r.benchmarkClass().equals(LAYOUTS));
        if (rows.isEmpty()) {
            return;
        }
        md.append("## Batch layouts: msr-safe 1.x against 2.x\n\n");
        md.append("One batch of reads filled, run in one ioctl to the C stand-in module and read back, with ")
                .append("msr-safe 1.x's 32-byte ops and 2.x's 88-byte ops, in one run. The library picks the layout ")
                .append("from the device's version file; the stand-in copies the ops in and out as the module does. ")
                .append("What differs is the bytes filled, copied and walked per op.\n\n");
        md.append("| ops per batch | 1.x (32-byte ops) | 2.x (88-byte ops) | 2.x / 1.x |\n|---:|---:|---:|---:|\n");
        List<Integer> sizes = rows.stream().map(r -> r.intParam("batchOps", 0)).distinct().sorted().toList();
        for (int size : sizes) {
            Optional<JmhResult> one = layoutRow(rows, size, "1.x");
            Optional<JmhResult> two = layoutRow(rows, size, "2.x");
            md.append("| ").append(String.format(Locale.ROOT, "%,d", size)).append(" | ").append(timed(one))
                    .append(" | ").append(timed(two)).append(" | ").append(ratio(two, one)).append(" |\n");
        }
        md.append('\n');
    }

    private static Optional<JmhResult> layoutRow(List<JmhResult> rows, int size, String layout) {
        return rows.stream().filter(r -> r.intParam("batchOps", 0) == size && layout.equals(r.params().get("layout")))
                .findFirst();
    }

    private void allocation(StringBuilder md) {
        List<JmhResult> rows = select(r -> r.secondary().containsKey(ALLOCATION)
                && !r.benchmarkClass().equals(ALLOWLIST) && !r.benchmarkClass().equals(CLI));
        md.append("## Allocation\n\n");
        if (rows.isEmpty()) {
            md.append("Not measured: run with `-prof gc` to get bytes allocated per op.\n\n");
            return;
        }
        md.append("Bytes allocated on the Java heap per benchmark op, from JMH's gc profiler (`-prof gc`, ")
                .append("`gc.alloc.rate.norm`). The library's goal is 0 for `MsrSafe.read`/`write` and for ")
                .append("`MsrBatch.execute()` once warm. The profiler divides everything the JVM allocated during an ")
                .append("iteration by the ops that iteration ran, including JMH's own bookkeeping (a few kilobytes ")
                .append("per iteration) and one-off events such as class loading after a late JIT compilation (up to ")
                .append("a few hundred kilobytes in a single iteration). So read the *B per iteration* column too: ")
                .append("when it stays at the same level while the ops per iteration vary by orders of magnitude, ")
                .append("the measured code allocates nothing per op, and B per op is that constant spread thin.\n\n");
        List<JmhResult> headline = new ArrayList<>();
        first(rows, "preadLibrary", Map.of()).ifPresent(headline::add);
        for (String method : List.of("serialRead", "batchRead", "serialWrite", "batchWrite")) {
            for (String backend : BACKENDS) {
                rows.stream().filter(r -> r.method().equals(method) && backend.equals(r.params().get("backend")))
                        .min(Comparator.comparingInt(Report::opsPerRound)).ifPresent(headline::add);
            }
        }
        rows.stream().filter(r -> r.method().startsWith("batchLibrary"))
                .sorted(Comparator.comparingInt(r -> r.intParam("batchOps", 0))).forEach(headline::add);
        for (String method : List.of("batchSave", "batchSaveOnce")) {
            rows.stream().filter(r -> r.benchmarkClass().equals(SAVE) && r.method().equals(method))
                    .max(Comparator.comparingInt(Report::opsPerRound)
                            .thenComparing(r -> "native".equals(r.params().get("backend"))))
                    .ifPresent(headline::add);
        }
        md.append("| what | benchmark | parameters | B per op | ops per iteration | B per iteration |\n");
        md.append("|---|---|---|---:|---:|---:|\n");
        for (JmhResult r : headline) {
            allocationRow(md, r, describeOp(r));
        }
        md.append("\n<details><summary>Every benchmark</summary>\n\n");
        md.append("| benchmark | parameters | B per op | ops per iteration | B per iteration |\n");
        md.append("|---|---|---:|---:|---:|\n");
        List<JmhResult> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(JmhResult::benchmark).thenComparing(r -> r.params().getOrDefault("backend", ""))
                .thenComparingInt(Report::opsPerRound).thenComparingInt(r -> r.intParam("batchOps", 0)));
        for (JmhResult r : sorted) {
            allocationRow(md, r, null);
        }
        md.append("\n</details>\n\n");
    }

    private static void allocationRow(StringBuilder md, JmhResult r, String what) {
        JmhResult.Metric bytes = r.secondary().get(ALLOCATION);
        double ops = r.opsPerIteration();
        md.append("| ");
        if (what != null) {
            md.append(what).append(" | ");
        }
        md.append(r.benchmark()).append(" | ").append(describeParams(r)).append(" | ")
                .append(bytes(bytes.score())).append(" | ")
                .append(Double.isNaN(ops) ? "?" : String.format(Locale.ROOT, "%,.0f", ops)).append(" | ")
                .append(Double.isNaN(ops) ? "?" : bytes(bytes.score() * ops)).append(" |\n");
    }

    private static String describeOp(JmhResult r) {
        return switch (r.method()) {
            case "preadLibrary" -> "per-CPU read (one `MsrSafe.read`)";
            case "serialRead" -> "per-CPU reads (a round of `MsrSafe.read`)";
            case "serialWrite" -> "per-CPU writes (a round of `MsrSafe.write`)";
            case "batchRead" -> "batch execute (reads) and `value(i)`";
            case "batchWrite" -> "batch execute (writes)";
            case "batchLibrary" -> "batch clear, addRead, execute, value";
            case "batchLibraryBulk" -> "batch clear, addReads, execute, values";
            case "batchSave" -> "save read again (`StateCapture.read`)";
            case "batchSaveOnce" -> "save once (`MsrState.capture`: new batch and snapshot)";
            default -> r.method();
        };
    }

    private void allowlist(StringBuilder md) {
        List<JmhResult> rows = select(r -> r.benchmarkClass().equals(ALLOWLIST));
        md.append("## Allowlist parsing\n\n");
        if (rows.isEmpty()) {
            md.append("Not run.\n\n");
            return;
        }
        md.append("`Allowlist.parse` on a generated allowlist of the largest size the module accepts in one write ")
                .append("(mixed hex styles, comments, blank lines; fixed seed).\n\n");
        md.append("| input | ms per parse | CPU ms per parse | MiB/s (CPU time) | B per parse |\n")
                .append("|---:|---:|---:|---:|---:|\n");
        for (JmhResult r : rows) {
            int bytes = r.intParam("inputBytes", 0);
            double mib = bytes / (1024.0 * 1024.0);
            Measure wall = inMillis(Measure.of(r), r.unit());
            Optional<Measure> cpu = r.metric(CPU).map(m -> inMillis(Measure.of(m), m.unit()));
            JmhResult.Metric allocated = r.secondary().get(ALLOCATION);
            md.append("| ").append(String.format(Locale.ROOT, "%,d bytes", bytes)).append(" | ")
                    .append(withError(wall.value(), wall.error())).append(" | ")
                    .append(cpu.map(m -> withError(m.value(), m.error())).orElse("-")).append(" | ")
                    .append(cpu.map(m -> number(mib / (m.value() / 1000))).orElse("-")).append(" | ")
                    .append(allocated == null ? "-" : bytes(allocated.score())).append(" |\n");
        }
        md.append('\n');
    }

    private void cli(StringBuilder md) {
        List<JmhResult> rows = select(r -> r.benchmarkClass().equals(CLI));
        md.append("## CLI cold start\n\n");
        if (rows.isEmpty()) {
            md.append("Not in these results (the benchmark is skipped, with its reason, when the CLI is not built).\n\n");
            return;
        }
        md.append("Wall time of one `msrsafe --device sim version` (task `version`) or `msrsafe allowlist lint ")
                .append("allowlists/` (task `allowlist-lint`: the project's curated allowlists, with the register ")
                .append("catalog) in a fresh process, from start to exit, timed by JMH in single-shot mode (one ")
                .append("process per shot); `java-version` is `java -version` of the same Java, the floor. ")
                .append("`bin/msrsafe` is the checkout's launcher (a shell script that finds a JDK, then execs java ")
                .append("with the AOT cache the build made on JDK 25+); `dist` is the distribution's launcher (its own ")
                .append("runtime with the command linked in, and its start-up cache); `java` is the checkout's java ")
                .append("command alone without the cache (`-XX:TieredStopAtLevel=1 -XX:+UseSerialGC`, the CLI's ")
                .append("module path).\n\n| task | started with | ms per run | runs |\n|---|---|---:|---:|\n");
        for (JmhResult r : rows) {
            md.append("| ").append(r.params().getOrDefault("task", "version")).append(" | `")
                    .append(r.params().getOrDefault("launcher", "?")).append("` | ")
                    .append(withError(r.score(), r.error())).append(" | ").append(r.samples()).append(" |\n");
        }
        md.append('\n');
        // The goal (issue 14): lint within 2x of java -version of the same Java, in the same run.
        StringBuilder ratios = new StringBuilder();
        for (String launcher : List.of("bin/msrsafe", "dist", "java")) {
            Optional<JmhResult> lint = rows.stream().filter(r -> launcher.equals(r.params().get("launcher"))
                    && "allowlist-lint".equals(r.params().get("task"))).findFirst();
            Optional<JmhResult> floor = rows.stream().filter(r -> launcher.equals(r.params().get("launcher"))
                    && "java-version".equals(r.params().get("task"))).findFirst();
            if (lint.isPresent() && floor.isPresent() && floor.get().score() > 0) {
                double ratio = lint.get().score() / floor.get().score();
                // A single shot has no error (NaN): the ratio then stands alone.
                double error = ratio * Math.hypot(finite(lint.get().error()) / lint.get().score(),
                        finite(floor.get().error()) / floor.get().score());
                ratios.append("| `").append(launcher).append("` | ").append(withError(ratio, error)).append("x | ")
                        .append(ratio + error <= 2 ? "met" : ratio - error > 2 ? "not met" : "within the error")
                        .append(" |\n");
            }
        }
        if (!ratios.isEmpty()) {
            md.append("`allowlist lint` over `java -version` of the same Java (goal: at most 2x):\n\n")
                    .append("| started with | ratio | goal |\n|---|---:|---|\n").append(ratios).append('\n');
        }
    }

    private static double finite(double error) {
        return Double.isFinite(error) ? error : 0;
    }

    /** Benchmarks this report has no section of its own for, e.g. added by other parts of the project. */
    private void others(StringBuilder md) {
        List<String> known = List.of(READ, WRITE, FFM, ALLOWLIST, CLI, LAYOUTS);
        List<JmhResult> rows = select(r -> !known.contains(r.benchmarkClass()));
        if (rows.isEmpty()) {
            return;
        }
        md.append("## Other benchmarks\n\n");
        md.append("Benchmarks of other parts of the project, as JMH reported them (see each class's javadoc for ")
                .append("what it measures).\n\n");
        md.append("| benchmark | parameters | score | B per op |\n|---|---|---:|---:|\n");
        for (JmhResult r : rows) {
            JmhResult.Metric bytes = r.secondary().get(ALLOCATION);
            md.append("| ").append(r.benchmark()).append(" | ").append(describeParams(r)).append(" | ")
                    .append(withError(r.score(), r.error())).append(' ').append(r.unit()).append(" | ")
                    .append(bytes == null ? "-" : bytes(bytes.score())).append(" |\n");
        }
        md.append('\n');
    }

    private void notMeasured(StringBuilder md) {
        md.append("## Not measured here\n\n");
        md.append("- The real msr_safe module, unless this machine had /dev/cpu/msr_batch (see Backends above): ")
                .append("real rdmsr/wrmsr costs, and the inter-processor interrupts that run each CPU's ops, are ")
                .append("absent from the sim and native numbers.\n");
        md.append("- Several threads sharing one handle, and batches above 131,072 ops (split into several ioctls).\n");
        md.append("- Load that changes during the run: Java and C cases run one after the other, not interleaved, so a ")
                .append("change of load between them moves their wall-time ratio; the CPU-time ratio moves much less. ")
                .append("For decisions, rerun on an idle machine with more forks and iterations ")
                .append("(`run-benchmarks.sh --no-build -f 3 -i 10`).\n");
    }

    // ---- helpers

    private List<JmhResult> select(Predicate<JmhResult> filter) {
        return results.stream().filter(filter).toList();
    }

    private static Map<String, JmhResult> byShape(List<JmhResult> rows, String backend, String method) {
        Map<String, JmhResult> byShape = new TreeMap<>();
        for (JmhResult r : rows) {
            if (r.method().equals(method) && backend.equals(r.params().get("backend"))) {
                byShape.put(r.params().get("cpus") + " x " + r.params().get("msrsPerCpu"), r);
            }
        }
        return byShape;
    }

    private static int shapeOps(String shape) {
        String[] parts = shape.split(" x ");
        return Integer.parseInt(parts[0]) * Integer.parseInt(parts[1]);
    }

    static int opsPerRound(JmhResult r) {
        return r.intParam("cpus", 1) * r.intParam("msrsPerCpu", 1);
    }

    private static int accessesPerOp(JmhResult r) {
        if (r.params().containsKey("cpus")) {
            return opsPerRound(r);
        }
        return r.intParam("batchOps", 1);
    }

    /** The first row of {@code method} whose parameters include {@code params}. */
    private static Optional<JmhResult> first(List<JmhResult> rows, String method, Map<String, String> params) {
        return rows.stream().filter(r -> r.method().equals(method)
                && r.params().entrySet().containsAll(params.entrySet())).findFirst();
    }

    private static String describeParams(JmhResult r) {
        List<String> parts = new ArrayList<>();
        r.params().entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.comparingInt(Report::paramOrder)))
                .forEach(e -> parts.add(e.getKey() + "=" + e.getValue()));
        return String.join(", ", parts);
    }

    private static int paramOrder(String name) {
        int index = List.of("backend", "cpus", "msrsPerCpu", "batchOps").indexOf(name);
        return index < 0 ? 99 : index;
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value.replace("|", "\\|")).append(" |\n");
    }

    /** A time score in ns/op (or other unit) shown in the handiest unit. */
    private static String timed(Optional<JmhResult> result) {
        if (result.isEmpty()) {
            return "-";
        }
        JmhResult r = result.get();
        if (r.unit().equals("ns/op") && r.score() >= 10_000) {
            return withError(r.score() / 1000, r.error() / 1000) + " us";
        }
        return withError(r.score(), r.error()) + " " + r.unit().replace("/op", "");
    }

    private static String ratio(Optional<JmhResult> numerator, Optional<JmhResult> denominator) {
        return numerator.isPresent() && denominator.isPresent() ? ratio(numerator.get(), denominator.get()) : "-";
    }

    /** numerator / denominator with the combined relative error, e.g. "3.2 ± 0.4x". */
    static String ratio(JmhResult numerator, JmhResult denominator) {
        double ratio = numerator.score() / denominator.score();
        double relative = Math.sqrt(square(numerator.error() / numerator.score())
                + square(denominator.error() / denominator.score()));
        return withError(ratio, ratio * relative) + "x";
    }

    private static double square(double value) {
        return value * value;
    }

    /** "12.3 ± 0.4", with both rounded to the error's first significant digits. */
    static String withError(double value, double error) {
        if (Double.isNaN(error) || error < 0) {
            return number(value) + " ±?";
        }
        return number(value) + " ± " + number(error);
    }

    /** Three significant digits, thousands separated, no exponent. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "?";
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (magnitude >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (magnitude >= 1 || magnitude == 0) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        int decimals = Math.min(6, 2 - (int) Math.floor(Math.log10(magnitude)));
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String bytes(double value) {
        if (Double.isNaN(value)) {
            return "?";
        }
        return value < 0.001 ? "0" : number(value);
    }
}
