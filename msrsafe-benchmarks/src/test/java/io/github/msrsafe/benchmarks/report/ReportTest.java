package io.github.msrsafe.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static final Environment MACHINE = new Environment("Test CPU", 2, "1.0 GiB", "TestOS", "6.0", "JDK 25",
            "gcc 12", "1.37");
    private static final Report.Run RUN = new Report.Run("msrsafe-benchmarks/run-benchmarks.sh", "-f 1 -i 5",
            "0.50 0.40 0.30", "1.00 0.90 0.80", 245, LocalDate.of(2026, 11, 23), List.of(1.5, 0.5, 2.5));

    @Test
    void serialVsBatchTablesShowPerOpCostsAndTheSpeedUpWithItsError() {
        String md = report(results()).markdown();
        // 60 x 500: serial 7,000 ± 700 us, batch 700 ± 70 us -> 233 and 23.3 ns per op, 10x ± sqrt(2)*1.
        assertTrue(md.contains("| 60 x 500 | 30,000 | 7,000 ± 700 | 700 ± 70.0 | 233 | 23.3 | 10.0 ± 1.41x |"), md);
        assertTrue(md.contains("At 30,000 ops per round (60 x 500), one batch took 700 us against 7,000 us"), md);
        // A shape with only one of the two methods still gets a row.
        assertTrue(md.contains("| 1 x 1 | 1 | 0.200 ± 0.0100 | - |"), md);
    }

    @Test
    void ffmTableStatesJavaOverCRatiosByWallAndCpuTime() {
        String md = report(results()).markdown();
        // library 1,500 ± 100 ns (CPU 1,100 ± 0), bare FFM 1,200 ± 60 ns, C 1,000 ± 50 ns (CPU 1,000 ± 0).
        assertTrue(md.contains("| pread of 8 bytes (`MsrSafe.read`) | 1,500 ± 100 ns | 1,200 ± 60.0 ns | 1,000 ± 50.0 ns "
                + "| 1.50 ± 0.125x | 1.20 ± 0.0849x | 1,100 ± 0.00 ns | 1,000 ± 0.00 ns | 1.10 ± 0.00x |"), md);
        // 20,000 ns shows in microseconds; no CPU time measured for the batches.
        assertTrue(md.contains("| batch of 1,000 read(s) by `addRead`, `value`: fill, ioctl, fold | 20.0 ± 2.00 us | - "
                + "| 10.0 ± 1.00 us | 2.00 ± 0.283x | - | - | - | - |"), md);
        // The bulk forms get a row of their own against the same C.
        assertTrue(md.contains("| batch of 1,000 read(s) by `addReads`, `values`: fill, ioctl, fold | 11.0 ± 1.00 us | - "
                + "| 10.0 ± 1.00 us | 1.10 ± 0.149x |"), md);
    }

    @Test
    void goalsAreJudgedOnCpuTimeWithTheirErrors() {
        String md = report(results()).markdown();
        // pread: CPU ratio 1.10 ± 0, exactly at the goal: met; wall 1.50 shown beside it.
        assertTrue(md.contains("| pread through `MsrSafe.read`, Java / C | <= 1.10 | 1.10 ± 0.00x | 1.50 ± 0.125x | met |"),
                md);
        // batch of 1,000 has no CPU time: the wall ratio, 2.00 ± 0.283, decides.
        assertTrue(md.contains("| Batch of 1,000 read(s) by `addRead`, `value`: fill, ioctl, fold, Java / C | <= 1.15 | - "
                + "| 2.00 ± 0.283x | **not met** |"), md);
        assertTrue(md.contains("| Batch of 1,000 read(s) by `addReads`, `values`: fill, ioctl, fold, Java / C | <= 1.15 "
                + "| - | 1.10 ± 0.149x | within the error |"), md);
        // 80 us ± 8 per parse, 64 us of CPU time: 0.064 ms decides.
        assertTrue(md.contains("| Parse of a 128 KiB allowlist | <= 0.5 ms | 0.0640 ± 0.00 ms | 0.0800 ± 0.00800 ms | met |"),
                md);
        assertTrue(md.contains("| Batched save of 60 CPUs x 500 registers, read again (`StateCapture.read`), heap per "
                + "register once warm | 0 B"), md);
        assertTrue(md.contains("| - | not measured |"), md);
        assertEquals("met", Report.Goal.verdict(new Report.Measure(1.0, 0.1), 1.15));
        assertEquals("within the error", Report.Goal.verdict(new Report.Measure(1.1, 0.1), 1.15));
        assertEquals("within the error", Report.Goal.verdict(new Report.Measure(1.2, 0.1), 1.15));
        assertEquals("**not met**", Report.Goal.verdict(new Report.Measure(1.3, 0.1), 1.15));
        assertEquals("**not met**", Report.Goal.verdict(new Report.Measure(1.3, Double.NaN), 1.15));
    }

    @Test
    void goalsNotClearlyMetSayWhereTheTimeGoes() {
        String md = report(results()).markdown();
        // The per-op batch of 1,000 is not met: the fixed cost and the addRead inlining are explained;
        // no CLI cold start was run, so nothing is said about it.
        assertTrue(md.contains("### Where the time goes in the goals not clearly met"), md);
        assertTrue(md.contains("**`addRead` one op at a time**"), md);
        assertTrue(md.contains("**The fixed cost of an execute**"), md);
        assertFalse(md.contains("**CLI cold start**"), md);
        StringBuilder allMet = new StringBuilder();
        Report.whereTheTimeGoes(allMet, List.of(new Report.Goal("batch", "<= 1.15", 1.15,
                Optional.of(new Report.Measure(1.0, 0.05)), Optional.empty(), "x", "ffm.batch.1000.cpu")));
        assertEquals("", allMet.toString(), "nothing to explain when every goal is met");
    }

    @Test
    void figuresRoundTripThroughTheirFile() {
        List<Figure> figures = report(results()).figures();
        Map<String, Figure> parsed = Figure.parseTsv(Figure.toTsv(figures));
        assertEquals(figures.size(), parsed.size());
        for (Figure figure : figures) {
            Figure back = parsed.get(figure.key());
            assertEquals(figure.value(), back.value(), Math.abs(figure.value()) * 1e-5, figure.key());
            assertEquals(figure.lowerIsBetter(), back.lowerIsBetter(), figure.key());
        }
        assertTrue(parsed.containsKey("ffm.pread.cpu") && parsed.containsKey("speedup.read.sim.60x500"), parsed.toString());
    }

    // The committed file keeps six significant digits: the same run compared with its own file
    // flagged a figure with no known error (±?) as worse by the rounding.
    @Test
    void aFigureReadBackFromItsFileIsNotAChange() {
        Figure figure = new Figure("save.heap", "heap per register", 0.009231234567, Double.NaN, true);
        Figure back = Figure.parseTsv(Figure.toTsv(List.of(figure))).get("save.heap");
        Figure.Change change = new Figure.Change(figure, back);
        assertFalse(change.worse(), "rounding is not a change");
        assertFalse(change.better());
        assertTrue(new Figure.Change(new Figure("save.heap", "", 0.0093, Double.NaN, true), back).worse(),
                "a real difference still counts");
    }

    @Test
    void flagsEveryFigureThatGotWorseByMoreThanTheCombinedError() {
        Map<String, Figure> before = new java.util.LinkedHashMap<>();
        // pread Java/C by CPU time is now 1.10 ± 0: was 1.00 ± 0.05 (worse by 0.10 > 0.05), a speed-up was 20 ± 1
        // (now 10 ± 1.41: worse), the wall pread ratio was 1.40 ± 0.2 (now 1.50 ± 0.125: within the error), and the
        // batch of 1,000 was 3.0 ± 0.1 (now 2.00 ± 0.283: better).
        before.put("ffm.pread.cpu", new Figure("ffm.pread.cpu", "pread", 1.00, 0.05, true));
        before.put("speedup.read.sim.60x500", new Figure("speedup.read.sim.60x500", "speed-up", 20, 1, false));
        before.put("ffm.pread.wall", new Figure("ffm.pread.wall", "pread wall", 1.40, 0.2, true));
        before.put("ffm.batch.1000.cpu", new Figure("ffm.batch.1000.cpu", "batch", 3.0, 0.1, true));
        String md = new Report(results(), MACHINE, RUN, "benchmarks", before).markdown();
        assertTrue(md.contains("4 figures compared: 2 worse, 1 better"), md);
        assertTrue(md.contains("| pread through `MsrSafe.read`, Java / C | 1.00 ± 0.0500 | 1.10 ± 0.00 | **worse** |"), md);
        assertTrue(md.contains("| batch read speed-up, sim, 60 x 500 | 20.0 ± 1.00 | 10.0 ± 1.41 | **worse** |"), md);
        assertTrue(md.contains("| better |"), md);
        assertFalse(md.contains("pread of 8 bytes (`MsrSafe.read`), library / C, wall |"), md);
        assertTrue(report(results()).markdown().contains("No figures of an earlier report to compare with."));
    }

    @Test
    void cpuTimeSectionListsWallCpuAndShare() {
        String md = report(results()).markdown();
        assertTrue(md.contains("| FfmVsCBenchmark.preadLibrary |  | 1,500 ± 100 ns/op | 1,100 ± 0.00 ns/op | 0.730 |"), md);
        assertTrue(md.contains("median 1.50, lowest 0.50, highest 2.50 (3 samples)"), md);
    }

    @Test
    void theProfilersResultNamesAreTheOnesTheReportReads() {
        assertEquals(io.github.msrsafe.benchmarks.ThreadCpuProfiler.PER_OP, Report.CPU);
        assertEquals(io.github.msrsafe.benchmarks.ThreadCpuProfiler.SHARE, Report.CPU_SHARE);
    }

    @Test
    void allocationShowsBytesPerOpAndPerIteration() {
        String md = report(results()).markdown();
        // preadLibrary: 0.01 B/op at 1,500 ns/op over 1 s iterations: 666,667 ops, 6,667 B per iteration.
        assertTrue(md.contains("| per-CPU read (one `MsrSafe.read`) | FfmVsCBenchmark.preadLibrary |  | 0.0100 | 666,667 "
                + "| 6,667 |"), md);
        assertTrue(md.contains("<details>"), md);
    }

    @Test
    void allowlistParseTimesBecomeMillisecondsAndMebibytesPerSecond() {
        String md = report(results()).markdown();
        // 80 us per parse (CPU 64 us) of 131,072 bytes: 0.08 ms, 0.125 MiB in 0.064 ms = 1,953 MiB/s.
        assertTrue(md.contains("| 131,072 bytes | 0.0800 ± 0.00800 | 0.0640 ± 0.00 | 1,953 |"), md);
    }

    @Test
    void saysWhatWasNotRunAndWhy() {
        String md = report(results()).markdown();
        assertTrue(md.contains("**real**: not measured, this machine has no /dev/cpu/msr_batch"), md);
        assertTrue(md.contains("## CLI cold start\n\nNot in these results"), md);
        assertTrue(md.contains("msrsafe-benchmarks/run-benchmarks.sh"), md);
        assertTrue(md.contains("before: 0.50 0.40 0.30; after: 1.00 0.90 0.80"), md);
        assertTrue(md.contains("4 min 05 s"), md);
    }

    @Test
    void chartsPlotEachBackendAndMethodThatWasMeasured() {
        Map<String, String> charts = report(results()).charts();
        assertEquals(List.of("serial-vs-batch-read.svg"), List.copyOf(charts.keySet()));
        String svg = charts.get("serial-vs-batch-read.svg");
        assertTrue(svg.contains(">sim serial<") && svg.contains(">sim batch<"), svg);
        assertFalse(svg.contains(">native"), svg);
    }

    @Test
    void benchmarksWithoutASectionOfTheirOwnStillAppear() {
        List<JmhResult> results = new ArrayList<>(results());
        results.addAll(JmhResult.parseAll("[" + entry("io.github.msrsafe.benchmarks.SamplerStepBenchmark.allSignals",
                "avgt", "\"cpus\": \"256\"", 12.5, 0.5, "us/op", 0.002, "1 s") + "]"));
        String md = report(results).markdown();
        assertTrue(md.contains("## Other benchmarks"), md);
        assertTrue(md.contains("| SamplerStepBenchmark.allSignals | cpus=256 | 12.5 ± 0.500 us/op | 0.00200 |"), md);
        assertFalse(report(results()).markdown().contains("## Other benchmarks"));
    }

    @Test
    void batchLayoutsAreComparedSideBySide() {
        List<JmhResult> results = new ArrayList<>(results());
        String layouts = "io.github.msrsafe.benchmarks.BatchLayoutBenchmark.fillAndExecute";
        results.addAll(JmhResult.parseAll("[" + String.join(",",
                entry(layouts, "avgt", "\"layout\": \"1.x\", \"batchOps\": \"1024\"", 10, 1, "us/op", 0.1, "1 s"),
                entry(layouts, "avgt", "\"layout\": \"2.x\", \"batchOps\": \"1024\"", 20, 2, "us/op", 0.1, "1 s"),
                entry(layouts, "avgt", "\"layout\": \"1.x\", \"batchOps\": \"32\"", 1, 0.1, "us/op", 0.1, "1 s"))
                + "]"));
        String md = report(results).markdown();
        assertTrue(md.contains("## Batch layouts: msr-safe 1.x against 2.x"), md);
        assertTrue(md.contains("| 1,024 | 10.0 ± 1.00 us | 20.0 ± 2.00 us | 2.00 ± 0.283x |"), md);
        assertTrue(md.contains("| 32 | 1.00 ± 0.100 us | - | - |"), md);
        assertFalse(md.contains("## Other benchmarks"), "the layouts have a section of their own");
    }

    @Test
    void numbersKeepThreeSignificantDigits() {
        assertEquals("1,235", Report.number(1234.56));
        assertEquals("12.3", Report.number(12.34));
        assertEquals("1.23", Report.number(1.234));
        assertEquals("0.00123", Report.number(0.0012345));
        assertEquals("5.00 ±?", Report.withError(5, Double.NaN));
    }

    @Test
    void opsPerIterationFollowsTheUnit() {
        JmhResult averageTime = JmhResult.parseAll("[" + entry("X.y", "avgt", "", 2, 0, "us/op", -1, "300 ms") + "]").get(0);
        assertEquals(150_000, averageTime.opsPerIteration(), 1e-6);
        JmhResult throughput = JmhResult.parseAll("[" + entry("X.y", "thrpt", "", 50, 0, "ops/s", -1, "2 s") + "]").get(0);
        assertEquals(100, throughput.opsPerIteration(), 1e-9);
        JmhResult singleShot = JmhResult.parseAll("[" + entry("X.y", "ss", "", 50, 0, "ms/op", -1, "single-shot") + "]").get(0);
        assertTrue(Double.isNaN(singleShot.opsPerIteration()));
    }

    private static Report report(List<JmhResult> results) {
        return new Report(results, MACHINE, RUN, "benchmarks");
    }

    private static List<JmhResult> results() {
        List<String> entries = new ArrayList<>();
        String read = "io.github.msrsafe.benchmarks.SerialVsBatchReadBenchmark.";
        entries.add(entry(read + "serialRead", "avgt", shape("sim", 60, 500), 7000, 700, "us/op", 100, "1 s"));
        entries.add(entry(read + "batchRead", "avgt", shape("sim", 60, 500), 700, 70, "us/op", 10, "1 s"));
        entries.add(entry(read + "serialRead", "avgt", shape("sim", 1, 1), 0.2, 0.01, "us/op", 0.001, "1 s"));
        String ffm = "io.github.msrsafe.benchmarks.FfmVsCBenchmark.";
        entries.add(entry(ffm + "preadLibrary", "avgt", "", 1500, 100, "ns/op", 0.01, "1 s", 1100, 0.73));
        entries.add(entry(ffm + "preadFfm", "avgt", "", 1200, 60, "ns/op", 0.01, "1 s"));
        entries.add(entry(ffm + "preadC", "avgt", "", 1000, 50, "ns/op", 0.01, "1 s", 1000, 0.9));
        entries.add(entry(ffm + "batchLibrary", "avgt", "\"batchOps\": \"1000\"", 20_000, 2000, "ns/op", 0.02, "1 s"));
        entries.add(entry(ffm + "batchLibraryBulk", "avgt", "\"batchOps\": \"1000\"", 11_000, 1000, "ns/op", 0.02, "1 s"));
        entries.add(entry(ffm + "batchC", "avgt", "\"batchOps\": \"1000\"", 10_000, 1000, "ns/op", 0.02, "1 s"));
        entries.add(entry("io.github.msrsafe.benchmarks.AllowlistParseBenchmark.parse", "avgt",
                "\"inputBytes\": \"131072\"", 80, 8, "us/op", 200_000, "1 s", 64, 0.8));
        return JmhResult.parseAll("[" + String.join(",", entries) + "]");
    }

    private static String shape(String backend, int cpus, int msrs) {
        return String.format(Locale.ROOT, "\"backend\": \"%s\", \"cpus\": \"%d\", \"msrsPerCpu\": \"%d\"", backend, cpus, msrs);
    }

    /** One result as JMH writes it; allocation < 0 leaves the gc metrics out. */
    private static String entry(String benchmark, String mode, String params, double score, double error, String unit,
                                double allocation, String measurementTime) {
        return entry(benchmark, mode, params, score, error, unit, allocation, measurementTime, -1, -1);
    }

    /** One result as JMH writes it; allocation < 0 leaves the gc metrics out, cpu < 0 the CPU time. */
    private static String entry(String benchmark, String mode, String params, double score, double error, String unit,
                                double allocation, String measurementTime, double cpu, double share) {
        List<String> metrics = new ArrayList<>();
        if (allocation >= 0) {
            metrics.add(String.format(Locale.ROOT,
                    "\"gc.alloc.rate.norm\": {\"score\": %s, \"scoreError\": \"NaN\", \"scoreUnit\": \"B/op\"}",
                    allocation));
        }
        if (cpu >= 0) {
            metrics.add(String.format(Locale.ROOT,
                    "\"thread.cpu.time.norm\": {\"score\": %s, \"scoreError\": 0.0, \"scoreUnit\": \"%s\"}, "
                            + "\"thread.cpu.share\": {\"score\": %s, \"scoreError\": 0.0, \"scoreUnit\": \"ratio\"}",
                    cpu, unit, share));
        }
        String secondary = "{" + String.join(", ", metrics) + "}";
        return String.format(Locale.ROOT, """
                {"jmhVersion": "1.37", "benchmark": "%s", "mode": "%s", "threads": 1, "forks": 1,
                 "jdkVersion": "25", "vmName": "Test VM", "vmVersion": "25+1",
                 "measurementIterations": 5, "measurementTime": "%s",
                 "params": {%s},
                 "primaryMetric": {"score": %s, "scoreError": %s, "scoreUnit": "%s"},
                 "secondaryMetrics": %s}""", benchmark, mode, measurementTime, params, score, error, unit, secondary);
    }
}
