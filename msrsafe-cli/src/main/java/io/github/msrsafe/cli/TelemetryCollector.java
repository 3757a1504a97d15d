package io.github.msrsafe.cli;

import io.github.msrsafe.telemetry.CpuTopology;
import io.github.msrsafe.telemetry.Quantity;
import io.github.msrsafe.telemetry.Sample;
import io.github.msrsafe.telemetry.Signal;
import io.github.msrsafe.telemetry.SignalFailure;
import io.github.msrsafe.telemetry.ThrottleReason;
import io.github.msrsafe.registers.Register;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ObjDoubleConsumer;
import java.util.stream.Collectors;

/**
 * The exporter's metrics, rendered from what the {@link BackgroundSampler} last published: each
 * signal in base units (hertz, ratio, watts, joules, celsius, seconds) labelled by cpu, core and
 * package, running totals as counters and the rest as gauges, with the sample's age, whether each
 * signal has its values, and the build. Rendering never samples: every scrape of one published
 * sample shows the same numbers.
 */
final class TelemetryCollector {

    /** 1 if the latest sampling attempt read (possibly with per-signal failures), 0 if it failed as a whole. */
    static final String UP = "msrsafe_up";
    /** Seconds the rates of the served sample cover: the sampler's interval. */
    static final String INTERVAL = "msrsafe_sample_interval_seconds";
    /** Seconds since the served sample was taken. */
    static final String AGE = "msrsafe_sample_age_seconds";
    /** 1 per signal whose every value the served sample has, 0 for one with failures. */
    static final String SIGNAL_UP = "msrsafe_signal_up";
    /** Sampling attempts, and those that failed as a whole. */
    static final String SAMPLES = "msrsafe_samples";
    static final String SAMPLE_FAILURES = "msrsafe_sample_failures";
    /** The exporter's version and the Java runtime it runs on, as labels of a constant 1. */
    static final String BUILD_INFO = "msrsafe_build_info";

    /**
     * How a signal appears in Prometheus: name (without _total), unit, the factor from the
     * signal's unit to the base unit, help, and a label telling apart signals that share a name.
     */
    record Metric(String name, Unit unit, double scale, String help, String labelName, String labelValue) {

        Metric(String name, Unit unit, double scale, String help) {
            this(name, unit, scale, help, null, null);
        }

