package io.github.msrsafe.telemetry;

import io.github.msrsafe.Errno;
import io.github.msrsafe.registers.Register;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Turns two samples' raw values into every quantity of a sampler, in place: the formulas of
 * {@link Derivations} applied per CPU, core and package, then rolled up per package and over the
 * machine by each signal's {@link Signal.Rollup}. Its only state is what must outlive a sample
 * (running energy totals) and scratch arrays, all allocated once, so deriving allocates nothing
 * unless a register failed or an energy counter's interval was too long to trust.
 */
final class Deriver {

    private static final int COUNTER_BITS = 64;

    /**
     * The highest power each energy counter can see, in watts per package position (NaN where
     * unknown), from MSR_PKG_POWER_INFO and MSR_DRAM_POWER_INFO or the builder: what tells a
     * long interval with one wrap from one that may hold two.
     */
    record EnergyBounds(double[] packageWatts, double[] dramWatts, double[] joulesPerUnit) {}

    private final SamplerLayout layout;
    private final Vendor vendor;
    private final Signal[] signals;               // derived, in declaration order
    private final boolean[] wanted;               // by Signal ordinal
    private final RegisterColumn[] columns;
    private final int[] columnSlots;
    private final int columnBase;                 // quantity index of columns[0]
    private final double fixedDramJoulesPerUnit;  // NaN: the unit register's energy unit
    private final EnergyBounds bounds;

    private final int tsc;
    private final int mperf;
    private final int aperf;
    private final int smi;
    private final int coreC3;
    private final int coreC6;
    private final int coreC7;
    private final int[] deeperCoreStates;         // the core C-state slots read: C1 is what they leave
    private final int thermStatus;
    private final int temperatureTarget;
    private final int packageThermStatus;
    private final int[] packageCStates;           // by signal PKG_C2..PKG_C10, the slot or -1
    private final int uncorePerfStatus;
    private final int uncoreRatioLimit;
    private final int turboRatioLimit;
    private final int raplUnit;
    private final int powerLimit;
    private final int packageEnergy;
    private final int dramEnergy;
    private final int platformEnergy;
    private final int coreEnergy;
    private final int packagePerfStatus;
    private final int dramPerfStatus;

    private final long[][] energyTotals;          // by Signal ordinal (cumulative ones), by position: counter units
    private final boolean[][] totalsLost;         // by Signal ordinal: an interval could not be counted
    private final double[] packageTscSums;
    private final double[] packageAperfSums;
    private final double[] packageMperfSums;
    private final int[] packageCpusCounted;
    private final double[] packageSums;           // scratch of rollUp
    private final int[] packageCounts;

    private static final Signal[] PACKAGE_C_STATES = {Signal.PKG_C2, Signal.PKG_C3, Signal.PKG_C6, Signal.PKG_C7,
        Signal.PKG_C8, Signal.PKG_C9, Signal.PKG_C10};
    private static final long[] PACKAGE_C_STATE_REGISTERS = {Msr.PKG_C2_RESIDENCY, Msr.PKG_C3_RESIDENCY,
        Msr.PKG_C6_RESIDENCY, Msr.PKG_C7_RESIDENCY, Msr.PKG_C8_RESIDENCY, Msr.PKG_C9_RESIDENCY, Msr.PKG_C10_RESIDENCY};

