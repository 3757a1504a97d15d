package io.github.msrsafe.telemetry;

import static io.github.msrsafe.registers.Register.Scope.CORE;
import static io.github.msrsafe.registers.Register.Scope.PACKAGE;
import static io.github.msrsafe.registers.Register.Scope.THREAD;
import static io.github.msrsafe.telemetry.Msr.AMD_CORE_ENERGY_STATUS;
import static io.github.msrsafe.telemetry.Msr.AMD_PKG_ENERGY_STATUS;
import static io.github.msrsafe.telemetry.Msr.AMD_RAPL_POWER_UNIT;
import static io.github.msrsafe.telemetry.Msr.APERF;
import static io.github.msrsafe.telemetry.Msr.DRAM_ENERGY_STATUS;
import static io.github.msrsafe.telemetry.Msr.MPERF;
import static io.github.msrsafe.telemetry.Msr.PACKAGE_THERM_STATUS;
import static io.github.msrsafe.telemetry.Msr.PKG_ENERGY_STATUS;
import static io.github.msrsafe.telemetry.Msr.PKG_POWER_LIMIT;
import static io.github.msrsafe.telemetry.Msr.RAPL_POWER_UNIT;
import static io.github.msrsafe.telemetry.Msr.TEMPERATURE_TARGET;
import static io.github.msrsafe.telemetry.Msr.THERM_STATUS;
import static io.github.msrsafe.telemetry.Msr.TSC;

import io.github.msrsafe.registers.Register;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A quantity the {@link Sampler} derives from registers, with its unit, the scope it
 * is measured at (per CPU, per core or per package) and the registers it needs on each
 * {@link Vendor}. Names follow turbostat's column headers where turbostat has one.
 */
