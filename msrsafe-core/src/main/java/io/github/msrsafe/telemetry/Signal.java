package io.github.msrsafe.telemetry;

import static io.github.msrsafe.registers.Register.Scope.CORE;
import static io.github.msrsafe.registers.Register.Scope.PACKAGE;
import static io.github.msrsafe.registers.Register.Scope.THREAD;
import static io.github.msrsafe.telemetry.Msr.AMD_CORE_ENERGY_STATUS;
import static io.github.msrsafe.telemetry.Msr.AMD_PKG_ENERGY_STATUS;
import static io.github.msrsafe.telemetry.Msr.AMD_RAPL_POWER_UNIT;
import static io.github.msrsafe.telemetry.Msr.APERF;
import static io.github.msrsafe.telemetry.Msr.CORE_C3_RESIDENCY;
import static io.github.msrsafe.telemetry.Msr.CORE_C6_RESIDENCY;
import static io.github.msrsafe.telemetry.Msr.CORE_C7_RESIDENCY;
import static io.github.msrsafe.telemetry.Msr.DRAM_ENERGY_STATUS;
import static io.github.msrsafe.telemetry.Msr.DRAM_PERF_STATUS;
import static io.github.msrsafe.telemetry.Msr.MPERF;
import static io.github.msrsafe.telemetry.Msr.PACKAGE_THERM_STATUS;
import static io.github.msrsafe.telemetry.Msr.PKG_C10_RESIDENCY;
import static io.github.msrsafe.telemetry.Msr.PKG_C2_RESIDENCY;
import static io.github.msrsafe.telemetry.Msr.PKG_C3_RESIDENCY;
import static io.github.msrsafe.telemetry.Msr.PKG_C6_RESIDENCY;
import static io.github.msrsafe.telemetry.Msr.PKG_C7_RESIDENCY;
import static io.github.msrsafe.telemetry.Msr.PKG_C8_RESIDENCY;
import static io.github.msrsafe.telemetry.Msr.PKG_C9_RESIDENCY;
import static io.github.msrsafe.telemetry.Msr.PKG_ENERGY_STATUS;
import static io.github.msrsafe.telemetry.Msr.PKG_PERF_STATUS;
import static io.github.msrsafe.telemetry.Msr.PKG_POWER_LIMIT;
import static io.github.msrsafe.telemetry.Msr.PLATFORM_ENERGY_STATUS;
import static io.github.msrsafe.telemetry.Msr.RAPL_POWER_UNIT;
import static io.github.msrsafe.telemetry.Msr.SMI_COUNT;
import static io.github.msrsafe.telemetry.Msr.TEMPERATURE_TARGET;
import static io.github.msrsafe.telemetry.Msr.THERM_STATUS;
import static io.github.msrsafe.telemetry.Msr.TSC;
import static io.github.msrsafe.telemetry.Msr.TURBO_RATIO_LIMIT;
import static io.github.msrsafe.telemetry.Msr.UNCORE_PERF_STATUS;
import static io.github.msrsafe.telemetry.Msr.UNCORE_RATIO_LIMIT;

import io.github.msrsafe.registers.Register;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A quantity the {@link Sampler} derives from registers, with its unit, the scope it
 * is measured at (per CPU, per core or per package) and the registers it needs on each
 * {@link Vendor}. Names follow turbostat's column headers where turbostat has one.
 *
 * <p>Intel's bus clock is taken as 100 MHz (every Intel model since Sandy Bridge). Residency
 * counters (C-states) count at the TSC's rate, so their share of the interval is their
 * advance over the TSC's on the CPU they are read on.
 */