        /** The metric of {@code signal}. */
        static Metric of(Signal signal) {
            return switch (signal) {
                case AVG_MHZ -> new Metric("msrsafe_cpu_average_frequency_hertz", HERTZ, 1e6,
                        "Average frequency over the interval, halted time included (turbostat Avg_MHz).");
                case BUSY_PERCENT -> new Metric("msrsafe_cpu_busy_ratio", Unit.RATIO, 0.01,
                        "Share of the interval the CPU was not halted (turbostat Busy%).");
                case BZY_MHZ -> new Metric("msrsafe_cpu_busy_frequency_hertz", HERTZ, 1e6,
                        "Average frequency while not halted (turbostat Bzy_MHz).");
                case TSC_MHZ -> new Metric("msrsafe_cpu_tsc_frequency_hertz", HERTZ, 1e6,
                        "Time-stamp counter rate (turbostat TSC_MHz).");
                case SMI -> new Metric("msrsafe_cpu_smi_interrupts", null, 1,
                        "System-management interrupts in the sampling interval (turbostat SMI).");
                case CPU_C1 -> new Metric("msrsafe_cpu_c1_ratio", Unit.RATIO, 0.01,
                        "Share of the interval in C1: neither busy nor in a deeper state (turbostat CPU%c1).");
                case CORE_C3, CORE_C6, CORE_C7 -> new Metric("msrsafe_core_cstate_residency_ratio", Unit.RATIO, 0.01,
                        "Share of the interval the core spent in the C-state (turbostat CPU%c3, CPU%c6, CPU%c7).",
                        "state", signal.columnName().substring("CPU%".length()));
                case PKG_C2, PKG_C3, PKG_C6, PKG_C7, PKG_C8, PKG_C9, PKG_C10 -> new Metric(
                        "msrsafe_package_cstate_residency_ratio", Unit.RATIO, 0.01,
                        "Share of the interval the package spent in the C-state (turbostat Pkg%pc2 to Pkg%pc10).",
                        "state", signal.columnName().substring("Pkg%".length()));
                case CORE_TEMPERATURE -> new Metric("msrsafe_core_temperature_celsius", Unit.CELSIUS, 1,
                        "Core temperature: TjMax minus the IA32_THERM_STATUS digital readout (turbostat CoreTmp).");
                case PACKAGE_TEMPERATURE -> new Metric("msrsafe_package_temperature_celsius", Unit.CELSIUS, 1,
                        "Package temperature: TjMax minus the IA32_PACKAGE_THERM_STATUS readout (turbostat PkgTmp).");
                case CORE_THROTTLE -> new Metric("msrsafe_core_throttle_active", null, 1,
                        "1 if the core is throttled now for the reason (IA32_THERM_STATUS status bits), else 0.");
                case CORE_THROTTLE_LOG -> new Metric("msrsafe_core_throttle_logged", null, 1,
                        "1 if the core was throttled for the reason since its log bits were cleared, else 0.");
                case PACKAGE_THROTTLE -> new Metric("msrsafe_package_throttle_active", null, 1,
                        "1 if the package is throttled now for the reason (IA32_PACKAGE_THERM_STATUS), else 0.");
                case PACKAGE_THROTTLE_LOG -> new Metric("msrsafe_package_throttle_logged", null, 1,
                        "1 if the package was throttled for the reason since its log bits were cleared, else 0.");
                case UNCORE_MHZ -> new Metric("msrsafe_uncore_frequency_hertz", HERTZ, 1e6,
                        "Uncore (mesh, LLC) frequency now (MSR_UNCORE_PERF_STATUS; turbostat UncMHz).");
                case UNCORE_MIN_MHZ, UNCORE_MAX_MHZ -> new Metric("msrsafe_uncore_frequency_limit_hertz", HERTZ, 1e6,
                        "Uncore frequency floor and ceiling (MSR_UNCORE_RATIO_LIMIT).", "limit",
                        signal == Signal.UNCORE_MIN_MHZ ? "min" : "max");
                case TURBO_MHZ -> new Metric("msrsafe_turbo_frequency_limit_hertz", HERTZ, 1e6,
                        "Highest turbo frequency, with the fewest cores active (MSR_TURBO_RATIO_LIMIT).");
                case PACKAGE_WATTS -> new Metric("msrsafe_package_power_watts", WATTS, 1,
                        "Package power over the interval, from the RAPL energy counter (turbostat PkgWatt).");
                case CORE_WATTS -> new Metric("msrsafe_core_power_watts", WATTS, 1,
                        "Core power over the interval, from the RAPL core energy counter (turbostat CorWatt).");
                case DRAM_WATTS -> new Metric("msrsafe_dram_power_watts", WATTS, 1,
                        "DRAM power over the interval, from the RAPL DRAM energy counter (turbostat RAMWatt).");
                case PLATFORM_WATTS -> new Metric("msrsafe_platform_power_watts", WATTS, 1,
                        "Platform (PSys) power over the interval (turbostat SysWatt).");
                case PACKAGE_JOULES -> new Metric("msrsafe_package_energy_joules", Unit.JOULES, 1,
                        "Package energy since the exporter started, across counter wraps.");
                case CORE_JOULES -> new Metric("msrsafe_core_energy_joules", Unit.JOULES, 1,
                        "Core energy since the exporter started, across counter wraps.");
                case DRAM_JOULES -> new Metric("msrsafe_dram_energy_joules", Unit.JOULES, 1,
                        "DRAM energy since the exporter started, across counter wraps.");
                case PLATFORM_JOULES -> new Metric("msrsafe_platform_energy_joules", Unit.JOULES, 1,
                        "Platform (PSys) energy since the exporter started, across counter wraps.");
                case PACKAGE_RAPL_THROTTLE, DRAM_RAPL_THROTTLE -> new Metric("msrsafe_rapl_throttled_ratio", Unit.RATIO,
                        0.01, "Share of the interval RAPL throttled the domain (turbostat PKG_% and RAM_%).", "domain",
                        signal == Signal.PACKAGE_RAPL_THROTTLE ? "package" : "dram");
                case PL1_WATTS, PL2_WATTS -> new Metric("msrsafe_package_power_limit_watts", WATTS, 1,
                        "RAPL package power limit (MSR_PKG_POWER_LIMIT PL1 and PL2).", "limit",
                        signal == Signal.PL1_WATTS ? "pl1" : "pl2");
                case PL1_SECONDS, PL2_SECONDS -> new Metric("msrsafe_package_power_limit_window_seconds",
                        Unit.SECONDS, 1, "Averaging window of the RAPL package power limit.", "limit",
                        signal == Signal.PL1_SECONDS ? "pl1" : "pl2");
            };
        }
    }

