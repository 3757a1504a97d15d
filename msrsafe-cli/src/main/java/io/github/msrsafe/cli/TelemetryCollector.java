package io.github.msrsafe.cli;

import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.registers.Register;
import io.github.msrsafe.telemetry.CpuTopology;
import io.github.msrsafe.telemetry.Sample;
import io.github.msrsafe.telemetry.Sampler;
import io.github.msrsafe.telemetry.Signal;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The telemetry signals as Prometheus metrics: each scrape takes one sample (one batch for
 * every CPU and package) and turns its values into metric snapshots in base units
 * (hertz, ratio, watts, joules, celsius, seconds), labelled by cpu, core and package.
 * Rates cover the time since the previous scrape, whoever made it.
 */
final class TelemetryCollector implements MultiCollector {

    /** Says whether the last scrape's batch succeeded: 1, or 0 with no other metric. */
    static final String UP = "msrsafe_up";

    /** Seconds the rates of this scrape cover. */
    static final String INTERVAL = "msrsafe_sample_interval_seconds";

    /** How a signal appears in Prometheus. */
    record Metric(String name, Unit unit, double scale, String help, String limit) {

        /** The metric of {@code signal}. */
        static Metric of(Signal signal) {
            return switch (signal) {
                case AVG_MHZ -> new Metric("msrsafe_cpu_average_frequency_hertz", HERTZ, 1e6,
                        "Average frequency over the interval, halted time included (turbostat Avg_MHz).", null);
                case BUSY_PERCENT -> new Metric("msrsafe_cpu_busy_ratio", Unit.RATIO, 0.01,
                        "Share of the interval the CPU was not halted (turbostat Busy%).", null);
                case BZY_MHZ -> new Metric("msrsafe_cpu_busy_frequency_hertz", HERTZ, 1e6,
                        "Average frequency while not halted (turbostat Bzy_MHz).", null);
                case TSC_MHZ -> new Metric("msrsafe_cpu_tsc_frequency_hertz", HERTZ, 1e6,
                        "Time-stamp counter rate (turbostat TSC_MHz).", null);
                case CORE_TEMPERATURE -> new Metric("msrsafe_core_temperature_celsius", Unit.CELSIUS, 1,
                        "Core temperature: TjMax minus the IA32_THERM_STATUS digital readout (turbostat CoreTmp).", null);
                case PACKAGE_TEMPERATURE -> new Metric("msrsafe_package_temperature_celsius", Unit.CELSIUS, 1,
                        "Package temperature: TjMax minus the IA32_PACKAGE_THERM_STATUS readout (turbostat PkgTmp).", null);
                case PACKAGE_WATTS -> new Metric("msrsafe_package_power_watts", WATTS, 1,
                        "Package power over the interval, from the RAPL energy counter (turbostat PkgWatt).", null);
                case CORE_WATTS -> new Metric("msrsafe_core_power_watts", WATTS, 1,
                        "Core power over the interval, from the RAPL core energy counter (turbostat CorWatt).", null);
                case DRAM_WATTS -> new Metric("msrsafe_dram_power_watts", WATTS, 1,
                        "DRAM power over the interval, from the RAPL DRAM energy counter (turbostat RAMWatt).", null);
                case PACKAGE_JOULES -> new Metric("msrsafe_package_energy_joules", Unit.JOULES, 1,
                        "Package energy since the exporter started, across counter wraps.", null);
                case CORE_JOULES -> new Metric("msrsafe_core_energy_joules", Unit.JOULES, 1,
                        "Core energy since the exporter started, across counter wraps.", null);
                case DRAM_JOULES -> new Metric("msrsafe_dram_energy_joules", Unit.JOULES, 1,
                        "DRAM energy since the exporter started, across counter wraps.", null);
                case PL1_WATTS, PL2_WATTS -> new Metric("msrsafe_package_power_limit_watts", WATTS, 1,
                        "RAPL package power limit (MSR_PKG_POWER_LIMIT PL1 and PL2).",
                        signal == Signal.PL1_WATTS ? "pl1" : "pl2");
                case PL1_SECONDS, PL2_SECONDS -> new Metric("msrsafe_package_power_limit_window_seconds",
                        Unit.SECONDS, 1, "Averaging window of the RAPL package power limit.",
                        signal == Signal.PL1_SECONDS ? "pl1" : "pl2");
            };
        }
    }

    private static final Unit HERTZ = new Unit("hertz");
    private static final Unit WATTS = new Unit("watts");

    private final Sampler sampler;
    private final PrintWriter err;
    private final Labels[][] labels; // by Signal ordinal, by position: the topology does not change
    private String lastError;