    Deriver(SamplerLayout layout, List<Signal> signals, List<RegisterColumn> columns, Vendor vendor,
            double fixedDramJoulesPerUnit, EnergyBounds bounds) {
        this.layout = layout;
        this.vendor = vendor;
        this.signals = signals.toArray(Signal[]::new);
        this.wanted = new boolean[Signal.values().length];
        signals.forEach(signal -> wanted[signal.ordinal()] = true);
        this.columns = columns.toArray(RegisterColumn[]::new);
        this.columnSlots = columns.stream().mapToInt(column -> layout.slotOf(column.address())).toArray();
        this.columnBase = Signal.values().length;
        this.fixedDramJoulesPerUnit = fixedDramJoulesPerUnit;
        this.bounds = bounds;
        this.tsc = layout.slotOf(Msr.TSC);
        this.mperf = layout.slotOf(Msr.MPERF);
        this.aperf = layout.slotOf(Msr.APERF);
        this.smi = layout.slotOf(Msr.SMI_COUNT);
        this.coreC3 = layout.slotOf(Msr.CORE_C3_RESIDENCY);
        this.coreC6 = layout.slotOf(Msr.CORE_C6_RESIDENCY);
        this.coreC7 = layout.slotOf(Msr.CORE_C7_RESIDENCY);
        this.deeperCoreStates = Arrays.stream(new int[] {coreC3, coreC6, coreC7}).filter(slot -> slot >= 0).toArray();
        this.thermStatus = layout.slotOf(Msr.THERM_STATUS);
        this.temperatureTarget = layout.slotOf(Msr.TEMPERATURE_TARGET);
        this.packageThermStatus = layout.slotOf(Msr.PACKAGE_THERM_STATUS);
        this.packageCStates = Arrays.stream(PACKAGE_C_STATE_REGISTERS).mapToInt(layout::slotOf).toArray();
        this.uncorePerfStatus = layout.slotOf(Msr.UNCORE_PERF_STATUS);
        this.uncoreRatioLimit = layout.slotOf(Msr.UNCORE_RATIO_LIMIT);
        this.turboRatioLimit = layout.slotOf(Msr.TURBO_RATIO_LIMIT);
        this.raplUnit = layout.slotOf(vendor == Vendor.AMD ? Msr.AMD_RAPL_POWER_UNIT : Msr.RAPL_POWER_UNIT);
        this.powerLimit = layout.slotOf(Msr.PKG_POWER_LIMIT);
        this.packageEnergy = layout.slotOf(vendor == Vendor.AMD ? Msr.AMD_PKG_ENERGY_STATUS : Msr.PKG_ENERGY_STATUS);
        this.dramEnergy = layout.slotOf(Msr.DRAM_ENERGY_STATUS);
        this.platformEnergy = layout.slotOf(Msr.PLATFORM_ENERGY_STATUS);
        this.coreEnergy = layout.slotOf(Msr.AMD_CORE_ENERGY_STATUS);
        this.packagePerfStatus = layout.slotOf(Msr.PKG_PERF_STATUS);
        this.dramPerfStatus = layout.slotOf(Msr.DRAM_PERF_STATUS);
        this.energyTotals = new long[Signal.values().length][];
        this.totalsLost = new boolean[Signal.values().length][];
        for (Signal signal : Signal.values()) {
            int instances = wanted[signal.ordinal()] && signal.cumulative() ? layout.instances(signal.scope()) : 0;
            energyTotals[signal.ordinal()] = new long[instances];
            totalsLost[signal.ordinal()] = new boolean[instances];
        }
        int packages = layout.packageCount();
        this.packageTscSums = new double[packages];
        this.packageAperfSums = new double[packages];
        this.packageMperfSums = new double[packages];
        this.packageCpusCounted = new int[packages];
        this.packageSums = new double[packages];
        this.packageCounts = new int[packages];
    }

    /** The number of values of each quantity by index (-1 for signals not derived), for {@link SampleValues}. */
    int[] positions() {
        int[] positions = new int[columnBase + columns.length];
        for (Signal signal : Signal.values()) {
            positions[signal.ordinal()] = wanted[signal.ordinal()] ? layout.instances(signal.scope()) : -1;
        }
        for (int i = 0; i < columns.length; i++) {
            positions[columnBase + i] = layout.instances(columns[i].scope());
        }
        return positions;
    }

    /**
     * The shortest wrap time of a package's energy counter (DRAM's if {@code dram}) at its bound,
     * with the energy unit of the last sample; NaN when the bound or unit is not known.
     */
    double wrapSeconds(boolean dram, int pkg) {
        double watts = (dram ? bounds.dramWatts() : bounds.packageWatts())[pkg];
        double unit = dram && !Double.isNaN(fixedDramJoulesPerUnit) ? fixedDramJoulesPerUnit : bounds.joulesPerUnit()[pkg];
        return Derivations.wrapSeconds(Msr.ENERGY_COUNTER_BITS, watts / unit);
    }