    private static final Unit HERTZ = new Unit("hertz");
    private static final Unit WATTS = new Unit("watts");
    private static final double NANOS_PER_SECOND = 1e9;

    private final List<Signal> signals;
    private final Labels buildLabels;
    private final Map<Signal, Labels[]> labels = new LinkedHashMap<>(); // by position: the topology does not change

    /**
     * @param signals  the signals to export, as the sampler derives them
     * @param topology the CPUs, cores and packages the sampler reads
     * @param version  this exporter's version, for msrsafe_build_info
     */
    TelemetryCollector(List<Signal> signals, CpuTopology topology, String version) {
        this.signals = List.copyOf(signals);
        this.buildLabels = Labels.of("version", version, "java_version", Runtime.version().toString());
        List<CpuTopology.Placement> cores = coreLeaders(topology);
        List<Integer> packages = topology.packageIds();
        for (Signal signal : signals) {
            Metric metric = Metric.of(signal);
            Labels[] perPosition = switch (signal.scope()) {
                case THREAD -> topology.cpus().stream().map(p -> Labels.of("cpu", String.valueOf(p.cpu()),
                        "core", String.valueOf(p.coreId()), "package", String.valueOf(p.packageId())))
                        .toArray(Labels[]::new);
                case CORE -> cores.stream().map(p -> Labels.of("core", String.valueOf(p.coreId()),
                        "package", String.valueOf(p.packageId()))).toArray(Labels[]::new);
                case PACKAGE -> packages.stream().map(id -> Labels.of("package", String.valueOf(id)))
                        .toArray(Labels[]::new);
            };
            if (metric.labelName() != null) {
                for (int i = 0; i < perPosition.length; i++) {
                    perPosition[i] = perPosition[i].add(metric.labelName(), metric.labelValue());
                }
            }
            labels.put(signal, perPosition);
        }
    }

    /** The first CPU of each core, in CPU order: the order of a per-core signal's positions. */
    private static List<CpuTopology.Placement> coreLeaders(CpuTopology topology) {
        Set<List<Integer>> seen = new HashSet<>();
        return topology.cpus().stream().filter(p -> seen.add(List.of(p.packageId(), p.coreId()))).toList();
    }

