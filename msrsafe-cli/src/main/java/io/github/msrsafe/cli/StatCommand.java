package io.github.msrsafe.cli;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.internal.text.JsonWriter;
import io.github.msrsafe.registers.Register;
import io.github.msrsafe.telemetry.CpuTopology;
import io.github.msrsafe.telemetry.Quantity;
import io.github.msrsafe.telemetry.RegisterColumn;
import io.github.msrsafe.telemetry.Sample;
import io.github.msrsafe.telemetry.Sampler;
import io.github.msrsafe.telemetry.Signal;
import io.github.msrsafe.telemetry.SignalFailure;
import io.github.msrsafe.telemetry.ThrottleReason;
import io.github.msrsafe.telemetry.Unit;
import io.github.msrsafe.telemetry.Vendor;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code msrsafe stat}: turbostat's view over msr_safe. Each interval it reads every
 * signal with one batch (io.github.msrsafe.telemetry.Sampler) and prints a summary row when
 * there are several packages, a row per package, and with {@code --per-cpu} a row per CPU.
 */
@Command(name = "stat",
        header = "Show frequency, idle states, temperature, throttling and power per package and CPU, like turbostat.",
        mixinStandardHelpOptions = true,
        description = {
            "Samples the telemetry signals every interval with one batch across all CPUs and",
            "packages and prints what they did over the interval, with turbostat's column names:",
            "frequencies (Avg_MHz, Busy%%, Bzy_MHz, TSC_MHz, UncMHz), SMIs, core and package C-state",
            "residencies (CPU%%c1 to CPU%%c7, Pkg%%pc2 to Pkg%%pc10), temperatures and throttling",
            "(CoreTmp, PkgTmp, CoreThr, PkgThr and their logs), RAPL power, energy and throttled time",
            "(PkgWatt, CorWatt, RAMWatt, SysWatt, PKG_%%, RAM_%%) and the power limits. By default it",
            "shows every column whose registers the allowlist lists and the processor has; --show",
            "asks for columns (and fails, naming the registers, if they cannot be read), --hide leaves",
            "some out, --add reads any register. Package rows average the CPUs of the package (from",
            "their summed counter deltas), a '-' row sums or averages all packages. A register that",
            "stops reading (a CPU offline) leaves its columns at '-' and is reported once on stderr.",
            "docs/telemetry.md defines the columns.",
        })
final class StatCommand extends DeviceCommand {

    /** The columns a table shows unless --show says otherwise, those the machine gives. */
    static final List<Signal> DEFAULT_COLUMNS = List.of(Signal.AVG_MHZ, Signal.BUSY_PERCENT, Signal.BZY_MHZ,
            Signal.TSC_MHZ, Signal.SMI, Signal.CPU_C1, Signal.CORE_C3, Signal.CORE_C6, Signal.CORE_C7,
            Signal.CORE_TEMPERATURE, Signal.PACKAGE_TEMPERATURE, Signal.PKG_C2, Signal.PKG_C3, Signal.PKG_C6,
            Signal.PKG_C7, Signal.PKG_C8, Signal.PKG_C9, Signal.PKG_C10, Signal.UNCORE_MHZ, Signal.PACKAGE_WATTS,
            Signal.CORE_WATTS, Signal.DRAM_WATTS, Signal.PLATFORM_WATTS, Signal.PACKAGE_RAPL_THROTTLE,
            Signal.DRAM_RAPL_THROTTLE, Signal.PL1_WATTS, Signal.PL2_WATTS);

    /** The most --add columns. */
    static final int MAX_ADDED = 32;

    private static final double MAX_INTERVAL_SECONDS = 86_400;
    private static final String NONE = "-";

    @Option(names = {"-i", "--interval"}, paramLabel = "SECONDS", defaultValue = "1",
            description = "Seconds between samples, e.g. 0.5 (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = {"-n", "--num-iterations", "--count"}, paramLabel = "N", defaultValue = "0",
            description = "Print N intervals, then stop (default: until interrupted).")
    String count;