    /** Derives every quantity of {@code readings}' latest sample into {@code out}. */
    void derive(Readings readings, SampleValues out) {
        out.clearFailures();
        if (!readings.complete()) {
            recordFailures(readings, out);
        }
        double seconds = readings.seconds();
        deriveThreads(readings, out, seconds);
        deriveCores(readings, out, seconds);
        derivePackages(readings, out, seconds);
        deriveColumns(readings, out);
        for (Signal signal : signals) {
            rollUp(out, signal, seconds);
        }
        for (int i = 0; i < columns.length; i++) {
            rollUpColumn(out, columns[i], columnBase + i);
        }
    }

    // ---- per CPU: turbostat's frequency columns, SMIs, C1 ----

    private void deriveThreads(Readings r, SampleValues out, double seconds) {
        Arrays.fill(packageTscSums, 0);
        Arrays.fill(packageAperfSums, 0);
        Arrays.fill(packageMperfSums, 0);
        Arrays.fill(packageCpusCounted, 0);
        boolean interval = r.hasInterval();
        for (int cpu = 0; cpu < layout.cpuCount(); cpu++) {
            boolean tscRead = readTwice(r, tsc, cpu);
            boolean aperfRead = readTwice(r, aperf, cpu);
            boolean mperfRead = readTwice(r, mperf, cpu);
            long tscDelta = tscRead ? r.delta(layout.op(tsc, cpu), COUNTER_BITS) : 0;
            long aperfDelta = aperfRead ? r.delta(layout.op(aperf, cpu), COUNTER_BITS) : 0;
            long mperfDelta = mperfRead ? r.delta(layout.op(mperf, cpu), COUNTER_BITS) : 0;
            set(out, Signal.AVG_MHZ, cpu, aperfRead ? Derivations.averageMhz(aperfDelta, seconds) : Double.NaN);
            set(out, Signal.BUSY_PERCENT, cpu, mperfRead && tscRead ? Derivations.busyPercent(mperfDelta, tscDelta)
                    : Double.NaN);
            set(out, Signal.BZY_MHZ, cpu, tscRead && aperfRead && mperfRead
                    ? Derivations.busyMhz(tscDelta, aperfDelta, mperfDelta, seconds) : Double.NaN);
            set(out, Signal.TSC_MHZ, cpu, tscRead ? Derivations.tscMhz(tscDelta, seconds) : Double.NaN);
            if (wanted(Signal.SMI)) {
                set(out, Signal.SMI, cpu, readTwice(r, smi, cpu)
                        ? Derivations.unsigned(r.delta(layout.op(smi, cpu), Msr.SMI_COUNTER_BITS)) : Double.NaN);
            }
            if (wanted(Signal.CPU_C1)) {
                set(out, Signal.CPU_C1, cpu, c1(r, cpu, tscRead && mperfRead, tscDelta, mperfDelta));
            }
            // A package's frequency averages count the CPUs all of whose counters read.
            if (interval && (tsc < 0 || tscRead) && (aperf < 0 || aperfRead) && (mperf < 0 || mperfRead)) {
                int pkg = layout.packageOfCpu(cpu);
                packageTscSums[pkg] += Derivations.unsigned(tscDelta);
                packageAperfSums[pkg] += Derivations.unsigned(aperfDelta);
                packageMperfSums[pkg] += Derivations.unsigned(mperfDelta);
                packageCpusCounted[pkg]++;
            }
        }
    }

    /** CPU%c1 of one CPU: what is neither C0 nor a deeper state its core's residency counters saw. */
    private double c1(Readings r, int cpu, boolean countersRead, long tscDelta, long mperfDelta) {
        int core = layout.coreOfCpu(cpu);
        double deeper = 0;
        for (int slot : deeperCoreStates) {
            if (!readTwice(r, slot, core)) {
                return Double.NaN;
            }
            deeper += Derivations.unsigned(r.delta(layout.op(slot, core), COUNTER_BITS));
        }
        return countersRead ? Derivations.c1Percent(tscDelta, mperfDelta, deeper) : Double.NaN;
    }