public enum Signal implements Quantity {
    /** Average frequency over the interval, halted time included: ΔAPERF / Δt. */
    AVG_MHZ("Avg_MHz", Unit.MEGAHERTZ, THREAD, Kind.RATE, Rollup.FREQUENCY,
            "average frequency over the interval: APERF delta / time", new long[] {APERF}, new long[] {APERF}),
    /** Share of the interval in C0: 100 × ΔMPERF / ΔTSC. */
    BUSY_PERCENT("Busy%", Unit.PERCENT, THREAD, Kind.RATE, Rollup.FREQUENCY,
            "share of the interval not halted: 100 x MPERF delta / TSC delta",
            new long[] {MPERF, TSC}, new long[] {MPERF, TSC}),
    /** Average frequency while busy: ΔTSC / Δt × ΔAPERF / ΔMPERF. */
    BZY_MHZ("Bzy_MHz", Unit.MEGAHERTZ, THREAD, Kind.RATE, Rollup.FREQUENCY,
            "average frequency while not halted: TSC delta / time x APERF delta / MPERF delta",
            new long[] {TSC, APERF, MPERF}, new long[] {TSC, APERF, MPERF}),
    /** The time-stamp counter's rate: ΔTSC / Δt. */
    TSC_MHZ("TSC_MHz", Unit.MEGAHERTZ, THREAD, Kind.RATE, Rollup.FREQUENCY, "time-stamp counter rate: TSC delta / time",
            new long[] {TSC}, new long[] {TSC}),
    /** System-management interrupts during the interval: ΔMSR_SMI_COUNT. */
    SMI("SMI", Unit.COUNT, THREAD, Kind.RATE, Rollup.SUM,
            "system-management interrupts in the interval: MSR_SMI_COUNT 31:0 delta", new long[] {SMI_COUNT}, null),
    /**
     * Share of the interval in C1 (halted, no deeper state): 100 × (ΔTSC − ΔMPERF − the core's
     * deeper residencies) / ΔTSC, the deeper ones being CPU%c6 and, when sampled too, CPU%c3 and CPU%c7.
     */
    CPU_C1("CPU%c1", Unit.PERCENT, THREAD, Kind.RATE, Rollup.MEAN,
            "share of the interval in C1: 100 x (TSC - MPERF - core C3/C6/C7 residency deltas) / TSC delta",
            new long[] {TSC, MPERF, CORE_C6_RESIDENCY}, null),
    /** Share of the interval the core spent in C3: 100 × ΔMSR_CORE_C3_RESIDENCY / ΔTSC. */
    CORE_C3("CPU%c3", Unit.PERCENT, CORE, Kind.RATE, Rollup.MEAN,
            "core C3 residency: 100 x MSR_CORE_C3_RESIDENCY delta / TSC delta", new long[] {CORE_C3_RESIDENCY, TSC},
            null),
    /** Share of the interval the core spent in C6: 100 × ΔMSR_CORE_C6_RESIDENCY / ΔTSC. */
    CORE_C6("CPU%c6", Unit.PERCENT, CORE, Kind.RATE, Rollup.MEAN,
            "core C6 residency: 100 x MSR_CORE_C6_RESIDENCY delta / TSC delta", new long[] {CORE_C6_RESIDENCY, TSC},
            null),
    /** Share of the interval the core spent in C7: 100 × ΔMSR_CORE_C7_RESIDENCY / ΔTSC. */
    CORE_C7("CPU%c7", Unit.PERCENT, CORE, Kind.RATE, Rollup.MEAN,
            "core C7 residency: 100 x MSR_CORE_C7_RESIDENCY delta / TSC delta", new long[] {CORE_C7_RESIDENCY, TSC},
            null),
    /** Core temperature: TjMax minus IA32_THERM_STATUS's digital readout. */
    CORE_TEMPERATURE("CoreTmp", Unit.CELSIUS, CORE, Kind.READING, Rollup.MAX,
            "core temperature: TjMax (MSR_TEMPERATURE_TARGET 23:16) - IA32_THERM_STATUS 22:16",
            new long[] {THERM_STATUS, TEMPERATURE_TARGET}, null),
    /** The core's throttling now: the {@link ThrottleReason}s whose status bit IA32_THERM_STATUS sets. */
    CORE_THROTTLE("CoreThr", Unit.FLAGS, CORE, Kind.READING, Rollup.ANY,
            "core throttling now: IA32_THERM_STATUS status bits (thermal 0, PROCHOT 2, critical 4, power limit 10,"
                    + " current limit 12, cross-domain 14)", new long[] {THERM_STATUS}, null),
    /** The core's throttling since its log bits were last cleared: IA32_THERM_STATUS's log bits. */
    CORE_THROTTLE_LOG("CoreThrLog", Unit.FLAGS, CORE, Kind.READING, Rollup.ANY,
            "core throttling logged since last cleared: IA32_THERM_STATUS log bits (1, 3, 5, 11, 13, 15)",
            new long[] {THERM_STATUS}, null),
    /** Package temperature: TjMax minus IA32_PACKAGE_THERM_STATUS's digital readout. */
    PACKAGE_TEMPERATURE("PkgTmp", Unit.CELSIUS, PACKAGE, Kind.READING, Rollup.MAX,
            "package temperature: TjMax - IA32_PACKAGE_THERM_STATUS 22:16",
            new long[] {PACKAGE_THERM_STATUS, TEMPERATURE_TARGET}, null),
    /** The package's throttling now: IA32_PACKAGE_THERM_STATUS's status bits. */
    PACKAGE_THROTTLE("PkgThr", Unit.FLAGS, PACKAGE, Kind.READING, Rollup.ANY,
            "package throttling now: IA32_PACKAGE_THERM_STATUS status bits (thermal 0, PROCHOT 2, critical 4,"
                    + " power limit 10)", new long[] {PACKAGE_THERM_STATUS}, null),
    /** The package's throttling since its log bits were last cleared: IA32_PACKAGE_THERM_STATUS's log bits. */
    PACKAGE_THROTTLE_LOG("PkgThrLog", Unit.FLAGS, PACKAGE, Kind.READING, Rollup.ANY,
            "package throttling logged since last cleared: IA32_PACKAGE_THERM_STATUS log bits (1, 3, 5, 11)",
            new long[] {PACKAGE_THERM_STATUS}, null),
    /** Share of the interval the package spent in PC2: 100 × ΔMSR_PKG_C2_RESIDENCY / ΔTSC. */
    PKG_C2("Pkg%pc2", Unit.PERCENT, PACKAGE, Kind.RATE, Rollup.MEAN,
            "package C2 residency: 100 x MSR_PKG_C2_RESIDENCY delta / TSC delta", new long[] {PKG_C2_RESIDENCY, TSC},
            null),
    /** Share of the interval the package spent in PC3. */
    PKG_C3("Pkg%pc3", Unit.PERCENT, PACKAGE, Kind.RATE, Rollup.MEAN,
            "package C3 residency: 100 x MSR_PKG_C3_RESIDENCY delta / TSC delta", new long[] {PKG_C3_RESIDENCY, TSC},
            null),
    /** Share of the interval the package spent in PC6. */
    PKG_C6("Pkg%pc6", Unit.PERCENT, PACKAGE, Kind.RATE, Rollup.MEAN,
            "package C6 residency: 100 x MSR_PKG_C6_RESIDENCY delta / TSC delta", new long[] {PKG_C6_RESIDENCY, TSC},
            null),
    /** Share of the interval the package spent in PC7. */
    PKG_C7("Pkg%pc7", Unit.PERCENT, PACKAGE, Kind.RATE, Rollup.MEAN,
            "package C7 residency: 100 x MSR_PKG_C7_RESIDENCY delta / TSC delta", new long[] {PKG_C7_RESIDENCY, TSC},
            null),
    /** Share of the interval the package spent in PC8. */
    PKG_C8("Pkg%pc8", Unit.PERCENT, PACKAGE, Kind.RATE, Rollup.MEAN,
            "package C8 residency: 100 x MSR_PKG_C8_RESIDENCY delta / TSC delta", new long[] {PKG_C8_RESIDENCY, TSC},
            null),
    /** Share of the interval the package spent in PC9. */
    PKG_C9("Pkg%pc9", Unit.PERCENT, PACKAGE, Kind.RATE, Rollup.MEAN,
            "package C9 residency: 100 x MSR_PKG_C9_RESIDENCY delta / TSC delta", new long[] {PKG_C9_RESIDENCY, TSC},
            null),
    /** Share of the interval the package spent in PC10. */
    PKG_C10("Pkg%pc10", Unit.PERCENT, PACKAGE, Kind.RATE, Rollup.MEAN,
            "package C10 residency: 100 x MSR_PKG_C10_RESIDENCY delta / TSC delta",
            new long[] {PKG_C10_RESIDENCY, TSC}, null),
    /** The uncore's (mesh, LLC) frequency now: MSR_UNCORE_PERF_STATUS 6:0 × 100 MHz. */
    UNCORE_MHZ("UncMHz", Unit.MEGAHERTZ, PACKAGE, Kind.READING, Rollup.MEAN,
            "uncore frequency now: MSR_UNCORE_PERF_STATUS 6:0 x 100 MHz", new long[] {UNCORE_PERF_STATUS}, null),
    /** The lowest uncore frequency allowed: MSR_UNCORE_RATIO_LIMIT 14:8 × 100 MHz. */
    UNCORE_MIN_MHZ("UncMin_MHz", Unit.MEGAHERTZ, PACKAGE, Kind.READING, Rollup.COMMON,
            "uncore frequency floor: MSR_UNCORE_RATIO_LIMIT 14:8 x 100 MHz", new long[] {UNCORE_RATIO_LIMIT}, null),
    /** The highest uncore frequency allowed: MSR_UNCORE_RATIO_LIMIT 6:0 × 100 MHz. */
    UNCORE_MAX_MHZ("UncMax_MHz", Unit.MEGAHERTZ, PACKAGE, Kind.READING, Rollup.COMMON,
            "uncore frequency ceiling: MSR_UNCORE_RATIO_LIMIT 6:0 x 100 MHz", new long[] {UNCORE_RATIO_LIMIT}, null),
    /** The highest turbo frequency (fewest active cores): MSR_TURBO_RATIO_LIMIT 7:0 × 100 MHz. */
    TURBO_MHZ("Turbo_MHz", Unit.MEGAHERTZ, PACKAGE, Kind.READING, Rollup.COMMON,
            "highest turbo frequency, for the fewest active cores: MSR_TURBO_RATIO_LIMIT 7:0 x 100 MHz"
                    + " (TurboRatioLimits decodes every group)", new long[] {TURBO_RATIO_LIMIT}, null),
    /** Package power over the interval, from the package energy counter. */
    PACKAGE_WATTS("PkgWatt", Unit.WATTS, PACKAGE, Kind.RATE, Rollup.SUM,
            "package power: energy-status delta x energy unit / time",
            new long[] {PKG_ENERGY_STATUS, RAPL_POWER_UNIT}, new long[] {AMD_PKG_ENERGY_STATUS, AMD_RAPL_POWER_UNIT}),
    /** Core power over the interval (AMD only: CORE_ENERGY_STAT). */
    CORE_WATTS("CorWatt", Unit.WATTS, CORE, Kind.RATE, Rollup.SUM,
            "core power: core energy-status delta x energy unit / time",
            null, new long[] {AMD_CORE_ENERGY_STATUS, AMD_RAPL_POWER_UNIT}),
    /** DRAM power over the interval (Intel only). */
    DRAM_WATTS("RAMWatt", Unit.WATTS, PACKAGE, Kind.RATE, Rollup.SUM,
            "DRAM power: DRAM energy-status delta x DRAM energy unit / time",
            new long[] {DRAM_ENERGY_STATUS, RAPL_POWER_UNIT}, null),
    /** Platform (PSys) power over the interval (Intel only); the counter covers the platform. */
    PLATFORM_WATTS("SysWatt", Unit.WATTS, PACKAGE, Kind.RATE, Rollup.FIRST,
            "platform (PSys) power: MSR_PLATFORM_ENERGY_STATUS delta x energy unit / time",
            new long[] {PLATFORM_ENERGY_STATUS, RAPL_POWER_UNIT}, null),
    /** Package energy since the sampler's first sample, across counter wraps. */
    PACKAGE_JOULES("Pkg_J", Unit.JOULES, PACKAGE, Kind.TOTAL, Rollup.SUM, "package energy since the first sample",
            new long[] {PKG_ENERGY_STATUS, RAPL_POWER_UNIT}, new long[] {AMD_PKG_ENERGY_STATUS, AMD_RAPL_POWER_UNIT}),
    /** Core energy since the first sample (AMD only). */
    CORE_JOULES("Cor_J", Unit.JOULES, CORE, Kind.TOTAL, Rollup.SUM, "core energy since the first sample",
            null, new long[] {AMD_CORE_ENERGY_STATUS, AMD_RAPL_POWER_UNIT}),
    /** DRAM energy since the first sample (Intel only). */
    DRAM_JOULES("RAM_J", Unit.JOULES, PACKAGE, Kind.TOTAL, Rollup.SUM, "DRAM energy since the first sample",
            new long[] {DRAM_ENERGY_STATUS, RAPL_POWER_UNIT}, null),
    /** Platform (PSys) energy since the first sample (Intel only). */
    PLATFORM_JOULES("Sys_J", Unit.JOULES, PACKAGE, Kind.TOTAL, Rollup.FIRST,
            "platform (PSys) energy since the first sample", new long[] {PLATFORM_ENERGY_STATUS, RAPL_POWER_UNIT}, null),
    /** Share of the interval RAPL throttled the package: 100 × ΔMSR_PKG_PERF_STATUS × time unit / Δt. */
    PACKAGE_RAPL_THROTTLE("PKG_%", Unit.PERCENT, PACKAGE, Kind.RATE, Rollup.MEAN,
            "share of the interval the package was throttled by RAPL: 100 x MSR_PKG_PERF_STATUS delta x time unit"
                    + " / time", new long[] {PKG_PERF_STATUS, RAPL_POWER_UNIT}, null),
    /** Share of the interval RAPL throttled DRAM: 100 × ΔMSR_DRAM_PERF_STATUS × time unit / Δt. */
    DRAM_RAPL_THROTTLE("RAM_%", Unit.PERCENT, PACKAGE, Kind.RATE, Rollup.MEAN,
            "share of the interval DRAM was throttled by RAPL: 100 x MSR_DRAM_PERF_STATUS delta x time unit / time",
            new long[] {DRAM_PERF_STATUS, RAPL_POWER_UNIT}, null),
    /** The long-term package power limit PL1, in watts. */
    PL1_WATTS("PL1_W", Unit.WATTS, PACKAGE, Kind.READING, Rollup.COMMON,
            "package power limit 1: MSR_PKG_POWER_LIMIT 14:0 x power unit",
            new long[] {PKG_POWER_LIMIT, RAPL_POWER_UNIT}, null),
    /** PL1's averaging window, in seconds. */
    PL1_SECONDS("PL1_s", Unit.SECONDS, PACKAGE, Kind.READING, Rollup.COMMON,
            "power limit 1 time window: 2^Y x (1 + Z/4) x time unit (Y 21:17, Z 23:22)",
            new long[] {PKG_POWER_LIMIT, RAPL_POWER_UNIT}, null),
    /** The short-term package power limit PL2, in watts. */
    PL2_WATTS("PL2_W", Unit.WATTS, PACKAGE, Kind.READING, Rollup.COMMON,
            "package power limit 2: MSR_PKG_POWER_LIMIT 46:32 x power unit",
            new long[] {PKG_POWER_LIMIT, RAPL_POWER_UNIT}, null),
    /** PL2's averaging window, in seconds. */
    PL2_SECONDS("PL2_s", Unit.SECONDS, PACKAGE, Kind.READING, Rollup.COMMON,
            "power limit 2 time window: 2^Y x (1 + Z/4) x time unit (Y 53:49, Z 55:54)",
            new long[] {PKG_POWER_LIMIT, RAPL_POWER_UNIT}, null);

