package io.github.msrsafe.cli;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.internal.text.JsonWriter;
import io.github.msrsafe.registers.Register;
import io.github.msrsafe.telemetry.CpuTopology;
import io.github.msrsafe.telemetry.Sample;
import io.github.msrsafe.telemetry.Sampler;
import io.github.msrsafe.telemetry.Signal;
import io.github.msrsafe.telemetry.Unit;
import io.github.msrsafe.telemetry.Vendor;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code msrsafe stat}: turbostat's view over msr_safe. Each interval it reads every
 * signal with one batch (io.github.msrsafe.telemetry.Sampler) and prints a row per package,
 * a summary row when there are several, and with {@code --cpus} a row per CPU.
 */
@Command(name = "stat",
        header = "Show frequency, busy time, temperature and power per package and CPU, like turbostat.",
        mixinStandardHelpOptions = true,
        description = {
            "Samples the telemetry signals every interval with one batch across all CPUs and",
            "packages and prints what they did over the interval: average frequency (Avg_MHz),",
            "share of time not halted (Busy%%), frequency while busy (Bzy_MHz), the TSC rate",
            "(TSC_MHz), core and package temperature, package and DRAM power from the RAPL energy",
            "counters, and the package power limits. Package rows average the CPUs of the package",
            "(from their summed counter deltas), a '-' row sums or averages all packages.",
            "The allowlist must list every register the shown signals read; if it does not, the",
            "command stops before sampling and names the missing ones. docs/telemetry.md defines",
            "the signals.",
        })
final class StatCommand extends DeviceCommand {

    /** What a table shows unless --show says otherwise. */
    static final List<Signal> DEFAULT_COLUMNS = List.of(Signal.AVG_MHZ, Signal.BUSY_PERCENT, Signal.BZY_MHZ,
            Signal.TSC_MHZ, Signal.CORE_TEMPERATURE, Signal.PACKAGE_TEMPERATURE, Signal.CORE_WATTS,
            Signal.PACKAGE_WATTS, Signal.DRAM_WATTS, Signal.PL1_WATTS, Signal.PL2_WATTS);

    private static final double MAX_INTERVAL_SECONDS = 86_400;
    private static final String NONE = "-";

    @Option(names = {"-i", "--interval"}, paramLabel = "SECONDS", defaultValue = "1",
            description = "Seconds between samples, e.g. 0.5 (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "0",
            description = "Print N intervals, then stop (default: until interrupted).")
    String count;

    @Option(names = {"-c", "--cpus"}, description = "Also print a row per CPU.")
    boolean perCpu;

    @Option(names = "--show", paramLabel = "SIGNALS",
            description = "Columns to show, comma-separated, e.g. Busy%%,PkgWatt, or 'all' (default: Avg_MHz, Busy%%,"
                    + " Bzy_MHz, TSC_MHz, CoreTmp, PkgTmp, CorWatt, PkgWatt, RAMWatt, PL1_W, PL2_W as the processor has them).")
    String show;

    @ArgGroup(exclusive = true)
    Format format;

    static final class Format {
        @Option(names = "--csv", description = "Print CSV: a header, then one line per row of every interval.")
        boolean csv;

        @Option(names = "--json", description = "Print one JSON object per interval, one per line (JSON Lines).")
        boolean json;
    }

    @Override
    ExitCode run(MsrSafe msr) throws MsrSafeException {
        double seconds = parseInterval();
        long intervals = Numbers.parseAtMost(count, "--count", Long.MAX_VALUE);
        Vendor vendor = Vendor.detect(msr);
        List<Signal> columns = show == null
                ? DEFAULT_COLUMNS.stream().filter(signal -> signal.availableOn(vendor)).toList()
                : SignalChoice.parse(show, vendor);
        long intervalNanos = Math.round(seconds * 1e9);
        try (Sampler sampler = Sampler.builder(msr).vendor(vendor).signals(columns).open()) {
            boolean csv = format != null && format.csv;
            boolean json = format != null && format.json;
            if (csv) {
                out().println(csvHeader(columns));
            }
            sampler.sample();
            long deadline = System.nanoTime();
            for (long done = 0; intervals == 0 || done < intervals; done++) {
                deadline += intervalNanos;
                if (!sleepUntil(deadline)) {
                    break;
                }
                Sample sample = sampler.sample();
                if (json) {
                    out().println(JsonWriter.write(jsonOf(sample, columns)).replaceAll("\n *", ""));
                } else if (csv) {
                    csvRows(sample, columns).forEach(out()::println);
                } else {
                    if (done > 0) {
                        out().println();
                    }
                    out().print(table(sample, columns));
                }
                out().flush();
            }
        }
        return ExitCode.OK;
    }

    private double parseInterval() {
        double seconds;
        try {
            seconds = Double.parseDouble(interval.strip());
        } catch (NumberFormatException e) {
            throw CliException.usage("--interval must be a number of seconds, e.g. 1 or 0.5: " + interval);
        }
        if (!(seconds > 0 && seconds <= MAX_INTERVAL_SECONDS)) {
            throw CliException.usage("--interval " + interval + " is outside (0, " + (long) MAX_INTERVAL_SECONDS + "] seconds");
        }
        return seconds;
    }