    // ---- per core ----

    private void deriveCores(Readings r, SampleValues out, double seconds) {
        for (int core = 0; core < layout.coreCount(); core++) {
            int pkg = layout.packageOfCore(core);
            int leader = layout.coreLeader(core);
            if (wanted(Signal.CORE_C3)) {
                set(out, Signal.CORE_C3, core, residency(r, coreC3, core, leader));
            }
            if (wanted(Signal.CORE_C6)) {
                set(out, Signal.CORE_C6, core, residency(r, coreC6, core, leader));
            }
            if (wanted(Signal.CORE_C7)) {
                set(out, Signal.CORE_C7, core, residency(r, coreC7, core, leader));
            }
            thermal(r, out, false, core, pkg);
            if (coreEnergy >= 0) {
                double unit = read(r, raplUnit, pkg) ? Derivations.raplEnergyUnit(r.raw(layout.op(raplUnit, pkg)))
                        : Double.NaN;
                // A core draws no more than its package: the package's bound holds for it too.
                energy(r, out, seconds, coreEnergy, core, unit, bounds.packageWatts()[pkg], Signal.CORE_WATTS,
                        Signal.CORE_JOULES);
            }
        }
    }

    /**
     * Temperature and throttle flags from a thermal status register: a core's IA32_THERM_STATUS
     * or, when {@code isPackage}, the package's IA32_PACKAGE_THERM_STATUS (which has no valid bit).
     */
    private void thermal(Readings r, SampleValues out, boolean isPackage, int instance, int pkg) {
        int statusSlot = isPackage ? packageThermStatus : thermStatus;
        Signal temperature = isPackage ? Signal.PACKAGE_TEMPERATURE : Signal.CORE_TEMPERATURE;
        Signal throttle = isPackage ? Signal.PACKAGE_THROTTLE : Signal.CORE_THROTTLE;
        Signal throttleLog = isPackage ? Signal.PACKAGE_THROTTLE_LOG : Signal.CORE_THROTTLE_LOG;
        boolean statusRead = read(r, statusSlot, instance);
        long status = statusRead ? r.raw(layout.op(statusSlot, instance)) : 0;
        if (wanted(temperature)) {
            double celsius = Double.NaN;
            if (statusRead && read(r, temperatureTarget, pkg)) {
                int tjMax = Derivations.tjMax(r.raw(layout.op(temperatureTarget, pkg)));
                celsius = isPackage ? Derivations.packageTemperature(status, tjMax)
                        : Derivations.coreTemperature(status, tjMax);
            }
            set(out, temperature, instance, celsius);
        }
        if (wanted(throttle) || wanted(throttleLog)) {
            set(out, throttle, instance, statusRead ? ThrottleReason.flags(status, isPackage, false) : Double.NaN);
            set(out, throttleLog, instance, statusRead ? ThrottleReason.flags(status, isPackage, true) : Double.NaN);
        }
    }

    /** A residency counter's share of the interval, over the TSC of the CPU it is read on. */
    private double residency(Readings r, int slot, int instance, int cpu) {
        if (!readTwice(r, slot, instance) || !readTwice(r, tsc, cpu)) {
            return Double.NaN;
        }
        return Derivations.residencyPercent(r.delta(layout.op(slot, instance), COUNTER_BITS),
                r.delta(layout.op(tsc, cpu), COUNTER_BITS));
    }

    // ---- per package ----