    /** What kind of value a signal is. */
    enum Kind {
        /** A rate or share over the interval between two samples. */
        RATE,
        /** A reading of the moment. */
        READING,
        /** A running total since the first sample. */
        TOTAL
    }

    /** How a signal's values combine into a package's and the machine's value. */
    enum Rollup {
        /** From summed APERF/MPERF/TSC deltas, as turbostat's summary rows. */
        FREQUENCY,
        /** The sum. */
        SUM,
        /** The mean of the values. */
        MEAN,
        /** The highest. */
        MAX,
        /** The value all share, NaN if they differ. */
        COMMON,
        /** The union of the flags. */
        ANY,
        /** The first package's (a platform-wide counter every package reads). */
        FIRST
    }

    private final String columnName;
    private final Unit unit;
    private final Register.Scope scope;
    private final Kind kind;
    private final Rollup rollup;
    private final String definition;
    private final long[] intelRegisters;
    private final long[] amdRegisters;

    Signal(String columnName, Unit unit, Register.Scope scope, Kind kind, Rollup rollup, String definition,
            long[] intelRegisters, long[] amdRegisters) {
        this.columnName = columnName;
        this.unit = unit;
        this.scope = scope;
        this.kind = kind;
        this.rollup = rollup;
        this.definition = definition;
        this.intelRegisters = intelRegisters;
        this.amdRegisters = amdRegisters;
    }

