package io.github.msrsafe.telemetry;

import io.github.msrsafe.Errno;
import io.github.msrsafe.registers.Register;
import java.util.Arrays;
import java.util.List;

/**
 * Turns two samples' raw values into every quantity of a sampler, in place: the formulas of
 * {@link Derivations} applied per CPU, core and package, rolled up per package and over the
 * machine. Its only state is what must outlive a sample (running energy totals) and scratch
 * arrays, all allocated once, so deriving allocates nothing unless a register failed.
 */
final class Deriver {

    private static final int COUNTER_BITS = 64;

    private final SamplerLayout layout;
    private final Signal[] signals;               // derived, in declaration order
    private final boolean[] wanted;               // by Signal ordinal
    private final RegisterColumn[] columns;
    private final int[] columnSlots;
    private final int columnBase;                 // quantity index of columns[0]
    private final double fixedDramJoulesPerUnit;  // NaN: the unit register's energy unit
    private final Vendor vendor;

    private final int tsc;
    private final int mperf;
    private final int aperf;
    private final int thermStatus;
    private final int temperatureTarget;
    private final int packageThermStatus;
    private final int raplUnit;
    private final int powerLimit;
    private final int packageEnergy;
    private final int dramEnergy;
    private final int coreEnergy;

    private final long[][] energyTotals;          // by Signal ordinal (cumulative ones), by position: counter units
    private final double[] packageTscSums;
    private final double[] packageAperfSums;
    private final double[] packageMperfSums;
    private final int[] packageCpusCounted;

    Deriver(SamplerLayout layout, List<Signal> signals, List<RegisterColumn> columns, Vendor vendor,
            double fixedDramJoulesPerUnit) {
        this.layout = layout;
        this.signals = signals.toArray(Signal[]::new);
        this.wanted = new boolean[Signal.values().length];
        signals.forEach(signal -> wanted[signal.ordinal()] = true);
        this.columns = columns.toArray(RegisterColumn[]::new);
        this.columnSlots = columns.stream().mapToInt(column -> layout.slotOf(column.address())).toArray();
        this.columnBase = Signal.values().length;
        this.fixedDramJoulesPerUnit = fixedDramJoulesPerUnit;
        this.vendor = vendor;
        this.tsc = layout.slotOf(Msr.TSC);
        this.mperf = layout.slotOf(Msr.MPERF);
        this.aperf = layout.slotOf(Msr.APERF);
        this.thermStatus = layout.slotOf(Msr.THERM_STATUS);
        this.temperatureTarget = layout.slotOf(Msr.TEMPERATURE_TARGET);
        this.packageThermStatus = layout.slotOf(Msr.PACKAGE_THERM_STATUS);
        this.raplUnit = layout.slotOf(vendor == Vendor.AMD ? Msr.AMD_RAPL_POWER_UNIT : Msr.RAPL_POWER_UNIT);
        this.powerLimit = layout.slotOf(Msr.PKG_POWER_LIMIT);
        this.packageEnergy = layout.slotOf(vendor == Vendor.AMD ? Msr.AMD_PKG_ENERGY_STATUS : Msr.PKG_ENERGY_STATUS);
        this.dramEnergy = layout.slotOf(Msr.DRAM_ENERGY_STATUS);
        this.coreEnergy = layout.slotOf(Msr.AMD_CORE_ENERGY_STATUS);
        this.energyTotals = new long[Signal.values().length][];
        for (Signal signal : Signal.values()) {
            energyTotals[signal.ordinal()] = new long[wanted[signal.ordinal()] && signal.cumulative()
                    ? layout.instances(signal.scope()) : 0];
        }
        int packages = layout.packageCount();
        this.packageTscSums = new double[packages];
        this.packageAperfSums = new double[packages];
        this.packageMperfSums = new double[packages];
        this.packageCpusCounted = new int[packages];
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

    /** Derives every quantity of {@code readings}' latest sample into {@code out}. */
    void derive(Readings readings, SampleValues out) {
        out.clearFailures();
        if (!readings.complete()) {
            recordFailures(readings, out);
        }
        double seconds = readings.seconds();
        deriveFrequencies(readings, out, seconds);
        deriveCores(readings, out, seconds);
        derivePackages(readings, out, seconds);
        deriveColumns(readings, out);
        summarize(out, seconds);
    }

    // ---- per CPU: turbostat's frequency columns ----

    private void deriveFrequencies(Readings r, SampleValues out, double seconds) {
        if (!(wanted(Signal.AVG_MHZ) || wanted(Signal.BUSY_PERCENT) || wanted(Signal.BZY_MHZ) || wanted(Signal.TSC_MHZ))) {
            return;
        }
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
            // A package's averages count the CPUs all of whose counters read.
            if (interval && (tsc < 0 || tscRead) && (aperf < 0 || aperfRead) && (mperf < 0 || mperfRead)) {
                int pkg = layout.packageOfCpu(cpu);
                packageTscSums[pkg] += Derivations.unsigned(tscDelta);
                packageAperfSums[pkg] += Derivations.unsigned(aperfDelta);
                packageMperfSums[pkg] += Derivations.unsigned(mperfDelta);
                packageCpusCounted[pkg]++;
            }
        }
        for (int pkg = 0; pkg < layout.packageCount(); pkg++) {
            int cpus = packageCpusCounted[pkg];
            double none = interval && cpus > 0 ? 0 : Double.NaN; // NaN + x stays NaN
            setPackage(out, Signal.AVG_MHZ, pkg, none + Derivations.averageMhz(packageAperfSums[pkg], cpus, seconds));
            setPackage(out, Signal.BUSY_PERCENT, pkg, none + Derivations.busyPercent(packageMperfSums[pkg],
                    packageTscSums[pkg]));
            setPackage(out, Signal.BZY_MHZ, pkg, none + Derivations.busyMhz(packageTscSums[pkg], packageAperfSums[pkg],
                    packageMperfSums[pkg], cpus, seconds));
            setPackage(out, Signal.TSC_MHZ, pkg, none + Derivations.averageMhz(packageTscSums[pkg], cpus, seconds));
        }
    }