    private void derivePackages(Readings r, SampleValues out, double seconds) {
        for (int pkg = 0; pkg < layout.packageCount(); pkg++) {
            int leader = layout.packageLeader(pkg);
            thermal(r, out, true, pkg, pkg);
            for (int i = 0; i < PACKAGE_C_STATES.length; i++) {
                if (wanted(PACKAGE_C_STATES[i])) {
                    set(out, PACKAGE_C_STATES[i], pkg, residency(r, packageCStates[i], pkg, leader));
                }
            }
            if (wanted(Signal.UNCORE_MHZ)) {
                set(out, Signal.UNCORE_MHZ, pkg, read(r, uncorePerfStatus, pkg)
                        ? Derivations.ratioMhz(r.raw(layout.op(uncorePerfStatus, pkg)), 0) : Double.NaN);
            }
            boolean uncoreLimitsRead = read(r, uncoreRatioLimit, pkg);
            long uncoreLimits = uncoreLimitsRead ? r.raw(layout.op(uncoreRatioLimit, pkg)) : 0;
            set(out, Signal.UNCORE_MIN_MHZ, pkg, uncoreLimitsRead ? Derivations.ratioMhz(uncoreLimits, 8) : Double.NaN);
            set(out, Signal.UNCORE_MAX_MHZ, pkg, uncoreLimitsRead ? Derivations.ratioMhz(uncoreLimits, 0) : Double.NaN);
            if (wanted(Signal.TURBO_MHZ)) {
                set(out, Signal.TURBO_MHZ, pkg, read(r, turboRatioLimit, pkg)
                        ? (r.raw(layout.op(turboRatioLimit, pkg)) & 0xFF) * Msr.BUS_MHZ : Double.NaN);
            }
            boolean unitRead = read(r, raplUnit, pkg);
            long units = unitRead ? r.raw(layout.op(raplUnit, pkg)) : 0;
            double energyUnit = unitRead ? Derivations.raplEnergyUnit(units) : Double.NaN;
            if (packageEnergy >= 0) {
                energy(r, out, seconds, packageEnergy, pkg, energyUnit, bounds.packageWatts()[pkg], Signal.PACKAGE_WATTS,
                        Signal.PACKAGE_JOULES);
            }
            if (dramEnergy >= 0) {
                double dramUnit = Double.isNaN(fixedDramJoulesPerUnit) ? energyUnit : fixedDramJoulesPerUnit;
                energy(r, out, seconds, dramEnergy, pkg, dramUnit, bounds.dramWatts()[pkg], Signal.DRAM_WATTS,
                        Signal.DRAM_JOULES);
            }
            if (platformEnergy >= 0) {
                energy(r, out, seconds, platformEnergy, pkg, energyUnit, Double.NaN, Signal.PLATFORM_WATTS,
                        Signal.PLATFORM_JOULES);
            }
            double timeUnit = unitRead ? Derivations.raplTimeUnit(units) : Double.NaN;
            if (wanted(Signal.PACKAGE_RAPL_THROTTLE)) {
                set(out, Signal.PACKAGE_RAPL_THROTTLE, pkg, readTwice(r, packagePerfStatus, pkg) ? Derivations
                        .throttledPercent(r.delta(layout.op(packagePerfStatus, pkg), Msr.ENERGY_COUNTER_BITS), timeUnit,
                                seconds) : Double.NaN);
            }
            if (wanted(Signal.DRAM_RAPL_THROTTLE)) {
                set(out, Signal.DRAM_RAPL_THROTTLE, pkg, readTwice(r, dramPerfStatus, pkg) ? Derivations
                        .throttledPercent(r.delta(layout.op(dramPerfStatus, pkg), Msr.ENERGY_COUNTER_BITS), timeUnit,
                                seconds) : Double.NaN);
            }
            if (powerLimit >= 0) {
                powerLimits(r, out, pkg, unitRead, units);
            }
        }
    }