    /** Sleeps to the deadline on the monotonic clock; false if interrupted. */
    private static boolean sleepUntil(long deadline) {
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    // ---- rows: the summary (several packages), each package, each CPU ----

    /** One row: "-"/package id, "-"/CPU number, and a value (or nothing) per column. */
    private record Row(String packageId, String cpu, List<Double> values) {}

    private static List<Row> rows(Sample sample, List<Signal> columns, boolean perCpu) {
        List<Row> rows = new ArrayList<>();
        CpuTopology topology = sample.topology();
        List<Integer> packages = topology.packageIds();
        if (packages.size() > 1) {
            rows.add(new Row(NONE, NONE, columns.stream().map(sample::summaryValue).toList()));
        }
        for (int packageId : packages) {
            rows.add(new Row(String.valueOf(packageId), NONE,
                    columns.stream().map(signal -> sample.packageValue(signal, packageId)).toList()));
            if (perCpu) {
                for (int cpu : topology.cpusOf(packageId)) {
                    // A CPU row shows what is the CPU's own or its core's; package columns stay blank.
                    rows.add(new Row(String.valueOf(packageId), String.valueOf(cpu), columns.stream()
                            .map(signal -> signal.scope() == Register.Scope.PACKAGE
                                    ? null : sample.cpuValue(signal, cpu))
                            .toList()));
                }
            }
        }
        return rows;
    }

    private String table(Sample sample, List<Signal> columns) {
        List<String> headers = new ArrayList<>(List.of(">Package", ">CPU"));
        columns.forEach(signal -> headers.add(">" + signal.columnName()));
        Table table = new Table(headers.toArray(String[]::new));
        for (Row row : rows(sample, columns, perCpu)) {
            List<Object> cells = new ArrayList<>(List.of(row.packageId(), row.cpu()));
            for (int i = 0; i < columns.size(); i++) {
                Double value = row.values().get(i);
                cells.add(value == null ? "" : format(value, columns.get(i).unit()));
            }
            table.add(cells.toArray());
        }
        return table.render();
    }

    private static String csvHeader(List<Signal> columns) {
        List<String> header = new ArrayList<>(List.of("time", "interval_s", "package", "cpu"));
        columns.forEach(signal -> header.add(signal.columnName()));
        return String.join(",", header);
    }

    private List<String> csvRows(Sample sample, List<Signal> columns) {
        String time = Instant.ofEpochMilli(sample.epochMillis()).toString();
        String seconds = plain(sample.intervalSeconds(), 9);
        List<String> lines = new ArrayList<>();
        for (Row row : rows(sample, columns, perCpu)) {
            List<String> cells = new ArrayList<>(List.of(time, seconds, row.packageId(),
                    row.cpu().equals(NONE) ? "" : row.cpu()));
            for (int i = 0; i < columns.size(); i++) {
                Double value = row.values().get(i);
                cells.add(value == null || value.isNaN() ? "" : format(value, columns.get(i).unit()));
            }
            lines.add(String.join(",", cells));
        }
        return lines;
    }

    private Map<String, Object> jsonOf(Sample sample, List<Signal> columns) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("time", Instant.ofEpochMilli(sample.epochMillis()).toString());
        document.put("interval_s", number(sample.intervalSeconds()));
        Map<String, Object> summary = new LinkedHashMap<>();
        columns.forEach(signal -> summary.put(signal.columnName(), number(sample.summaryValue(signal))));
        document.put("summary", summary);
        List<Object> packages = new ArrayList<>();
        for (int packageId : sample.topology().packageIds()) {
            Map<String, Object> pkg = new LinkedHashMap<>();
            pkg.put("package", packageId);
            columns.forEach(signal -> pkg.put(signal.columnName(), number(sample.packageValue(signal, packageId))));
            if (perCpu) {
                List<Object> cpus = new ArrayList<>();
                for (int cpu : sample.topology().cpusOf(packageId)) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("cpu", cpu);
                    row.put("core", sample.topology().placement(cpu).coreId());
                    columns.stream().filter(signal -> signal.scope() != Register.Scope.PACKAGE)
                            .forEach(signal -> row.put(signal.columnName(), number(sample.cpuValue(signal, cpu))));
                    cpus.add(row);
                }
                pkg.put("cpus", cpus);
            }
            packages.add(pkg);
        }
        document.put("packages", packages);
        return document;
    }

    /** A value as the table prints it: MHz and °C whole, percent, watts and joules to 2 places, seconds to 6 digits. */
    static String format(double value, Unit unit) {
        if (Double.isNaN(value)) {
            return NONE;
        }
        return switch (unit) {
            case MEGAHERTZ, CELSIUS, COUNT -> String.format(Locale.ROOT, "%.0f", value);
            case PERCENT, WATTS, JOULES -> String.format(Locale.ROOT, "%.2f", value);
            case SECONDS -> plain(value, 6);
        };
    }

    /** JSON numbers: NaN as null, else rounded to 6 significant digits (the counters' precision). */
    private static Object number(double value) {
        return Double.isNaN(value) ? null : new BigDecimal(value).round(new MathContext(6)).doubleValue();
    }

    private static String plain(double value, int digits) {
        if (Double.isNaN(value)) {
            return "";
        }
        return new BigDecimal(value).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
    }
}