    // ---- per core ----

    private void deriveCores(Readings r, SampleValues out, double seconds) {
        if (wanted(Signal.CORE_TEMPERATURE)) {
            double[] perPackage = out.packageValues[Signal.CORE_TEMPERATURE.ordinal()];
            Arrays.fill(perPackage, Double.NaN);
            for (int core = 0; core < layout.coreCount(); core++) {
                int pkg = layout.packageOfCore(core);
                double celsius = Double.NaN;
                if (read(r, thermStatus, core) && read(r, temperatureTarget, pkg)) {
                    int tjMax = Derivations.tjMax(r.raw(layout.op(temperatureTarget, pkg)));
                    celsius = Derivations.coreTemperature(r.raw(layout.op(thermStatus, core)), tjMax);
                }
                set(out, Signal.CORE_TEMPERATURE, core, celsius);
                perPackage[pkg] = maxIgnoringNaN(perPackage[pkg], celsius); // the hottest core
            }
        }
        if (wanted(Signal.CORE_WATTS) || wanted(Signal.CORE_JOULES)) {
            clearPackages(out, Signal.CORE_WATTS);
            clearPackages(out, Signal.CORE_JOULES);
            for (int core = 0; core < layout.coreCount(); core++) {
                int pkg = layout.packageOfCore(core);
                boolean unitRead = read(r, raplUnit, pkg);
                boolean energyRead = readTwice(r, coreEnergy, core);
                double unit = unitRead ? Derivations.raplEnergyUnit(r.raw(layout.op(raplUnit, pkg))) : Double.NaN;
                long delta = energyRead ? r.delta(layout.op(coreEnergy, core), Msr.ENERGY_COUNTER_BITS) : 0;
                double watts = energyRead ? Derivations.watts(delta, unit, seconds) : Double.NaN;
                set(out, Signal.CORE_WATTS, core, watts);
                addToPackage(out, Signal.CORE_WATTS, pkg, watts);
                double joules = accumulate(Signal.CORE_JOULES, core, delta) * unit;
                set(out, Signal.CORE_JOULES, core, joules);
                addToPackage(out, Signal.CORE_JOULES, pkg, joules);
            }
        }
    }

    // ---- per package ----