    private void powerLimits(Readings r, SampleValues out, int pkg, boolean unitRead, long units) {
        double pl1Watts = Double.NaN;
        double pl1Seconds = Double.NaN;
        double pl2Watts = Double.NaN;
        double pl2Seconds = Double.NaN;
        if (read(r, powerLimit, pkg) && unitRead) {
            long limits = r.raw(layout.op(powerLimit, pkg));
            double wattsPerUnit = Derivations.raplPowerUnit(units);
            double secondsPerUnit = Derivations.raplTimeUnit(units);
            long pl1 = limits & PackagePowerLimit.PL1_BITS;
            long pl2 = (limits & PackagePowerLimit.PL2_BITS) >>> 32;
            pl1Watts = PackagePowerLimit.watts(pl1, wattsPerUnit);
            pl1Seconds = PackagePowerLimit.windowSeconds(pl1, secondsPerUnit);
            pl2Watts = PackagePowerLimit.watts(pl2, wattsPerUnit);
            pl2Seconds = PackagePowerLimit.windowSeconds(pl2, secondsPerUnit);
        }
        set(out, Signal.PL1_WATTS, pkg, pl1Watts);
        set(out, Signal.PL1_SECONDS, pkg, pl1Seconds);
        set(out, Signal.PL2_WATTS, pkg, pl2Watts);
        set(out, Signal.PL2_SECONDS, pkg, pl2Seconds);
    }

    /**
     * Power over the interval and energy since the first sample, from a 32-bit energy counter.
     * When the interval is long enough for the counter to wrap more than once at {@code maxWatts},
     * the interval's energy cannot be known: the power is NaN, the total is NaN from then on, and
     * both say why.
     */
    private void energy(Readings r, SampleValues out, double seconds, int slot, int position, double joulesPerUnit,
            double maxWatts, Signal watts, Signal joules) {
        boolean counted = readTwice(r, slot, position) && !Double.isNaN(joulesPerUnit);
        long delta = counted ? r.delta(layout.op(slot, position), Msr.ENERGY_COUNTER_BITS) : 0;
        if (counted && Derivations.mayHaveWrappedTwice(delta, Msr.ENERGY_COUNTER_BITS, maxWatts / joulesPerUnit,
                seconds)) {
            tooLong(out, slot, position, seconds, maxWatts, joulesPerUnit, watts, joules);
            counted = false;
            delta = 0;
        }
        set(out, watts, position, counted ? Derivations.watts(delta, joulesPerUnit, seconds) : Double.NaN);
        if (wanted(joules)) {
            long total = energyTotals[joules.ordinal()][position] += delta;
            set(out, joules, position, totalsLost[joules.ordinal()][position] ? Double.NaN : total * joulesPerUnit);
        }
    }

    private void tooLong(SampleValues out, int slot, int position, double seconds, double maxWatts,
            double joulesPerUnit, Signal watts, Signal joules) {
        if (wanted(joules)) {
            totalsLost[joules.ordinal()][position] = true;
        }
        double wrap = Derivations.wrapSeconds(Msr.ENERGY_COUNTER_BITS, maxWatts / joulesPerUnit);
        String reason = String.format(Locale.ROOT, "the interval of %.0f s is long enough for %s to wrap"
                + " more than once at up to %.0f W (it wraps every %.0f s at that power), so its energy is not"
                + " known; sample more often than that", seconds, Msr.describe(layout.slotAddress(slot)), maxWatts,
                wrap);
        for (Signal signal : new Signal[] {watts, joules}) {
            if (wanted(signal)) {
                out.fail(new SignalFailure(signal, reason + (signal.cumulative() ? "; the total stays unknown" : "")));
            }
        }
    }

    // ---- register columns ----

    private void deriveColumns(Readings r, SampleValues out) {
        for (int i = 0; i < columns.length; i++) {
            double[] values = out.values[columnBase + i];
            for (int position = 0; position < values.length; position++) {
                values[position] = columnValue(r, columns[i], columnSlots[i], position);
            }
        }
    }

    private double columnValue(Readings r, RegisterColumn column, int slot, int position) {
        int op = layout.op(slot, position);
        if (!r.read(op)) {
            return Double.NaN;
        }
        return switch (column.format()) {
            case RAW -> Derivations.unsigned(column.mask(r.raw(op)));
            case DELTA -> r.readTwice(op) ? Derivations.unsigned(r.delta(op, column.bits())) : Double.NaN;
            case PERCENT -> {
                int tscOp = layout.op(tsc, layout.cpuPositionOf(column.scope(), position));
                if (!r.readTwice(op) || !r.readTwice(tscOp)) {
                    yield Double.NaN;
                }
                yield Derivations.busyPercent(r.delta(op, column.bits()), r.delta(tscOp, COUNTER_BITS));
            }
        };
    }

