package io.github.msrsafe.telemetry;

import io.github.msrsafe.BatchOutcome;
import io.github.msrsafe.CpuRanges;
import io.github.msrsafe.CpuUnavailableException;
import io.github.msrsafe.Driver;
import io.github.msrsafe.Errno;
import io.github.msrsafe.FailureKind;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrFaultException;
import io.github.msrsafe.MsrNotAllowedException;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.internal.access.ExceptionAccess;
import io.github.msrsafe.registers.CpuIdentity;
import io.github.msrsafe.registers.Register;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Reads a declared set of {@link Signal}s from every CPU, core and package with one
 * {@link MsrBatch} per sample, and derives them: frequencies and Busy% from
 * APERF/MPERF/TSC deltas, watts and joules from RAPL energy counters (across their
 * 32-bit wrap), temperatures, power limits.
 *
 * <p>The batch holds one read per register per place it lives: thread-scope registers on
 * every CPU, core-scope ones on the first CPU of each core, package-scope ones on the first
 * CPU of each package ({@link CpuTopology}). It is built once; {@link #sample()} executes it,
 * swaps two preallocated arrays of raw values and recomputes the signals in place, so a
 * sample allocates nothing on the Java heap once warm.
 *
 * <p>Opening checks that the allowlist lists every register the signals need, and reports
 * the ones it does not BY NAME, with the signals that need them, before any sampling.
 *
 * {@snippet :
 * try (MsrSafe msr = MsrSafe.open();
 *      Sampler sampler = Sampler.builder(msr).signals(Signal.AVG_MHZ, Signal.PACKAGE_WATTS).open()) {
 *     sampler.sample();
 *     Thread.sleep(1000);
 *     Sample sample = sampler.sample();
 *     double watts = sample.packageValue(Signal.PACKAGE_WATTS, 0);  // package 0, over the last second
 * }
 * }
 *
 * <p>Not thread-safe: one thread samples at a time, and reads the {@link Sample} before the next sample.
 */
public final class Sampler implements AutoCloseable {

    private static final double NANOS_PER_SECOND = 1e9;
    private static final int COUNTER_BITS = 64;

    private final MsrSafe msr;
    private final MsrBatch batch;
    private final CpuTopology topology;
    private final Vendor vendor;
    private final List<Signal> signals;
    private final Signal[] signalArray;          // the same, indexed: iterating a List would allocate an Iterator
    private final boolean[] wanted;              // by Signal ordinal
    private final LongSupplier clock;
    private final LongSupplier wallClock;
    private final double fixedDramJoulesPerUnit; // NaN: the unit register's energy unit

    // ---- the layout: CPUs, cores and packages by position ----
    final int cpuCount;
    final int coreCount;
    final int packageCount;
    final int[] cpuNumbers;         // CPU position -> CPU number
    final int[] coreOfCpu;          // CPU position -> core position
    final int[] packageOfCpu;       // CPU position -> package position
    final int[] packageOfCore;      // core position -> package position
    final int[] coreLeaderCpu;      // core position -> CPU number it is read on
    final List<CpuTopology.Placement> cores;    // core position -> its first CPU's placement
    final int[] packageIds;         // package position -> package id
    final int[] cpuPositions;       // CPU number -> position, or -1
    final int[] cpusInPackage;      // package position -> number of CPUs

    // ---- the registers: one slot per address, its reads contiguous in the batch ----
    private final long[] slotAddresses;
    private final Register.Scope[] slotScopes;
    private final int[] slotFirstOp;
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

    // ---- per-sample state, all preallocated ----
    private long[] previous;
    private long[] current;
    private long previousNanos;
    private long currentNanos;
    private long epochMillis;
    private long count;
    final double[][] values;        // by Signal ordinal, by position in the signal's scope
    final double[][] packageValues; // by Signal ordinal, by package position (thread and core signals rolled up)
    final double[] summaryValues;   // by Signal ordinal, over every package
    private final long[][] energyTotals; // by Signal ordinal (cumulative ones), running sums of counter deltas
    private final double[] packageTscSums;
    private final double[] packageAperfSums;
    private final double[] packageMperfSums;
    private final Sample view;
    private boolean closed;

    private Sampler(Builder builder, List<Signal> signals, CpuTopology topology, Vendor vendor) {
        this.msr = builder.msr;
        this.topology = topology;
        this.vendor = vendor;
        this.signals = List.copyOf(signals);
        this.signalArray = signals.toArray(Signal[]::new);
        this.wanted = new boolean[Signal.values().length];
        signals.forEach(signal -> wanted[signal.ordinal()] = true);
        this.clock = builder.clock;
        this.wallClock = builder.wallClock;
        this.fixedDramJoulesPerUnit = builder.dramJoulesPerUnit;

        List<CpuTopology.Placement> cpus = topology.cpus();
        List<CpuTopology.Placement> cores = topology.coreLeaders();
        this.cores = cores;
        List<CpuTopology.Placement> packages = topology.packageLeaders();
        this.cpuCount = cpus.size();
        this.coreCount = cores.size();
        this.packageCount = packages.size();
        this.cpuNumbers = cpus.stream().mapToInt(CpuTopology.Placement::cpu).toArray();
        this.packageIds = packages.stream().mapToInt(CpuTopology.Placement::packageId).toArray();
        this.coreLeaderCpu = cores.stream().mapToInt(CpuTopology.Placement::cpu).toArray();
        this.cpuPositions = new int[cpuNumbers[cpuCount - 1] + 1];
        Arrays.fill(cpuPositions, -1);
        this.coreOfCpu = new int[cpuCount];
        this.packageOfCpu = new int[cpuCount];
        this.packageOfCore = new int[coreCount];
        this.cpusInPackage = new int[packageCount];
        for (int i = 0; i < cpuCount; i++) {
            CpuTopology.Placement cpu = cpus.get(i);
            cpuPositions[cpu.cpu()] = i;
            packageOfCpu[i] = Arrays.binarySearch(packageIds, cpu.packageId());
            cpusInPackage[packageOfCpu[i]]++;
            for (int core = 0; core < coreCount; core++) {
                if (cores.get(core).packageId() == cpu.packageId() && cores.get(core).coreId() == cpu.coreId()) {
                    coreOfCpu[i] = core;
                }
            }
        }
        for (int core = 0; core < coreCount; core++) {
            packageOfCore[core] = Arrays.binarySearch(packageIds, cores.get(core).packageId());
        }

        // One slot per distinct register, in first-needed order.
        Map<Long, Register> needed = new LinkedHashMap<>();
        for (Signal signal : this.signals) {
            for (Register register : signal.registers(vendor)) {
                needed.putIfAbsent(register.address(), register);
            }
        }
        int slots = needed.size();
        this.slotAddresses = new long[slots];
        this.slotScopes = new Register.Scope[slots];
        this.slotFirstOp = new int[slots];
        this.batch = msr.newBatch();
        int slot = 0;
        for (Register register : needed.values()) {
            slotAddresses[slot] = register.address();
            slotScopes[slot] = register.scope();
            slotFirstOp[slot] = batch.size();
            int[] readOn = switch (register.scope()) {
                case THREAD -> cpuNumbers;
                case CORE -> coreLeaderCpu;
                case PACKAGE -> packages.stream().mapToInt(CpuTopology.Placement::cpu).toArray();
            };
            for (int cpu : readOn) {
                batch.addRead(cpu, register.address());
            }
            slot++;
        }
        this.tsc = slotOf(Msr.TSC);
        this.mperf = slotOf(Msr.MPERF);
        this.aperf = slotOf(Msr.APERF);
        this.thermStatus = slotOf(Msr.THERM_STATUS);
        this.temperatureTarget = slotOf(Msr.TEMPERATURE_TARGET);
        this.packageThermStatus = slotOf(Msr.PACKAGE_THERM_STATUS);
        this.raplUnit = slotOf(vendor == Vendor.AMD ? Msr.AMD_RAPL_POWER_UNIT : Msr.RAPL_POWER_UNIT);
        this.powerLimit = slotOf(Msr.PKG_POWER_LIMIT);
        this.packageEnergy = slotOf(vendor == Vendor.AMD ? Msr.AMD_PKG_ENERGY_STATUS : Msr.PKG_ENERGY_STATUS);
        this.dramEnergy = slotOf(Msr.DRAM_ENERGY_STATUS);
        this.coreEnergy = slotOf(Msr.AMD_CORE_ENERGY_STATUS);

        this.previous = new long[batch.size()];
        this.current = new long[batch.size()];
        int signalCount = Signal.values().length;
        this.values = new double[signalCount][];
        this.packageValues = new double[signalCount][];
        this.summaryValues = new double[signalCount];
        this.energyTotals = new long[signalCount][];
        for (Signal signal : Signal.values()) {
            int instances = instances(signal.scope());
            values[signal.ordinal()] = new double[wanted[signal.ordinal()] ? instances : 0];
            packageValues[signal.ordinal()] = new double[wanted[signal.ordinal()] ? packageCount : 0];
            energyTotals[signal.ordinal()] = new long[wanted[signal.ordinal()] && signal.cumulative() ? instances : 0];
        }
        Arrays.fill(summaryValues, Double.NaN);
        this.packageTscSums = new double[packageCount];
        this.packageAperfSums = new double[packageCount];
        this.packageMperfSums = new double[packageCount];
        this.view = new Sample(this);
    }

    /**
     * {@return a builder for a sampler on {@code msr}; see {@link Builder} for its defaults}
     *
     * @param msr the open handle to sample through; closing the sampler leaves it open
     * @throws NullPointerException if msr is null
     */
    public static Builder builder(MsrSafe msr) {
        return new Builder(msr);
    }

    /** {@return the signals this sampler derives, in declaration order} */
    public List<Signal> signals() {
        return signals;
    }

    /** {@return the CPUs, cores and packages this sampler reads} */
    public CpuTopology topology() {
        return topology;
    }

    /** {@return whose register layout this sampler reads} */
    public Vendor vendor() {
        return vendor;
    }

    /** {@return how many reads one sample's batch holds: one per register per CPU, core or package it is read on} */
    public int batchSize() {
        return batch.size();
    }

    /**
     * {@return whether this sampler derives {@code signal}}
     *
     * @param signal any signal
     */
    public boolean has(Signal signal) {
        return wanted[signal.ordinal()];
    }

    /**
     * Takes a sample: one batch, then every signal recomputed against the previous sample.
     * At the first sample, rate signals ({@link Signal#needsInterval()}) are NaN: there is no
     * interval yet.
     *
     * @return the reading, a view that the next sample overwrites
     * @throws MsrSafeException      if the batch fails (a CPU went offline, the allowlist changed), naming the register
     * @throws IllegalStateException if the sampler is closed
     */
    public Sample sample() throws MsrSafeException {
        if (closed) {
            throw new IllegalStateException("this sampler is closed");
        }
        long before = clock.getAsLong();
        BatchOutcome outcome = batch.execute();
        long after = clock.getAsLong();
        if (outcome != BatchOutcome.SUCCEEDED) {
            throw failureOf(batch, "sample");
        }
        long[] swap = previous;
        previous = current;
        current = swap;
        for (int op = 0; op < current.length; op++) {
            current[op] = batch.value(op);
        }
        previousNanos = currentNanos;
        currentNanos = before + (after - before) / 2; // the batch's midpoint stands for all its reads
        epochMillis = wallClock.getAsLong();
        count++;
        derive(count > 1 ? (currentNanos - previousNanos) / NANOS_PER_SECOND : Double.NaN);
        return view;
    }

    /** {@return the last sample's reading, the same view {@link #sample()} returns (before the first sample: every value NaN)} */
    public Sample last() {
        return view;
    }

    /** Frees the batch. The MsrSafe handle stays open. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            batch.close();
        }
    }

    @Override
    public String toString() {
        return "Sampler[" + signals + ", " + cpuCount + " CPUs, " + coreCount + " cores, " + packageCount
                + " packages, " + batch.size() + " reads per sample]";
    }

    // ---- for Sample ----

    long timestampNanos() {
        return currentNanos;
    }

    long epochMillis() {
        return epochMillis;
    }

    long count() {
        return count;
    }

    double intervalSeconds() {
        return count > 1 ? (currentNanos - previousNanos) / NANOS_PER_SECOND : Double.NaN;
    }

    int instances(Register.Scope scope) {
        return switch (scope) {
            case THREAD -> cpuCount;
            case CORE -> coreCount;
            case PACKAGE -> packageCount;
        };
    }

    // ---- the derivations ----

    private void derive(double seconds) {
        boolean interval = count > 1;
        Arrays.fill(packageTscSums, 0);
        Arrays.fill(packageAperfSums, 0);
        Arrays.fill(packageMperfSums, 0);
        deriveThreads(seconds, interval);
        deriveCores(seconds, interval);
        derivePackages(seconds, interval);
        summarize(seconds);
    }

    private void deriveThreads(double seconds, boolean interval) {
        boolean frequencies = wanted(Signal.AVG_MHZ) || wanted(Signal.BUSY_PERCENT) || wanted(Signal.BZY_MHZ)
                || wanted(Signal.TSC_MHZ);
        if (!frequencies) {
            return;
        }
        for (int cpu = 0; cpu < cpuCount; cpu++) {
            long tscDelta = interval && tsc >= 0 ? delta(tsc, cpu, COUNTER_BITS) : 0;
            long aperfDelta = interval && aperf >= 0 ? delta(aperf, cpu, COUNTER_BITS) : 0;
            long mperfDelta = interval && mperf >= 0 ? delta(mperf, cpu, COUNTER_BITS) : 0;
            int pkg = packageOfCpu[cpu];
            packageTscSums[pkg] += Derivations.unsigned(tscDelta);
            packageAperfSums[pkg] += Derivations.unsigned(aperfDelta);
            packageMperfSums[pkg] += Derivations.unsigned(mperfDelta);
            set(Signal.AVG_MHZ, cpu, interval ? Derivations.averageMhz(aperfDelta, seconds) : Double.NaN);
            set(Signal.BUSY_PERCENT, cpu, interval ? Derivations.busyPercent(mperfDelta, tscDelta) : Double.NaN);
            set(Signal.BZY_MHZ, cpu, interval ? Derivations.busyMhz(tscDelta, aperfDelta, mperfDelta, seconds)
                    : Double.NaN);
            set(Signal.TSC_MHZ, cpu, interval ? Derivations.tscMhz(tscDelta, seconds) : Double.NaN);
        }
        for (int pkg = 0; pkg < packageCount; pkg++) {
            int cpus = cpusInPackage[pkg];
            double nan = interval ? 0 : Double.NaN; // NaN + x stays NaN before the first interval
            setPackage(Signal.AVG_MHZ, pkg, nan + Derivations.averageMhz(packageAperfSums[pkg], cpus, seconds));
            setPackage(Signal.BUSY_PERCENT, pkg, nan + Derivations.busyPercent(packageMperfSums[pkg],
                    packageTscSums[pkg]));
            setPackage(Signal.BZY_MHZ, pkg, nan + Derivations.busyMhz(packageTscSums[pkg], packageAperfSums[pkg],
                    packageMperfSums[pkg], cpus, seconds));
            setPackage(Signal.TSC_MHZ, pkg, nan + Derivations.averageMhz(packageTscSums[pkg], cpus, seconds));
        }
    }

    private void deriveCores(double seconds, boolean interval) {
        if (wanted(Signal.CORE_TEMPERATURE)) {
            double[] perPackage = packageValues[Signal.CORE_TEMPERATURE.ordinal()];
            Arrays.fill(perPackage, Double.NaN);
            for (int core = 0; core < coreCount; core++) {
                int pkg = packageOfCore[core];
                int tjMax = Derivations.tjMax(raw(temperatureTarget, pkg));
                double celsius = Derivations.coreTemperature(raw(thermStatus, core), tjMax);
                set(Signal.CORE_TEMPERATURE, core, celsius);
                perPackage[pkg] = maxIgnoringNaN(perPackage[pkg], celsius); // the hottest core
            }
        }
        if (wanted(Signal.CORE_WATTS) || wanted(Signal.CORE_JOULES)) {
            clearPackages(Signal.CORE_WATTS);
            clearPackages(Signal.CORE_JOULES);
            for (int core = 0; core < coreCount; core++) {
                int pkg = packageOfCore[core];
                double unit = Derivations.raplEnergyUnit(raw(raplUnit, pkg));
                long delta = interval ? delta(coreEnergy, core, Msr.ENERGY_COUNTER_BITS) : 0;
                double watts = interval ? Derivations.watts(delta, unit, seconds) : Double.NaN;
                set(Signal.CORE_WATTS, core, watts);
                addToPackage(Signal.CORE_WATTS, pkg, watts);
                double joules = accumulate(Signal.CORE_JOULES, core, delta) * unit;
                set(Signal.CORE_JOULES, core, joules);
                addToPackage(Signal.CORE_JOULES, pkg, joules);
            }
        }
    }

    private void derivePackages(double seconds, boolean interval) {
        for (int pkg = 0; pkg < packageCount; pkg++) {
            if (wanted(Signal.PACKAGE_TEMPERATURE)) {
                int tjMax = Derivations.tjMax(raw(temperatureTarget, pkg));
                setPackageSignal(Signal.PACKAGE_TEMPERATURE, pkg,
                        Derivations.packageTemperature(raw(packageThermStatus, pkg), tjMax));
            }
            if (packageEnergy >= 0 || dramEnergy >= 0) {
                double unit = Derivations.raplEnergyUnit(raw(raplUnit, pkg));
                if (packageEnergy >= 0) {
                    long delta = interval ? delta(packageEnergy, pkg, Msr.ENERGY_COUNTER_BITS) : 0;
                    setPackageSignal(Signal.PACKAGE_WATTS, pkg,
                            interval ? Derivations.watts(delta, unit, seconds) : Double.NaN);
                    setPackageSignal(Signal.PACKAGE_JOULES, pkg, accumulate(Signal.PACKAGE_JOULES, pkg, delta) * unit);
                }
                if (dramEnergy >= 0) {
                    double dramUnit = Double.isNaN(fixedDramJoulesPerUnit) ? unit : fixedDramJoulesPerUnit;
                    long delta = interval ? delta(dramEnergy, pkg, Msr.ENERGY_COUNTER_BITS) : 0;
                    setPackageSignal(Signal.DRAM_WATTS, pkg,
                            interval ? Derivations.watts(delta, dramUnit, seconds) : Double.NaN);
                    setPackageSignal(Signal.DRAM_JOULES, pkg, accumulate(Signal.DRAM_JOULES, pkg, delta) * dramUnit);
                }
            }
            if (powerLimit >= 0) {
                long units = raw(raplUnit, pkg);
                long limits = raw(powerLimit, pkg);
                double wattsPerUnit = Derivations.raplPowerUnit(units);
                double secondsPerUnit = Derivations.raplTimeUnit(units);
                long pl1 = limits & PackagePowerLimit.PL1_BITS;
                long pl2 = (limits & PackagePowerLimit.PL2_BITS) >>> 32;
                setPackageSignal(Signal.PL1_WATTS, pkg, PackagePowerLimit.watts(pl1, wattsPerUnit));
                setPackageSignal(Signal.PL1_SECONDS, pkg, PackagePowerLimit.windowSeconds(pl1, secondsPerUnit));
                setPackageSignal(Signal.PL2_WATTS, pkg, PackagePowerLimit.watts(pl2, wattsPerUnit));
                setPackageSignal(Signal.PL2_SECONDS, pkg, PackagePowerLimit.windowSeconds(pl2, secondsPerUnit));
            }
        }
    }

    /** The machine-wide value of each signal: CPU averages as for a package, temperatures the hottest, energy summed. */
    private void summarize(double seconds) {
        boolean interval = count > 1;
        double tscSum = 0;
        double aperfSum = 0;
        double mperfSum = 0;
        for (int pkg = 0; pkg < packageCount; pkg++) {
            tscSum += packageTscSums[pkg];
            aperfSum += packageAperfSums[pkg];
            mperfSum += packageMperfSums[pkg];
        }
        double nan = interval ? 0 : Double.NaN;
        for (Signal signal : signalArray) {
            double[] perPackage = packageValues[signal.ordinal()];
            double summary = switch (signal) {
                case AVG_MHZ -> nan + Derivations.averageMhz(aperfSum, cpuCount, seconds);
                case BUSY_PERCENT -> nan + Derivations.busyPercent(mperfSum, tscSum);
                case BZY_MHZ -> nan + Derivations.busyMhz(tscSum, aperfSum, mperfSum, cpuCount, seconds);
                case TSC_MHZ -> nan + Derivations.averageMhz(tscSum, cpuCount, seconds);
                case CORE_TEMPERATURE, PACKAGE_TEMPERATURE -> max(perPackage);
                case PACKAGE_WATTS, CORE_WATTS, DRAM_WATTS, PACKAGE_JOULES, CORE_JOULES, DRAM_JOULES -> sum(perPackage);
                case PL1_WATTS, PL1_SECONDS, PL2_WATTS, PL2_SECONDS -> common(perPackage);
            };
            summaryValues[signal.ordinal()] = summary;
        }
    }

    private boolean wanted(Signal signal) {
        return wanted[signal.ordinal()];
    }

    private void set(Signal signal, int position, double value) {
        if (wanted[signal.ordinal()]) {
            values[signal.ordinal()][position] = value;
        }
    }

    private void setPackage(Signal signal, int pkg, double value) {
        if (wanted[signal.ordinal()]) {
            packageValues[signal.ordinal()][pkg] = value;
        }
    }

    /** A package-scope signal: its value is its package's value. */
    private void setPackageSignal(Signal signal, int pkg, double value) {
        set(signal, pkg, value);
        setPackage(signal, pkg, value);
    }

    private void clearPackages(Signal signal) {
        if (wanted[signal.ordinal()]) {
            Arrays.fill(packageValues[signal.ordinal()], 0);
        }
    }

    private void addToPackage(Signal signal, int pkg, double value) {
        if (wanted[signal.ordinal()]) {
            packageValues[signal.ordinal()][pkg] += value;
        }
    }

    private long accumulate(Signal signal, int position, long delta) {
        if (!wanted[signal.ordinal()]) {
            return 0;
        }
        return energyTotals[signal.ordinal()][position] += delta;
    }

    private long raw(int slot, int instance) {
        return current[slotFirstOp[slot] + instance];
    }

    private long delta(int slot, int instance, int bits) {
        int op = slotFirstOp[slot] + instance;
        return Derivations.counterDelta(previous[op], current[op], bits);
    }

    private int slotOf(long address) {
        for (int slot = 0; slot < slotAddresses.length; slot++) {
            if (slotAddresses[slot] == address) {
                return slot;
            }
        }
        return -1;
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

    /** The value every package shares, or NaN when they differ. */
    private static double common(double[] values) {
        for (double value : values) {
            if (Double.compare(value, values[0]) != 0) {
                return Double.NaN;
            }
        }
        return values.length == 0 ? Double.NaN : values[0];
    }

    // ---- checks before sampling, and failures named by register ----

    /**
     * Checks that every register can be read before sampling starts: against the installed
     * allowlist when this user may read it, then with one probe batch (which also finds
     * registers the processor lacks).
     */
    private void check() throws MsrSafeException {
        Allowlist allowlist = readableAllowlist();
        if (allowlist != null) {
            List<Long> missing = new ArrayList<>();
            for (long address : slotAddresses) {
                if (!allowlist.contains(address)) {
                    missing.add(address);
                }
            }
            if (!missing.isEmpty()) {
                throw ExceptionAccess.create(FailureKind.NOT_ALLOWED, Errno.EACCES.number(),
                        "check of telemetry signals on", msr.root(), -1, missing.getFirst(), "the allowlist does not list " + describeNeeds(missing)
                        + "; an administrator must add them to msr_allowlist, or sample fewer signals");
            }
        }
        if (batch.execute() != BatchOutcome.SUCCEEDED) {
            throw failureOf(batch, "check of telemetry signals on");
        }
    }

    private Allowlist readableAllowlist() {
        try {
            return msr.allowlist();
        } catch (MsrSafeException e) {
            return null; // only msr-admin may read it; the probe batch decides instead
        }
    }

    /** The failure of an executed batch, naming every register that failed and the signals that need it. */
    private MsrSafeException failureOf(MsrBatch executed, String operation) {
        Map<FailureKind, Set<Long>> byKind = new EnumMap<>(FailureKind.class);
        Map<FailureKind, Integer> errnoOf = new EnumMap<>(FailureKind.class);
        Map<FailureKind, Integer> cpuOf = new EnumMap<>(FailureKind.class);
        for (int op = 0; op < executed.size(); op++) {
            Optional<FailureKind> kind = executed.kind(op);
            if (kind.isPresent()) {
                byKind.computeIfAbsent(kind.get(), k -> new java.util.LinkedHashSet<>()).add(executed.msr(op));
                errnoOf.putIfAbsent(kind.get(), executed.error(op).orElseThrow().number());
                cpuOf.putIfAbsent(kind.get(), executed.cpu(op));
            }
        }
        // The kinds a caller can act on come first; the first op of each kind names the CPU.
        for (FailureKind kind : byKind.keySet()) {
            List<Long> registers = List.copyOf(byKind.get(kind));
            int errno = errnoOf.get(kind);
            int cpu = cpuOf.get(kind);
            String reason = switch (kind) {
                case NOT_ALLOWED, READ_ONLY -> "the allowlist does not list " + describeNeeds(registers)
                        + "; an administrator must add them to msr_allowlist, or sample fewer signals";
                case FAULT -> "this processor does not implement " + describeNeeds(registers)
                        + " (rdmsr faults); sample fewer signals or choose the right vendor";
                case CPU_UNAVAILABLE -> "CPU " + cpu + " went offline after the handle was opened; open a new handle"
                        + " and sampler for the CPUs online now";
                default -> Errno.name(errno) + " reading " + describeNeeds(List.of(registers.getFirst()));
            };
            boolean perCpu = kind == FailureKind.CPU_UNAVAILABLE || kind == FailureKind.OTHER;
            return ExceptionAccess.create(kind, errno, operation, msr.root(), perCpu ? cpu : -1,
                    kind == FailureKind.CPU_UNAVAILABLE ? -1 : registers.getFirst(), reason);
        }
        throw new IllegalStateException("the batch has no failed op; this is a bug");
    }

    /** "MSR_PKG_ENERGY_STATUS (0x611) for PkgWatt, Pkg_J; IA32_MPERF (0xE7) for Busy%". */
    private String describeNeeds(List<Long> addresses) {
        StringJoiner text = new StringJoiner("; ");
        for (long address : addresses) {
            String users = signals.stream().filter(signal -> Arrays.stream(signal.addresses(vendor))
                    .anyMatch(a -> a == address)).map(Signal::columnName).collect(Collectors.joining(", "));
            text.add(Msr.describe(address) + (users.isEmpty() ? "" : " for " + users));
        }
        return text.toString();
    }

    /**
     * Configures a {@link Sampler}. Defaults: every signal the vendor supports, the vendor of
     * /proc/cpuinfo (Intel for a simulated device), the topology of
     * {@link CpuTopology#detect(MsrSafe)}, {@link System#nanoTime()} (a simulated device's own
     * clock) and {@link System#currentTimeMillis()} as clocks.
     */
    public static final class Builder {
        private final MsrSafe msr;
        private List<Signal> signals;
        private CpuTopology topology;
        private Vendor vendor;
        private LongSupplier clock;
        private LongSupplier wallClock = System::currentTimeMillis;
        private double dramJoulesPerUnit = Double.NaN;
        private boolean dramUnitChosen;

        private Builder(MsrSafe msr) {
            this.msr = Objects.requireNonNull(msr, "msr");
        }

        /**
         * Sets the signals to derive; each needs its registers in the allowlist. Repeats count
         * once, and the sampler keeps them in declaration order.
         *
         * @param signals the signals, at least one
         * @return this builder
         * @throws IllegalArgumentException if no signal is given
         */
        public Builder signals(Signal... signals) {
            return signals(List.of(signals));
        }

        /**
         * Sets the signals to derive; each needs its registers in the allowlist. Repeats count
         * once, and the sampler keeps them in declaration order.
         *
         * @param signals the signals, at least one
         * @return this builder
         * @throws IllegalArgumentException if the list is empty
         */
        public Builder signals(List<Signal> signals) {
            if (signals.isEmpty()) {
                throw new IllegalArgumentException("a sampler needs at least one signal");
            }
            EnumSet<Signal> set = EnumSet.noneOf(Signal.class);
            set.addAll(signals);
            this.signals = List.copyOf(set);
            return this;
        }

        /**
         * Sets where the CPUs sit, and so which CPUs are sampled; see {@link CpuTopology}.
         *
         * @param topology the CPUs, each of which must be online when the sampler opens
         * @return this builder
         * @throws NullPointerException if topology is null
         */
        public Builder topology(CpuTopology topology) {
            this.topology = Objects.requireNonNull(topology, "topology");
            return this;
        }

        /**
         * Sets whose register layout to read, instead of detecting it ({@link Vendor#detect}).
         *
         * @param vendor the vendor
         * @return this builder
         * @throws NullPointerException if vendor is null
         */
        public Builder vendor(Vendor vendor) {
            this.vendor = Objects.requireNonNull(vendor, "vendor");
            return this;
        }

        /**
         * The monotonic clock in nanoseconds the intervals are measured with; a simulated
         * device's clock, for a test that drives time.
         *
         * @param nanos the clock, in nanoseconds (like {@link System#nanoTime()})
         * @return this builder
         * @throws NullPointerException if nanos is null
         */
        public Builder clock(LongSupplier nanos) {
            this.clock = Objects.requireNonNull(nanos, "nanos");
            return this;
        }

        /**
         * Sets the wall clock that stamps each sample ({@link Sample#epochMillis()}).
         *
         * @param epochMillis the clock, in milliseconds since the epoch (like
         *                    {@link System#currentTimeMillis()})
         * @return this builder
         * @throws NullPointerException if epochMillis is null
         */
        public Builder wallClock(LongSupplier epochMillis) {
            this.wallClock = Objects.requireNonNull(epochMillis, "epochMillis");
            return this;
        }

        /**
         * The DRAM energy unit in joules, for processors whose DRAM counter ignores
         * MSR_RAPL_POWER_UNIT (see {@link RaplUnits#dramJoulesPerUnit(CpuIdentity)}; chosen
         * from /proc/cpuinfo by default on a real device).
         *
         * @param joules joules per unit of MSR_DRAM_ENERGY_STATUS, e.g.
         *               {@link RaplUnits#SERVER_DRAM_JOULES_PER_UNIT}
         * @return this builder
         * @throws IllegalArgumentException if joules is not a finite number above 0
         */
        public Builder dramJoulesPerUnit(double joules) {
            if (!(joules > 0) || Double.isInfinite(joules)) {
                throw new IllegalArgumentException("DRAM energy unit must be a positive number of joules: " + joules);
            }
            this.dramJoulesPerUnit = joules;
            this.dramUnitChosen = true;
            return this;
        }

        /**
         * Builds the sampler and checks, before any sample, that every register its signals
         * need can be read.
         *
         * @return the sampler, ready for its first {@link Sampler#sample()}; close it to free its batch
         * @throws MsrNotAllowedException   naming each register the allowlist lacks and the signals needing it
         * @throws MsrFaultException        naming each register the processor lacks
         * @throws CpuUnavailableException  if a CPU of the topology is offline, or went offline
         * @throws IllegalArgumentException if a chosen signal is not available on the vendor
         */
        public Sampler open() throws MsrSafeException {
            CpuIdentity identity = msr.driver() == Driver.SIMULATED ? null : cpuIdentity();
            Vendor chosenVendor = vendor != null ? vendor : Vendor.detect(msr);
            if (!dramUnitChosen && identity != null) {
                OptionalDouble fixed = RaplUnits.dramJoulesPerUnit(identity);
                if (fixed.isPresent()) {
                    dramJoulesPerUnit = fixed.getAsDouble();
                }
            }
            List<Signal> chosen = signals != null ? signals : Signal.supportedBy(chosenVendor);
            List<String> unavailable = chosen.stream().filter(signal -> !signal.availableOn(chosenVendor))
                    .map(Signal::columnName).toList();
            if (!unavailable.isEmpty()) {
                throw new IllegalArgumentException("signals " + unavailable + " are not available on " + chosenVendor
                        + " processors; available: " + Signal.supportedBy(chosenVendor));
            }
            CpuTopology chosenTopology = topology != null ? topology : CpuTopology.detect(msr);
            if (clock == null) {
                // A simulated device's counters follow its own clock: measure the intervals on it too.
                clock = SimulatedDevice.behind(msr).map(SimulatedDevice::clock).orElse(System::nanoTime);
            }
            for (int cpu : chosenTopology.cpuNumbers()) {
                if (!msr.cpus().contains(cpu)) {
                    // The machine's state, not the caller's mistake: the CPU is not online for this handle.
                    throw ExceptionAccess.create(FailureKind.CPU_UNAVAILABLE, 0, "build of a sampler on", msr.root(),
                            cpu, -1, "topology CPU " + cpu + " was not online when the handle was opened (online: "
                                    + CpuRanges.format(msr.cpus()) + "); open a new handle for the CPUs online now");
                }
            }
            Sampler sampler = new Sampler(this, chosen, chosenTopology, chosenVendor);
            try {
                sampler.check();
                return sampler;
            } catch (MsrSafeException | RuntimeException e) {
                sampler.close();
                throw e;
            }
        }

        private static CpuIdentity cpuIdentity() {
            try {
                return CpuIdentity.current();
            } catch (IOException | RuntimeException e) {
                return null; // no /proc/cpuinfo: no fixed DRAM unit is known
            }
        }
    }
}