    private void derivePackages(Readings r, SampleValues out, double seconds) {
        for (int pkg = 0; pkg < layout.packageCount(); pkg++) {
            if (wanted(Signal.PACKAGE_TEMPERATURE)) {
                double celsius = Double.NaN;
                if (read(r, packageThermStatus, pkg) && read(r, temperatureTarget, pkg)) {
                    int tjMax = Derivations.tjMax(r.raw(layout.op(temperatureTarget, pkg)));
                    celsius = Derivations.packageTemperature(r.raw(layout.op(packageThermStatus, pkg)), tjMax);
                }
                setPackageSignal(out, Signal.PACKAGE_TEMPERATURE, pkg, celsius);
            }
            boolean unitRead = raplUnit >= 0 && r.read(layout.op(raplUnit, pkg));
            double unit = unitRead ? Derivations.raplEnergyUnit(r.raw(layout.op(raplUnit, pkg))) : Double.NaN;
            if (packageEnergy >= 0) {
                energy(r, out, seconds, pkg, packageEnergy, unit, Signal.PACKAGE_WATTS, Signal.PACKAGE_JOULES);
            }
            if (dramEnergy >= 0) {
                double dramUnit = Double.isNaN(fixedDramJoulesPerUnit) ? unit : fixedDramJoulesPerUnit;
                energy(r, out, seconds, pkg, dramEnergy, dramUnit, Signal.DRAM_WATTS, Signal.DRAM_JOULES);
            }
            if (powerLimit >= 0) {
                double pl1Watts = Double.NaN;
                double pl1Seconds = Double.NaN;
                double pl2Watts = Double.NaN;
                double pl2Seconds = Double.NaN;
                if (read(r, powerLimit, pkg) && read(r, raplUnit, pkg)) {
                    long units = r.raw(layout.op(raplUnit, pkg));
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
                setPackageSignal(out, Signal.PL1_WATTS, pkg, pl1Watts);
                setPackageSignal(out, Signal.PL1_SECONDS, pkg, pl1Seconds);
                setPackageSignal(out, Signal.PL2_WATTS, pkg, pl2Watts);
                setPackageSignal(out, Signal.PL2_SECONDS, pkg, pl2Seconds);
            }
        }
    }

    /** Power over the interval and energy since the first sample, from a 32-bit energy counter. */
    private void energy(Readings r, SampleValues out, double seconds, int pkg, int slot, double joulesPerUnit,
            Signal watts, Signal joules) {
        boolean counted = readTwice(r, slot, pkg) && !Double.isNaN(joulesPerUnit);
        long delta = counted ? r.delta(layout.op(slot, pkg), Msr.ENERGY_COUNTER_BITS) : 0;
        setPackageSignal(out, watts, pkg, counted ? Derivations.watts(delta, joulesPerUnit, seconds) : Double.NaN);
        setPackageSignal(out, joules, pkg, accumulate(joules, pkg, delta) * joulesPerUnit);
    }

    // ---- register columns ----

    private void deriveColumns(Readings r, SampleValues out) {
        for (int i = 0; i < columns.length; i++) {
            RegisterColumn column = columns[i];
            int index = columnBase + i;
            double[] values = out.values[index];
            for (int position = 0; position < values.length; position++) {
                values[position] = columnValue(r, column, columnSlots[i], position);
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

    // ---- the machine ----

    /** The machine-wide value of each signal: CPU averages as for a package, temperatures the hottest, energy summed. */
    private void summarize(SampleValues out, double seconds) {
        double tscSum = 0;
        double aperfSum = 0;
        double mperfSum = 0;
        int cpus = 0;
        for (int pkg = 0; pkg < layout.packageCount(); pkg++) {
            tscSum += packageTscSums[pkg];
            aperfSum += packageAperfSums[pkg];
            mperfSum += packageMperfSums[pkg];
            cpus += packageCpusCounted[pkg];
        }
        double none = cpus > 0 ? 0 : Double.NaN;
        for (Signal signal : signals) {
            double[] perPackage = out.packageValues[signal.ordinal()];
            out.summaryValues[signal.ordinal()] = switch (signal) {
                case AVG_MHZ -> none + Derivations.averageMhz(aperfSum, cpus, seconds);
                case BUSY_PERCENT -> none + Derivations.busyPercent(mperfSum, tscSum);
                case BZY_MHZ -> none + Derivations.busyMhz(tscSum, aperfSum, mperfSum, cpus, seconds);
                case TSC_MHZ -> none + Derivations.averageMhz(tscSum, cpus, seconds);
                case CORE_TEMPERATURE, PACKAGE_TEMPERATURE -> max(perPackage);
                case PACKAGE_WATTS, CORE_WATTS, DRAM_WATTS, PACKAGE_JOULES, CORE_JOULES, DRAM_JOULES -> sum(perPackage);
                case PL1_WATTS, PL1_SECONDS, PL2_WATTS, PL2_SECONDS -> common(perPackage);
            };
        }
        for (int i = 0; i < columns.length; i++) {
            summarizeColumn(out, columns[i], columnBase + i);
        }
    }

    /** Register columns per package and machine: deltas summed, percents averaged, raw values when all agree. */
    private void summarizeColumn(SampleValues out, RegisterColumn column, int index) {
        double[] values = out.values[index];
        double[] perPackage = out.packageValues[index];
        for (int pkg = 0; pkg < perPackage.length; pkg++) {
            double sum = 0;
            int count = 0;
            double first = Double.NaN;
            boolean agree = true;
            for (int position = 0; position < values.length; position++) {
                if (packageOf(column.scope(), position) == pkg) {
                    first = count == 0 ? values[position] : first;
                    agree &= Double.compare(first, values[position]) == 0;
                    sum += values[position];
                    count++;
                }
            }
            perPackage[pkg] = switch (column.format()) {
                case DELTA -> sum;
                case PERCENT -> count > 0 ? sum / count : Double.NaN;
                case RAW -> agree ? first : Double.NaN;
            };
        }
        out.summaryValues[index] = switch (column.format()) {
            case DELTA -> sum(perPackage);
            case PERCENT -> mean(values);
            case RAW -> common(perPackage);
        };
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
     * Names, for each quantity, the registers that did not read in this sample (only called when
     * some did not): one failure per quantity and failing register, naming the first CPU.
     */
    private void recordFailures(Readings r, SampleValues out) {
        for (Signal signal : signals) {
            for (long address : signal.addresses(vendor)) {
                recordFailure(r, out, signal, layout.slotOf(address));
            }
        }
        for (int i = 0; i < columns.length; i++) {
            recordFailure(r, out, columns[i], columnSlots[i]);
            if (columns[i].format() == RegisterColumn.Format.PERCENT) {
                recordFailure(r, out, columns[i], tsc);
            }
        }
    }

    private void recordFailure(Readings r, SampleValues out, Quantity quantity, int slot) {
        int instances = layout.instances(layout.slotScope(slot));
        for (int instance = 0; instance < instances; instance++) {
            int errno = r.errno(layout.op(slot, instance));
            if (errno != 0) {
                int cpu = layout.cpuNumber(layout.cpuPositionOf(layout.slotScope(slot), instance));
                out.fail(new SignalFailure(quantity, "CPU " + cpu + ": " + Errno.name(errno) + " reading "
                        + Msr.describe(layout.slotAddress(slot))));
                return;
            }
        }
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

    private void setPackage(SampleValues out, Signal signal, int pkg, double value) {
        if (wanted[signal.ordinal()]) {
            out.packageValues[signal.ordinal()][pkg] = value;
        }
    }

    /** A package-scope signal: its value is its package's value. */
    private void setPackageSignal(SampleValues out, Signal signal, int pkg, double value) {
        set(out, signal, pkg, value);
        setPackage(out, signal, pkg, value);
    }

    private void clearPackages(SampleValues out, Signal signal) {
        if (wanted[signal.ordinal()]) {
            Arrays.fill(out.packageValues[signal.ordinal()], 0);
        }
    }

    private void addToPackage(SampleValues out, Signal signal, int pkg, double value) {
        if (wanted[signal.ordinal()]) {
            out.packageValues[signal.ordinal()][pkg] += value;
        }
    }

    private long accumulate(Signal signal, int position, long delta) {
        if (!wanted[signal.ordinal()]) {
            return 0;
        }
        return energyTotals[signal.ordinal()][position] += delta;
    }

    private static double maxIgnoringNaN(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }

    private static double max(double[] values) {
        double max = Double.NaN;
        for (double value : values) {
            max = maxIgnoringNaN(max, value);
        }
        return max;
    }

    private static double sum(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum;
    }

    private static double mean(double[] values) {
        return values.length == 0 ? Double.NaN : sum(values) / values.length;
    }

    /** The value every package shares, or NaN when they differ. */
    private static double common(double[] values) {
        for (double value : values) {
            if (Double.compare(value, values[0]) != 0) {
                return Double.NaN;
            }
        }
        return values.length == 0 ? Double.NaN : values[0];
    }
}