    // ---- per package and the machine ----

    /** A signal's value per package (for CPU and core signals) and over the machine, by its rollup. */
    private void rollUp(SampleValues out, Signal signal, double seconds) {
        int index = signal.ordinal();
        double[] values = out.values[index];
        double[] perPackage = out.packageValues[index];
        if (signal.rollup() == Signal.Rollup.FREQUENCY) {
            frequencies(out, signal, seconds);
            return;
        }
        if (signal.scope() == Register.Scope.PACKAGE) {
            System.arraycopy(values, 0, perPackage, 0, values.length);
        } else {
            Arrays.fill(packageSums, Double.NaN);
            Arrays.fill(packageCounts, 0);
            for (int position = 0; position < values.length; position++) {
                int pkg = packageOf(signal.scope(), position);
                packageSums[pkg] = combine(signal.rollup(), packageSums[pkg], values[position], packageCounts[pkg]++);
            }
            for (int pkg = 0; pkg < perPackage.length; pkg++) {
                perPackage[pkg] = signal.rollup() == Signal.Rollup.MEAN && packageCounts[pkg] > 0
                        ? packageSums[pkg] / packageCounts[pkg] : packageSums[pkg];
            }
        }
        // The machine: over every position for CPU and core signals, over the packages otherwise.
        double[] over = signal.scope() == Register.Scope.PACKAGE ? perPackage : values;
        double summary = Double.NaN;
        for (int i = 0; i < over.length; i++) {
            summary = signal.rollup() == Signal.Rollup.FIRST ? over[0] : combine(signal.rollup(), summary, over[i], i);
        }
        out.summaryValues[index] = signal.rollup() == Signal.Rollup.MEAN && over.length > 0 ? summary / over.length
                : summary;
    }

    /**
     * Adds {@code value} to {@code soFar}, the combination of {@code count} earlier values (NaN
     * when none): a sum for SUM and MEAN (divided later), NaN-ignoring for MAX and ANY, equality for
     * COMMON. A NaN value makes a sum NaN: a total missing a part is not known.
     */
    private static double combine(Signal.Rollup rollup, double soFar, double value, int count) {
        if (count == 0) {
            return value;
        }
        return switch (rollup) {
            case SUM, MEAN -> soFar + value;
            case MAX -> Double.isNaN(soFar) ? value : Double.isNaN(value) ? soFar : Math.max(soFar, value);
            case ANY -> Double.isNaN(soFar) ? value : Double.isNaN(value) ? soFar : (int) soFar | (int) value;
            case COMMON -> Double.compare(soFar, value) == 0 ? soFar : Double.NaN;
            case FIRST, FREQUENCY -> soFar;
        };
    }

    /** The frequency signals per package and machine, from summed deltas as turbostat's summary rows. */
    private void frequencies(SampleValues out, Signal signal, double seconds) {
        double tscSum = 0;
        double aperfSum = 0;
        double mperfSum = 0;
        int cpus = 0;
        for (int pkg = 0; pkg < layout.packageCount(); pkg++) {
            out.packageValues[signal.ordinal()][pkg] = frequency(signal, packageTscSums[pkg], packageAperfSums[pkg],
                    packageMperfSums[pkg], packageCpusCounted[pkg], seconds);
            tscSum += packageTscSums[pkg];
            aperfSum += packageAperfSums[pkg];
            mperfSum += packageMperfSums[pkg];
            cpus += packageCpusCounted[pkg];
        }
        out.summaryValues[signal.ordinal()] = frequency(signal, tscSum, aperfSum, mperfSum, cpus, seconds);
    }