    /** {@return the column header, turbostat's where it has one: "Avg_MHz", "Busy%", "PkgWatt", ...} */
    @Override
    public String columnName() {
        return columnName;
    }

    /** {@return the unit the values are in} */
    @Override
    public Unit unit() {
        return unit;
    }

    /** {@return whether one value belongs to each CPU (THREAD), each core (CORE) or each package (PACKAGE)} */
    @Override
    public Register.Scope scope() {
        return scope;
    }

    /**
     * {@return true for a running total that only grows (joules since the first sample): a Prometheus
     * counter; false for a value of the interval or of the moment (a gauge)}
     */
    public boolean cumulative() {
        return kind == Kind.TOTAL;
    }

    /**
     * {@return true for rates over the interval between two samples (frequencies, Busy%, watts,
     * residencies, SMIs), which the first sample cannot give; false for readings of the moment and
     * for running totals (0 at the first sample)}
     */
    @Override
    public boolean needsInterval() {
        return kind == Kind.RATE;
    }

    /** {@return how the value is computed, in one line of plain text} */
    @Override
    public String definition() {
        return definition;
    }

    /**
     * {@return whether {@code vendor}'s processors have the registers this signal needs} They
     * may still lack them on a given model; a sampler finds out ({@link Sampler.Builder#open()}).
     *
     * @param vendor the vendor
     */
    public boolean availableOn(Vendor vendor) {
        return addresses(vendor) != null;
    }