    /**
     * @param sampler the signals to export, sampled once now so that the first scrape has rates
     * @param err     where scrape failures are reported (once per distinct failure)
     */
    TelemetryCollector(Sampler sampler, PrintWriter err) throws MsrSafeException {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.err = Objects.requireNonNull(err, "err");
        Sample first = sampler.sample();
        this.labels = new Labels[Signal.values().length][];
        for (Signal signal : sampler.signals()) {
            Metric metric = Metric.of(signal);
            Labels[] perPosition = new Labels[first.positions(signal)];
            for (int position = 0; position < perPosition.length; position++) {
                Labels scoped = labelsOf(first, signal.scope(), position);
                perPosition[position] = metric.limit() == null ? scoped : scoped.add("limit", metric.limit());
            }
            labels[signal.ordinal()] = perPosition;
        }
    }

    @Override
    public synchronized MetricSnapshots collect() {
        Sample sample;
        try {
            sample = sampler.sample();
        } catch (MsrSafeException | RuntimeException e) {
            String reason = String.valueOf(e.getMessage());
            if (!reason.equals(lastError)) {
                err.println("msrsafe: scrape failed: " + reason);
                err.flush();
                lastError = reason;
            }
            return MetricSnapshots.of(gauge(UP, null, "1 if the last scrape read every register, else 0.",
                    List.of(point(Labels.EMPTY, 0))));
        }
        lastError = null;
        return snapshotsOf(sample);
    }

    @Override
    public List<String> getPrometheusNames() {
        List<String> names = new ArrayList<>(List.of(UP, INTERVAL));
        sampler.signals().stream().map(signal -> Metric.of(signal).name()).distinct().forEach(names::add);
        return names;
    }

    private MetricSnapshots snapshotsOf(Sample sample) {
        List<MetricSnapshot> snapshots = new ArrayList<>();
        snapshots.add(gauge(UP, null, "1 if the last scrape read every register, else 0.",
                List.of(point(Labels.EMPTY, 1))));
        if (sample.hasInterval()) {
            snapshots.add(gauge(INTERVAL, Unit.SECONDS, "Seconds since the previous scrape, which the rates cover.",
                    List.of(point(Labels.EMPTY, sample.intervalSeconds()))));
        }
        // Signals sharing a metric (PL1 and PL2) become one family with a "limit" label.
        Map<String, List<Object>> points = new LinkedHashMap<>();
        Map<String, Metric> families = new LinkedHashMap<>();
        Map<String, Boolean> counters = new LinkedHashMap<>();
        for (Signal signal : sample.signals()) {
            Metric metric = Metric.of(signal);
            families.putIfAbsent(metric.name(), metric);
            counters.put(metric.name(), signal.cumulative());
            List<Object> family = points.computeIfAbsent(metric.name(), name -> new ArrayList<>());
            for (int position = 0; position < sample.positions(signal); position++) {
                double value = sample.value(signal, position);
                if (Double.isNaN(value)) {
                    continue; // not known (a rate before the first interval, an invalid reading): no sample
                }
                Labels pointLabels = labels[signal.ordinal()][position];
                double scaled = value * metric.scale();
                family.add(signal.cumulative()
                        ? CounterDataPointSnapshot.builder().labels(pointLabels).value(scaled).build()
                        : point(pointLabels, scaled));
            }
        }
        for (Map.Entry<String, Metric> family : families.entrySet()) {
            Metric metric = family.getValue();
            List<Object> data = points.get(family.getKey());
            if (counters.get(family.getKey())) {
                CounterSnapshot.Builder counter = CounterSnapshot.builder().name(metric.name()).help(metric.help())
                        .unit(metric.unit());
                data.forEach(point -> counter.dataPoint((CounterDataPointSnapshot) point));
                snapshots.add(counter.build());
            } else {
                List<GaugeDataPointSnapshot> gaugePoints = data.stream().map(GaugeDataPointSnapshot.class::cast).toList();
                snapshots.add(gauge(metric.name(), metric.unit(), metric.help(), gaugePoints));
            }
        }
        return new MetricSnapshots(snapshots);
    }

    private static Labels labelsOf(Sample sample, Register.Scope scope, int position) {
        return switch (scope) {
            case THREAD -> {
                int cpu = sample.cpuAt(position);
                CpuTopology.Placement placement = sample.topology().placement(cpu);
                yield Labels.of("cpu", String.valueOf(cpu), "core", String.valueOf(placement.coreId()),
                        "package", String.valueOf(placement.packageId()));
            }
            case CORE -> {
                CpuTopology.Placement core = sample.coreAt(position);
                yield Labels.of("core", String.valueOf(core.coreId()), "package", String.valueOf(core.packageId()));
            }
            case PACKAGE -> Labels.of("package", String.valueOf(sample.packageAt(position)));
        };
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