    /** The metric names this collector can produce, as the text format prints them (counters with _total). */
    List<String> names() {
        List<String> names = new ArrayList<>(List.of(UP, AGE, INTERVAL, SIGNAL_UP, SAMPLES + "_total",
                SAMPLE_FAILURES + "_total", BUILD_INFO));
        for (Signal signal : signals) {
            String name = Metric.of(signal).name() + (signal.cumulative() ? "_total" : "");
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** The metrics of {@code published}, with its age at {@code nowNanos} (on the publisher's clock). */
    MetricSnapshots collect(BackgroundSampler.Published published, long nowNanos) {
        List<MetricSnapshot> snapshots = new ArrayList<>();
        snapshots.add(gauge(BUILD_INFO, null, "The exporter's version and Java runtime; always 1.",
                List.of(point(buildLabels, 1))));
        snapshots.add(gauge(UP, null, "1 if the latest sampling read the registers (some signals may still lack "
                + "values: see msrsafe_signal_up), 0 if it failed as a whole.",
                List.of(point(Labels.EMPTY, published.up() ? 1 : 0))));
        snapshots.add(CounterSnapshot.builder().name(SAMPLES).help("Samples attempted since the exporter started.")
                .dataPoint(CounterDataPointSnapshot.builder().value(published.attempts()).build()).build());
        snapshots.add(CounterSnapshot.builder().name(SAMPLE_FAILURES)
                .help("Samples that failed as a whole since the exporter started.")
                .dataPoint(CounterDataPointSnapshot.builder().value(published.failures()).build()).build());
        Sample sample = published.sample();
        if (sample == null) {
            return new MetricSnapshots(snapshots);
        }
        snapshots.add(gauge(AGE, Unit.SECONDS, "Seconds since the served sample was taken.",
                List.of(point(Labels.EMPTY, Math.max(0, nowNanos - published.nanos()) / NANOS_PER_SECOND))));
        if (sample.hasInterval()) {
            snapshots.add(gauge(INTERVAL, Unit.SECONDS, "Seconds between the served sample and the one before, "
                    + "which its rates cover.", List.of(point(Labels.EMPTY, sample.intervalSeconds()))));
        }
        Set<Quantity> failing = sample.failures().stream().map(SignalFailure::quantity).collect(Collectors.toSet());
        snapshots.add(gauge(SIGNAL_UP, null, "1 if the served sample has every value of the signal, 0 if a register "
                + "it needs did not read (the exporter's stderr says why).", signals.stream()
                .map(signal -> point(Labels.of("signal", signal.columnName()), failing.contains(signal) ? 0 : 1))
                .toList()));
        snapshots.addAll(signalSnapshots(sample));
        return new MetricSnapshots(snapshots);
    }

    /** One family per metric name: signals sharing one (PL1 and PL2) become one family told apart by "limit". */
    private List<MetricSnapshot> signalSnapshots(Sample sample) {
        Map<String, List<Signal>> families = new LinkedHashMap<>();
        for (Signal signal : signals) {
            families.computeIfAbsent(Metric.of(signal).name(), name -> new ArrayList<>()).add(signal);
        }
        List<MetricSnapshot> snapshots = new ArrayList<>();
        for (List<Signal> family : families.values()) {
            Metric metric = Metric.of(family.getFirst());
            if (family.getFirst().cumulative()) {
                CounterSnapshot.Builder counter = CounterSnapshot.builder().name(metric.name()).help(metric.help());
                if (metric.unit() != null) {
                    counter.unit(metric.unit());
                }
                forEachValue(sample, family, (pointLabels, value) -> counter.dataPoint(
                        CounterDataPointSnapshot.builder().labels(pointLabels).value(value).build()));
                snapshots.add(counter.build());
            } else {
                GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(metric.name()).help(metric.help());
                if (metric.unit() != null) {
                    gauge.unit(metric.unit());
                }
                forEachValue(sample, family, (pointLabels, value) -> gauge.dataPoint(point(pointLabels, value)));
                snapshots.add(gauge.build());
            }
        }
        return snapshots;
    }

    private void forEachValue(Sample sample, List<Signal> family, ObjDoubleConsumer<Labels> sink) {
        for (Signal signal : family) {
            Metric metric = Metric.of(signal);
            Labels[] perPosition = labels.get(signal);
            for (int position = 0; position < sample.positions(signal); position++) {
                double value = sample.value(signal, position);
                if (Double.isNaN(value)) {
                    continue; // not known (a rate before the first interval, a failed read): no sample
                }
                if (signal.unit() == io.github.msrsafe.telemetry.Unit.FLAGS) {
                    // Throttle reasons: one 0/1 series per reason the register has.
                    var reasons = ThrottleReason.decode(value);
                    for (ThrottleReason reason : reasonsOf(signal)) {
                        sink.accept(perPosition[position].add("reason", reason.label()), reasons.contains(reason) ? 1 : 0);
                    }
                } else {
                    sink.accept(perPosition[position], value * metric.scale());
                }
            }
        }
    }

    /** The reasons a throttle signal's register has: the package register lacks current and cross-domain. */
    private static List<ThrottleReason> reasonsOf(Signal signal) {
        return Arrays.stream(ThrottleReason.values()).filter(reason -> signal.scope() != Register.Scope.PACKAGE
                || reason != ThrottleReason.CURRENT_LIMIT && reason != ThrottleReason.CROSS_DOMAIN).toList();
    }

    private static GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static GaugeSnapshot gauge(String name, Unit unit, String help, List<GaugeDataPointSnapshot> points) {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
        if (unit != null) {
            gauge.unit(unit);
        }
        points.forEach(gauge::dataPoint);
        return gauge.build();
    }
}