    /**
     * The registers this signal reads on {@code vendor}'s processors, from the register catalog.
     *
     * @param vendor the vendor
     * @return the registers, with their names and scopes
     * @throws IllegalArgumentException if the vendor's processors lack them ({@link #availableOn})
     */
    public List<Register> registers(Vendor vendor) {
        long[] addresses = addresses(vendor);
        if (addresses == null) {
            throw new IllegalArgumentException(columnName + " is not available on " + vendor + " processors ("
                    + definition + ")");
        }
        return Arrays.stream(addresses).mapToObj(Msr::register).toList();
    }

    /**
     * The signal with this column name or constant name, ignoring case: "PkgWatt",
     * "pkgwatt", "PACKAGE_WATTS".
     *
     * @param name a column name or constant name; surrounding whitespace is ignored
     * @return the signal, or empty if no signal has that name
     */
    public static Optional<Signal> byName(String name) {
        String wanted = name.strip();
        for (Signal signal : values()) {
            if (signal.columnName.equalsIgnoreCase(wanted) || signal.name().equalsIgnoreCase(wanted)) {
                return Optional.of(signal);
            }
        }
        return Optional.empty();
    }

    /**
     * {@return every signal {@code vendor}'s processors support, in declaration order}
     *
     * @param vendor the vendor
     */
    public static List<Signal> supportedBy(Vendor vendor) {
        return Arrays.stream(values()).filter(signal -> signal.availableOn(vendor)).toList();
    }

    @Override
    public String toString() {
        return columnName;
    }

    Kind kind() {
        return kind;
    }

    Rollup rollup() {
        return rollup;
    }

    long[] addresses(Vendor vendor) {
        return vendor == Vendor.AMD ? amdRegisters : intelRegisters;
    }
}