    private static double frequency(Signal signal, double tscSum, double aperfSum, double mperfSum, int cpus,
            double seconds) {
        if (cpus == 0) {
            return Double.NaN;
        }
        return switch (signal) {
            case AVG_MHZ -> Derivations.averageMhz(aperfSum, cpus, seconds);
            case BUSY_PERCENT -> Derivations.busyPercent(mperfSum, tscSum);
            case BZY_MHZ -> Derivations.busyMhz(tscSum, aperfSum, mperfSum, cpus, seconds);
            case TSC_MHZ -> Derivations.averageMhz(tscSum, cpus, seconds);
            default -> throw new IllegalArgumentException(signal + " is not a frequency signal");
        };
    }

    /** Register columns per package and machine: deltas summed, percents averaged, raw values when all agree. */
    private void rollUpColumn(SampleValues out, RegisterColumn column, int index) {
        double[] values = out.values[index];
        double[] perPackage = out.packageValues[index];
        Signal.Rollup rollup = switch (column.format()) {
            case DELTA -> Signal.Rollup.SUM;
            case PERCENT -> Signal.Rollup.MEAN;
            case RAW -> Signal.Rollup.COMMON;
        };
        Arrays.fill(packageSums, Double.NaN);
        Arrays.fill(packageCounts, 0);
        for (int position = 0; position < values.length; position++) {
            int pkg = packageOf(column.scope(), position);
            packageSums[pkg] = combine(rollup, packageSums[pkg], values[position], packageCounts[pkg]++);
        }
        double summary = Double.NaN;
        for (int pkg = 0; pkg < perPackage.length; pkg++) {
            perPackage[pkg] = rollup == Signal.Rollup.MEAN ? packageSums[pkg] / packageCounts[pkg] : packageSums[pkg];
            summary = combine(rollup, summary, rollup == Signal.Rollup.MEAN ? packageSums[pkg] : perPackage[pkg], pkg);
        }
        out.summaryValues[index] = rollup == Signal.Rollup.MEAN ? summary / values.length : summary;
    }

    private int packageOf(Register.Scope scope, int position) {
        return switch (scope) {
            case THREAD -> layout.packageOfCpu(position);
            case CORE -> layout.packageOfCore(position);
            case PACKAGE -> position;
        };
    }

    // ---- reading checks: a value needs its registers read ----

    /** Whether {@code slot}'s register read at {@code instance} in this sample. */
    private boolean read(Readings r, int slot, int instance) {
        return slot >= 0 && r.read(layout.op(slot, instance));
    }

    /** Whether {@code slot}'s register read at {@code instance} now and at the previous sample: its delta exists. */
    private boolean readTwice(Readings r, int slot, int instance) {
        return slot >= 0 && r.readTwice(layout.op(slot, instance));
    }

    /**
     * Names, for each quantity, a register that did not read in this sample (only called when
     * some did not): one failure per quantity, naming the first register and CPU that failed.
     */
    private void recordFailures(Readings r, SampleValues out) {
        for (Signal signal : signals) {
            for (long address : signal.addresses(vendor)) {
                if (recordFailure(r, out, signal, layout.slotOf(address))) {
                    break;
                }
            }
        }
        for (int i = 0; i < columns.length; i++) {
            if (!recordFailure(r, out, columns[i], columnSlots[i])
                    && columns[i].format() == RegisterColumn.Format.PERCENT) {
                recordFailure(r, out, columns[i], tsc);
            }
        }
    }

    private boolean recordFailure(Readings r, SampleValues out, Quantity quantity, int slot) {
        int instances = layout.instances(layout.slotScope(slot));
        for (int instance = 0; instance < instances; instance++) {
            int errno = r.errno(layout.op(slot, instance));
            if (errno != 0) {
                int cpu = layout.cpuNumber(layout.cpuPositionOf(layout.slotScope(slot), instance));
                out.fail(new SignalFailure(quantity, "CPU " + cpu + ": " + Errno.name(errno) + " reading "
                        + Msr.describe(layout.slotAddress(slot))));
                return true;
            }
        }
        return false;
    }

    // ---- storing values ----

    private boolean wanted(Signal signal) {
        return wanted[signal.ordinal()];
    }

    private void set(SampleValues out, Signal signal, int position, double value) {
        if (wanted[signal.ordinal()]) {
            out.values[signal.ordinal()][position] = value;
        }
    }
}