public enum Signal implements Quantity {
    /** Average frequency over the interval, halted time included: ΔAPERF / Δt. */
    AVG_MHZ("Avg_MHz", Unit.MEGAHERTZ, THREAD, false, "average frequency over the interval: APERF delta / time",
            new long[] {APERF}, new long[] {APERF}),
    /** Share of the interval in C0: 100 × ΔMPERF / ΔTSC. */
    BUSY_PERCENT("Busy%", Unit.PERCENT, THREAD, false, "share of the interval not halted: 100 x MPERF delta / TSC delta",
            new long[] {MPERF, TSC}, new long[] {MPERF, TSC}),
    /** Average frequency while busy: ΔTSC / Δt × ΔAPERF / ΔMPERF. */
    BZY_MHZ("Bzy_MHz", Unit.MEGAHERTZ, THREAD, false,
            "average frequency while not halted: TSC delta / time x APERF delta / MPERF delta",
            new long[] {TSC, APERF, MPERF}, new long[] {TSC, APERF, MPERF}),
    /** The time-stamp counter's rate: ΔTSC / Δt. */
    TSC_MHZ("TSC_MHz", Unit.MEGAHERTZ, THREAD, false, "time-stamp counter rate: TSC delta / time",
            new long[] {TSC}, new long[] {TSC}),
    /** Core temperature: TjMax minus IA32_THERM_STATUS's digital readout. */
    CORE_TEMPERATURE("CoreTmp", Unit.CELSIUS, CORE, false,
            "core temperature: TjMax (MSR_TEMPERATURE_TARGET 23:16) - IA32_THERM_STATUS 22:16",
            new long[] {THERM_STATUS, TEMPERATURE_TARGET}, null),
    /** Package temperature: TjMax minus IA32_PACKAGE_THERM_STATUS's digital readout. */
    PACKAGE_TEMPERATURE("PkgTmp", Unit.CELSIUS, PACKAGE, false,
            "package temperature: TjMax - IA32_PACKAGE_THERM_STATUS 22:16",
            new long[] {PACKAGE_THERM_STATUS, TEMPERATURE_TARGET}, null),
    /** Package power over the interval, from the package energy counter. */
    PACKAGE_WATTS("PkgWatt", Unit.WATTS, PACKAGE, false, "package power: energy-status delta x energy unit / time",
            new long[] {PKG_ENERGY_STATUS, RAPL_POWER_UNIT}, new long[] {AMD_PKG_ENERGY_STATUS, AMD_RAPL_POWER_UNIT}),
    /** Core power over the interval (AMD only: CORE_ENERGY_STAT). */
    CORE_WATTS("CorWatt", Unit.WATTS, CORE, false, "core power: core energy-status delta x energy unit / time",
            null, new long[] {AMD_CORE_ENERGY_STATUS, AMD_RAPL_POWER_UNIT}),
    /** DRAM power over the interval (Intel only). */
    DRAM_WATTS("RAMWatt", Unit.WATTS, PACKAGE, false, "DRAM power: DRAM energy-status delta x DRAM energy unit / time",
            new long[] {DRAM_ENERGY_STATUS, RAPL_POWER_UNIT}, null),
    /** Package energy since the sampler's first sample, across counter wraps. */
    PACKAGE_JOULES("Pkg_J", Unit.JOULES, PACKAGE, true, "package energy since the first sample",
            new long[] {PKG_ENERGY_STATUS, RAPL_POWER_UNIT}, new long[] {AMD_PKG_ENERGY_STATUS, AMD_RAPL_POWER_UNIT}),
    /** Core energy since the first sample (AMD only). */
    CORE_JOULES("Cor_J", Unit.JOULES, CORE, true, "core energy since the first sample",
            null, new long[] {AMD_CORE_ENERGY_STATUS, AMD_RAPL_POWER_UNIT}),
    /** DRAM energy since the first sample (Intel only). */
    DRAM_JOULES("RAM_J", Unit.JOULES, PACKAGE, true, "DRAM energy since the first sample",
            new long[] {DRAM_ENERGY_STATUS, RAPL_POWER_UNIT}, null),
    /** The long-term package power limit PL1, in watts. */
    PL1_WATTS("PL1_W", Unit.WATTS, PACKAGE, false, "package power limit 1: MSR_PKG_POWER_LIMIT 14:0 x power unit",
            new long[] {PKG_POWER_LIMIT, RAPL_POWER_UNIT}, null),
    /** PL1's averaging window, in seconds. */
    PL1_SECONDS("PL1_s", Unit.SECONDS, PACKAGE, false,
            "power limit 1 time window: 2^Y x (1 + Z/4) x time unit (Y 21:17, Z 23:22)",
            new long[] {PKG_POWER_LIMIT, RAPL_POWER_UNIT}, null),
    /** The short-term package power limit PL2, in watts. */
    PL2_WATTS("PL2_W", Unit.WATTS, PACKAGE, false, "package power limit 2: MSR_PKG_POWER_LIMIT 46:32 x power unit",
            new long[] {PKG_POWER_LIMIT, RAPL_POWER_UNIT}, null),
    /** PL2's averaging window, in seconds. */
    PL2_SECONDS("PL2_s", Unit.SECONDS, PACKAGE, false,
            "power limit 2 time window: 2^Y x (1 + Z/4) x time unit (Y 53:49, Z 55:54)",
            new long[] {PKG_POWER_LIMIT, RAPL_POWER_UNIT}, null);

    private final String columnName;
    private final Unit unit;
    private final Register.Scope scope;
    private final boolean cumulative;
    private final String definition;
    private final long[] intelRegisters;
    private final long[] amdRegisters;

    Signal(String columnName, Unit unit, Register.Scope scope, boolean cumulative, String definition,
            long[] intelRegisters, long[] amdRegisters) {
        this.columnName = columnName;
        this.unit = unit;
        this.scope = scope;
        this.cumulative = cumulative;
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
        return cumulative;
    }

    /**
     * {@return true for rates over the interval between two samples (frequencies, Busy%, watts),
     * which the first sample cannot give; false for readings of the moment and for running totals
     * (0 at the first sample)}
     */
    @Override
    public boolean needsInterval() {
        return !cumulative && this != CORE_TEMPERATURE && this != PACKAGE_TEMPERATURE && !isPowerLimit();
    }

    /** {@return how the value is computed, in one line of plain text} */
    @Override
    public String definition() {
        return definition;
    }

    /**
     * {@return whether {@code vendor}'s processors have the registers this signal needs}
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

    boolean isPowerLimit() {
        return this == PL1_WATTS || this == PL1_SECONDS || this == PL2_WATTS || this == PL2_SECONDS;
    }

    long[] addresses(Vendor vendor) {
        return vendor == Vendor.AMD ? amdRegisters : intelRegisters;
    }
}