    @Option(names = {"-c", "--cpu"}, paramLabel = "CPUS",
            description = "Sample only these CPUs, e.g. 0-3,8 (and their cores and packages).")
    String cpuSet;

    @Option(names = {"--per-cpu", "--cpus"}, description = "Also print a row per CPU (--cpus is the old name).")
    boolean perCpu;

    @Option(names = {"-S", "--summary"}, description = "Print only the summary row: the whole machine.")
    boolean summaryOnly;

    @Option(names = "--show", paramLabel = "COLUMNS",
            description = "Columns to show, comma-separated: names such as Busy%%,PkgWatt, groups (frequency, idle,"
                    + " power, temperature, throttle, other) or 'all'.")
    String show;

    @Option(names = "--hide", paramLabel = "COLUMNS", description = "Columns or groups to leave out.")
    String hide;

    @Option(names = "--add", paramLabel = "msr0xNNN,SCOPE,WIDTH,FORMAT[,NAME]",
            description = "Add a column for any register: SCOPE cpu, core or package; WIDTH u32 or u64; FORMAT raw,"
                    + " delta or percent (of the TSC); e.g. --add msr0x34,cpu,u32,delta,SMIs. Repeatable.")
    List<String> added = new ArrayList<>();

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
        long intervals = Numbers.parseAtMost(count, "--num-iterations", Long.MAX_VALUE);
        Vendor vendor = Vendor.detect(msr);
        List<Signal> hidden = hide == null ? List.of() : SignalChoice.parse(hide, vendor, "--hide");
        List<RegisterColumn> columns = registerColumns();
        Sampler.Builder builder = Sampler.builder(msr).vendor(vendor).tolerateFailures();
        if (cpuSet != null) {
            builder.topology(topologyOf(msr));
        }
        columns.forEach(column -> addColumn(builder, column));
        List<Signal> wanted;
        List<Signal> required = List.of();
        if (show == null) {
            wanted = DEFAULT_COLUMNS.stream().filter(signal -> !hidden.contains(signal)).toList();
        } else {
            SignalChoice.Choice choice = SignalChoice.choose(show, vendor, "--show");
            wanted = choice.signals().stream().filter(s -> !hidden.contains(s)).toList();
            required = choice.named().stream().filter(s -> !hidden.contains(s)).toList();
            if (wanted.isEmpty() && columns.isEmpty()) {
                throw CliException.usage("--hide leaves no column of --show");
            }
        }
        builder.signalsIfReadable(wanted);
        long intervalNanos = Math.round(seconds * 1e9);
        try (Sampler sampler = open(builder, required)) {
            List<Quantity> shown = new ArrayList<>();
            wanted.stream().filter(sampler.signals()::contains).forEach(shown::add);
            shown.addAll(sampler.columns());
            boolean csv = format != null && format.csv;
            boolean json = format != null && format.json;
            if (csv) {
                out().println(csvHeader(shown));
            }
            Set<String> reported = new HashSet<>();
            sampler.sample();
            long deadline = System.nanoTime();
            for (long done = 0; intervals == 0 || done < intervals; done++) {
                deadline += intervalNanos;
                if (!sleepUntil(deadline)) {
                    break;
                }
                Sample sample = sampler.sample();
                report(sample, reported);
                if (json) {
                    out().println(JsonWriter.write(jsonOf(sample, shown)).replaceAll("\n *", ""));
                } else if (csv) {
                    csvRows(sample, shown).forEach(out()::println);
                } else {
                    if (done > 0) {
                        out().println();
                    }
                    out().print(table(sample, shown));
                }
                out().flush();
            }
        }
        return ExitCode.OK;
    }

    /**
     * Opens the sampler on what can be read; a signal named one by one that cannot is an error
     * naming its registers (the library's, from a second open that asks for those signals alone).
     */
    static Sampler open(Sampler.Builder builder, List<Signal> required) throws MsrSafeException {
        Sampler sampler = openReadable(builder);
        List<Signal> missing = required.stream().filter(signal -> !sampler.signals().contains(signal)).toList();
        if (!missing.isEmpty()) {
            sampler.close();
            builder.signals(missing).open().close(); // throws, naming each missing register
            throw new IllegalStateException("the sampler could not read " + missing + " but a second one could");
        }
        return sampler;
    }

    private static Sampler openReadable(Sampler.Builder builder) throws MsrSafeException {
        try {
            return builder.open();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("no telemetry signal can be read here")) {
                throw new CliException(ExitCode.NOT_ALLOWED, e.getMessage() + "; an administrator must add the"
                        + " registers to msr_allowlist");
            }
            throw e;
        }
    }

    private static void addColumn(Sampler.Builder builder, RegisterColumn column) {
        try {
            builder.add(column);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--add " + column.spec() + ": " + e.getMessage());
        }
    }

    private List<RegisterColumn> registerColumns() {
        if (added.size() > MAX_ADDED) {
            throw CliException.usage("--add is given " + added.size() + " times; at most " + MAX_ADDED + " columns");
        }
        List<RegisterColumn> columns = new ArrayList<>();
        for (String spec : added) {
            try {
                columns.add(RegisterColumn.parse(spec));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--add " + spec + ": " + e.getMessage());
            }
        }
        return columns;
    }

    /** The detected topology narrowed to --cpu's CPUs, each of which must be online. */
    private CpuTopology topologyOf(MsrSafe msr) {
        List<Integer> cpus = CpuList.parse(cpuSet).cpus();
        CpuChoice.requireOnline(cpus, msr);
        CpuTopology all = CpuTopology.detect(msr);
        return new CpuTopology(all.cpus().stream().filter(placement -> cpus.contains(placement.cpu())).toList());
    }

    /** Tells stderr once about each column that lost its values, and why. */
    private void report(Sample sample, Set<String> reported) {
        for (SignalFailure failure : sample.failures()) {
            String line = "msrsafe: " + failure.quantity().columnName() + " has no value: " + failure.reason();
            if (reported.add(line)) {
                err().println(line);
                err().flush();
            }
        }
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

    /** One row: "-"/package id, "-"/core id, "-"/CPU number, and a value (or null: nothing) per column. */
    private record Row(String packageId, String core, String cpu, List<Double> values) {}

    private List<Row> rows(Sample sample, List<Quantity> columns) {
        List<Row> rows = new ArrayList<>();
        CpuTopology topology = sample.topology();
        List<Integer> packages = topology.packageIds();
        if (packages.size() > 1 || summaryOnly) {
            rows.add(new Row(NONE, NONE, NONE, columns.stream().map(sample::summaryValue).toList()));
        }
        if (summaryOnly) {
            return rows;
        }
        for (int packageId : packages) {
            rows.add(new Row(String.valueOf(packageId), NONE, NONE,
                    columns.stream().map(quantity -> sample.packageValue(quantity, packageId)).toList()));
            if (perCpu) {
                Set<Integer> coresShown = new HashSet<>();
                for (int cpu : topology.cpusOf(packageId)) {
                    int coreId = topology.placement(cpu).coreId();
                    boolean firstOfCore = coresShown.add(coreId);
                    // As turbostat: a CPU row shows its own values and, on the core's first CPU, the core's.
                    rows.add(new Row(String.valueOf(packageId), String.valueOf(coreId), String.valueOf(cpu), columns
                            .stream().map(quantity -> quantity.scope() == Register.Scope.PACKAGE
                                    || quantity.scope() == Register.Scope.CORE && !firstOfCore
                                    ? null : sample.cpuValue(quantity, cpu))
                            .toList()));
                }
            }
        }
        return rows;
    }

    private String table(Sample sample, List<Quantity> columns) {
        List<String> headers = new ArrayList<>(List.of(">Package"));
        if (perCpu) {
            headers.add(">Core");
        }
        headers.add(">CPU");
        columns.forEach(quantity -> headers.add(">" + quantity.columnName()));
        Table table = new Table(headers.toArray(String[]::new));
        for (Row row : rows(sample, columns)) {
            List<Object> cells = new ArrayList<>(List.of(row.packageId()));
            if (perCpu) {
                cells.add(row.core());
            }
            cells.add(row.cpu());
            for (int i = 0; i < columns.size(); i++) {
                Double value = row.values().get(i);
                cells.add(value == null ? "" : format(value, columns.get(i).unit()));
            }
            table.add(cells.toArray());
        }
        return table.render();
    }

    private static String csvHeader(List<Quantity> columns) {
        List<String> header = new ArrayList<>(List.of("time", "interval_s", "package", "core", "cpu"));
        columns.forEach(quantity -> header.add(quantity.columnName()));
        return String.join(",", header);
    }

    private List<String> csvRows(Sample sample, List<Quantity> columns) {
        String time = Instant.ofEpochMilli(sample.epochMillis()).toString();
        String seconds = plain(sample.intervalSeconds(), 9);
        List<String> lines = new ArrayList<>();
        for (Row row : rows(sample, columns)) {
            List<String> cells = new ArrayList<>(List.of(time, seconds, row.packageId(),
                    row.core().equals(NONE) ? "" : row.core(), row.cpu().equals(NONE) ? "" : row.cpu()));
            for (int i = 0; i < columns.size(); i++) {
                Double value = row.values().get(i);
                cells.add(value == null || value.isNaN() ? "" : format(value, columns.get(i).unit()));
            }
            lines.add(String.join(",", cells));
        }
        return lines;
    }

    private Map<String, Object> jsonOf(Sample sample, List<Quantity> columns) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("time", Instant.ofEpochMilli(sample.epochMillis()).toString());
        document.put("interval_s", number(sample.intervalSeconds()));
        Map<String, Object> summary = new LinkedHashMap<>();
        columns.forEach(quantity -> summary.put(quantity.columnName(), json(sample.summaryValue(quantity), quantity)));
        document.put("summary", summary);
        if (summaryOnly) {
            return document;
        }
        List<Object> packages = new ArrayList<>();
        for (int packageId : sample.topology().packageIds()) {
            Map<String, Object> pkg = new LinkedHashMap<>();
            pkg.put("package", packageId);
            columns.forEach(quantity -> pkg.put(quantity.columnName(),
                    json(sample.packageValue(quantity, packageId), quantity)));
            if (perCpu) {
                List<Object> cpus = new ArrayList<>();
                for (int cpu : sample.topology().cpusOf(packageId)) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("cpu", cpu);
                    row.put("core", sample.topology().placement(cpu).coreId());
                    columns.stream().filter(quantity -> quantity.scope() != Register.Scope.PACKAGE)
                            .forEach(quantity -> row.put(quantity.columnName(),
                                    json(sample.cpuValue(quantity, cpu), quantity)));
                    cpus.add(row);
                }
                pkg.put("cpus", cpus);
            }
            packages.add(pkg);
        }
        document.put("packages", packages);
        return document;
    }

    /** A JSON value: throttle reasons as a list of names, numbers as {@link #number}. */
    private static Object json(double value, Quantity quantity) {
        if (quantity.unit() == Unit.FLAGS && !Double.isNaN(value)) {
            return ThrottleReason.decode(value).stream().map(ThrottleReason::label).toList();
        }
        return number(value);
    }

    /**
     * A value as the table prints it: MHz, °C and counts whole, percent, watts and joules to 2
     * places, seconds to 6 digits, throttle reasons by name ("thermal+power", "none").
     */
    static String format(double value, Unit unit) {
        if (Double.isNaN(value)) {
            return NONE;
        }
        return switch (unit) {
            case MEGAHERTZ, CELSIUS, COUNT -> String.format(Locale.ROOT, "%.0f", value);
            case PERCENT, WATTS, JOULES -> String.format(Locale.ROOT, "%.2f", value);
            case SECONDS -> plain(value, 6);
            case FLAGS -> ThrottleReason.describe(value);
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
