package io.github.msrsafe;

import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.allowlist.AllowlistException;
import io.github.msrsafe.internal.sim.SimKernel;
import io.github.msrsafe.registers.Msrs;
import io.github.msrsafe.registers.Register;
import io.github.msrsafe.registers.RegisterCatalog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * An msr_safe device in memory, for demos, jshell and tests of code that uses
 * {@link MsrSafe}: no kernel module, no root, the same API and the same errors
 * as msr-safe 1.8 (or, with {@link Builder#moduleVersion}, the 2.x development
 * line). It follows the module's documented behaviour to the letter:
 * the allowlist decides what may be read and which bits written, batches are
 * validated as a whole before any op runs, offline CPUs answer ENXIO, and an
 * address the simulated processor does not implement faults with EIO.
 *
 * {@snippet lang=java :
 * SimulatedDevice device = SimulatedDevice.standard();      // 4 CPUs, common Intel registers, allowlist installed
 * try (MsrSafe msr = device.open()) {
 *     long tsc = msr.read(0, 0x10);                          // IA32_TIME_STAMP_COUNTER
 *     msr.write(0, 0x199, 0x1A00);                           // IA32_PERF_CTL: low 16 bits writable
 * }
 * }
 *
 * A test builds exactly the device it needs and drives time itself:
 * {@snippet lang=java :
 * AtomicLong nanos = new AtomicLong();
 * SimulatedDevice device = SimulatedDevice.builder()
 *         .cpus(8).offline(3)
 *         .register(SimulatedRegister.counter(0x611, "MSR_PKG_ENERGY_STATUS", Register.Scope.PACKAGE,
 *                 1_000_000, 32))
 *         .allowlist("0x611 0x0\n")
 *         .clock(nanos::get)
 *         .build();
 * nanos.addAndGet(1_000_000_000L);                          // one second: the counter reads 1,000,000
 * }
 *
 * <p>Thread-safe. Each {@link #open()} returns a new handle; closing a handle
 * leaves the device and its other handles as they are.
 */
public final class SimulatedDevice {

    /** Nominal (TSC and MPERF) frequency of {@link #standard()}: 2.4 GHz, ratio 24 x 100 MHz. */
    public static final long NOMINAL_HZ = 2_400_000_000L;

    /** The frequency APERF counts at in {@link #standard()}: 2.8 GHz, ratio 28, as IA32_PERF_STATUS reports. */
    public static final long ACTUAL_HZ = 2_800_000_000L;

    /**
     * The package power {@link #standard()}'s energy counter follows, in energy units per second:
     * 65 W in units of 2^-14 J (MSR_RAPL_POWER_UNIT's energy field is 14).
     */
    public static final long PACKAGE_ENERGY_UNITS_PER_SECOND = 65L << 14;

    /** DRAM power of {@link #standard()}: 5 W in the same units. */
    public static final long DRAM_ENERGY_UNITS_PER_SECOND = 5L << 14;

    /** The write masks of {@link #standardAllowlist()}; every other standard register is read-only. */
    private static final Map<Long, Long> STANDARD_WRITE_MASKS = Map.of(
            Msrs.IA32_MPERF, -1L,
            Msrs.IA32_APERF, -1L,
            Msrs.IA32_PERF_CTL, 0xFFFFL,
            Msrs.MSR_PKG_POWER_LIMIT, 0x00FF_FFFF_00FF_FFFFL);       // both limits, not the lock bit

    private final SimKernel kernel;

    private SimulatedDevice(SimKernel kernel) {
        this.kernel = kernel;
    }

    /** {@return a builder for a device of your own; see {@link Builder}} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@return a 4-CPU, one-package device with {@link #standardRegisters()} and
     * {@link #standardAllowlist()}, on the system clock}
     */
    public static SimulatedDevice standard() {
        return standard(4);
    }

    /**
     * {@return a device like {@link #standard()} with {@code cpus} CPUs, one thread per core, one package}
     *
     * @param cpus the number of CPUs, 1 to 65536
     * @throws IllegalArgumentException if cpus is outside 1..65536
     */
    public static SimulatedDevice standard(int cpus) {
        return builder().cpus(cpus).registers(standardRegisters()).allowlist(standardAllowlist()).build();
    }

    /**
     * The registers of {@link #standard()}: common Intel MSRs with the addresses and field
     * layouts of the Intel SDM (volume 4) and plausible values for a 2.4 GHz part.
     * <table>
     * <caption>Standard registers</caption>
     * <tr><th>address</th><th>name</th><th>scope</th><th>behaviour</th></tr>
     * <tr><td>0x10</td><td>IA32_TIME_STAMP_COUNTER</td><td>thread</td><td>64-bit counter at {@link #NOMINAL_HZ}, writable</td></tr>
     * <tr><td>0xCE</td><td>MSR_PLATFORM_INFO</td><td>package</td><td>read-only, max non-turbo ratio 24</td></tr>
     * <tr><td>0xE7</td><td>IA32_MPERF</td><td>thread</td><td>64-bit counter at {@link #NOMINAL_HZ}, writable</td></tr>
     * <tr><td>0xE8</td><td>IA32_APERF</td><td>thread</td><td>64-bit counter at {@link #ACTUAL_HZ}, writable</td></tr>
     * <tr><td>0x198</td><td>IA32_PERF_STATUS</td><td>package</td><td>read-only, ratio 28</td></tr>
     * <tr><td>0x199</td><td>IA32_PERF_CTL</td><td>thread</td><td>read-write, bits 15:0 and 32 defined</td></tr>
     * <tr><td>0x19C</td><td>IA32_THERM_STATUS</td><td>core</td><td>read-only, 43 °C (57 below TjMax)</td></tr>
     * <tr><td>0x1A0</td><td>IA32_MISC_ENABLE</td><td>thread</td><td>read-write, undefined bits reserved</td></tr>
     * <tr><td>0x1A2</td><td>MSR_TEMPERATURE_TARGET</td><td>package</td><td>read-only, TjMax 100 °C</td></tr>
     * <tr><td>0x1B1</td><td>IA32_PACKAGE_THERM_STATUS</td><td>package</td><td>read-only, 45 °C</td></tr>
     * <tr><td>0x606</td><td>MSR_RAPL_POWER_UNIT</td><td>package</td><td>read-only: 1/8 W, 2^-14 J, 2^-10 s</td></tr>
     * <tr><td>0x610</td><td>MSR_PKG_POWER_LIMIT</td><td>package</td><td>read-write: PL1 125 W, PL2 156 W</td></tr>
     * <tr><td>0x611</td><td>MSR_PKG_ENERGY_STATUS</td><td>package</td><td>32-bit counter, 65 W</td></tr>
     * <tr><td>0x619</td><td>MSR_DRAM_ENERGY_STATUS</td><td>package</td><td>32-bit counter, 5 W</td></tr>
     * </table>
     * IA32_PERF_STATUS does not follow writes to IA32_PERF_CTL, and no counter changes speed.
     * Addresses, names and scopes are the {@linkplain RegisterCatalog#builtIn() register catalog}'s.
     *
     * @return the registers, in address order
     */
    public static List<SimulatedRegister> standardRegisters() {
        return standardRegisters(1);
    }

    /**
     * The allowlist of {@link #standard()}: every standard register readable; IA32_MPERF and
     * IA32_APERF writable in full, IA32_PERF_CTL in bits 15:0, MSR_PKG_POWER_LIMIT in both
     * limits (not the lock bit); the rest read-only.
     *
     * @return the entries, in address order
     */
    public static List<AllowlistEntry> standardAllowlist() {
        List<AllowlistEntry> entries = new ArrayList<>();
        for (SimulatedRegister register : standardRegisters()) {
            entries.add(new AllowlistEntry(register.address(), STANDARD_WRITE_MASKS.getOrDefault(register.address(), 0L)));
        }
        return List.copyOf(entries);
    }

    /**
     * {@return a new handle on this device, as {@link MsrSafe#open()} gives on a real machine; it sees the
     * CPUs online now}
     *
     * @throws MsrSafeException declared as {@link MsrSafe#open()} declares it; the simulated
     *                          device has no failure that would throw it here
     */
    public MsrSafe open() throws MsrSafeException {
        return MsrSafe.over(kernel);
    }

    /** {@return the msr-safe version this device plays, as its version file reports it} */
    public ModuleVersion moduleVersion() {
        return kernel.version();
    }

    /** {@return the number of CPU ids, online or not (CPUs are numbered 0 to cpuCount()-1)} */
    public int cpuCount() {
        return kernel.cpuCount();
    }

    /**
     * {@return whether {@code cpu} is online}
     *
     * @param cpu the CPU id
     */
    public boolean isOnline(int cpu) {
        return kernel.isOnline(cpu);
    }

    /**
     * Takes {@code cpu} offline or brings it back. Offline, its device node is gone (open:
     * ENOENT), descriptors already open answer ENXIO and batch ops naming it fail validation
     * with ENXIO. Its registers keep their values.
     *
     * @param cpu    the CPU id
     * @param online true to bring it online, false to take it offline
     */
    public void setOnline(int cpu, boolean online) {
        kernel.setOnline(cpu, online);
    }

    /**
     * {@return the value of {@code msr} on {@code cpu} now, bypassing the allowlist and the online state}
     *
     * @param cpu the CPU id
     * @param msr the register's address
     * @throws IllegalArgumentException if the CPU does not exist or the processor has no such register
     */
    public long peek(int cpu, long msr) {
        return kernel.peek(cpu, msr);
    }

    /**
     * Sets {@code msr} on {@code cpu} to {@code value}, bypassing the allowlist, the online state,
     * read-only registers and reserved bits: a test sets up the state it needs with it (a
     * temperature, an energy count just below the wrap). Registers of core or package scope change
     * for every CPU that shares them. A counter continues counting from {@code value}.
     *
     * @param cpu   the CPU id
     * @param msr   the register's address
     * @param value the new value
     * @throws IllegalArgumentException if the CPU or register does not exist, or value does not fit a counter
     */
    public void poke(int cpu, long msr, long value) {
        kernel.poke(cpu, msr, value);
    }

    /** {@return the registers the simulated processor implements, in address order} */
    public List<SimulatedRegister> registers() {
        return kernel.registers();
    }

    /** {@return the installed allowlist's entries, in install order} */
    public List<AllowlistEntry> allowlist() {
        return kernel.allowlist().entries();
    }

    /**
     * Replaces the allowlist with these entries (an empty list clears it).
     *
     * @param entries the new allowlist
     * @throws IllegalArgumentException if an address repeats
     */
    public void installAllowlist(List<AllowlistEntry> entries) {
        kernel.installAllowlist(Allowlist.of(entries));
    }

    /**
     * Replaces the allowlist with these entries (none clears it).
     *
     * @param entries the new allowlist
     * @throws IllegalArgumentException if an address repeats
     */
    public void installAllowlist(AllowlistEntry... entries) {
        installAllowlist(List.of(entries));
    }

    /**
     * Installs allowlist text exactly as {@code cat FILE > /dev/cpu/msr_allowlist} does: on a
     * parse error the list is kept; on a repeated address it is left empty, as the module
     * leaves it.
     *
     * @param text allowlist text, in the format of msr-safe's allowlist files
     * @throws AllowlistException the module's errno, with line, column and token
     */
    public void installAllowlist(String text) throws AllowlistException {
        kernel.installAllowlistText(text.getBytes(StandardCharsets.ISO_8859_1), "<allowlist>");
    }

    // ---- topology, clock and load: what telemetry finds through a handle (CpuTopology.detect, Sampler) ----

    /** {@return the number of packages (sockets); each holds {@code cpuCount() / packages()} consecutive CPU ids} */
    public int packages() {
        return kernel.cpuCount() / kernel.cpusPerPackage();
    }

    /** {@return the number of hardware threads per core; consecutive CPU ids share a core} */
    public int threadsPerCore() {
        return kernel.threadsPerCore();
    }

    /**
     * {@return the clock this device's counters follow, in nanoseconds} Code measuring rates from
     * them (a telemetry sampler) measures its intervals on it too, so that a test's clock drives both.
     */
    public LongSupplier clock() {
        return kernel.clock();
    }

    /** Package power of {@link #standardRegisters(double)} with every CPU idle, in watts. */
    public static final double IDLE_PACKAGE_WATTS = 15;

    /** DRAM power of {@link #standardRegisters(double)} with every CPU idle, in watts. */
    public static final double IDLE_DRAM_WATTS = 2;

    /**
     * {@link #standardRegisters()} on a processor that is busy a fraction {@code load} of the
     * time: IA32_MPERF and IA32_APERF count only then (as they count only in C0), and package
     * and DRAM power rise linearly from {@link #IDLE_PACKAGE_WATTS} and {@link #IDLE_DRAM_WATTS}
     * to the 65 W and 5 W of full load. Load 1 gives exactly {@link #standardRegisters()}.
     *
     * @param load 0 (idle) to 1 (always busy)
     * @return the registers, in address order
     * @throws IllegalArgumentException if load is outside 0..1
     */
    public static List<SimulatedRegister> standardRegisters(double load) {
        if (!(load >= 0 && load <= 1)) {
            throw new IllegalArgumentException("load " + load + " is outside 0..1");
        }
        double fullPackageWatts = (double) PACKAGE_ENERGY_UNITS_PER_SECOND / (1 << 14);
        double fullDramWatts = (double) DRAM_ENERGY_UNITS_PER_SECOND / (1 << 14);
        return List.of(
                writableCounter("IA32_TIME_STAMP_COUNTER", NOMINAL_HZ, 64),
                // Bits 15:8 maximum non-turbo ratio (24 = 2.4 GHz), 47:40 maximum efficiency ratio (8).
                readOnly("MSR_PLATFORM_INFO", 0x0000_0800_0000_1800L),
                writableCounter("IA32_MPERF", Math.round(load * NOMINAL_HZ), 64),
                writableCounter("IA32_APERF", Math.round(load * ACTUAL_HZ), 64),
                // Bits 15:0 current performance state (ratio 28 in 15:8), 47:32 core voltage in 2^-13 V (0.9 V).
                readOnly("IA32_PERF_STATUS", 0x0000_1CCD_0000_1C00L),
                // Bits 15:0 target performance state, bit 32 IDA/turbo disengage; the rest is reserved.
                readWrite("IA32_PERF_CTL", 0x1C00, ~0x1_0000_FFFFL),
                // Bit 31 reading valid, 30:27 resolution 1 °C, 22:16 digital readout = degrees below TjMax.
                readOnly("IA32_THERM_STATUS", 0x8839_0000L),
                // Fast strings, automatic thermal control, performance monitoring, BTS/PEBS unavailable,
                // Enhanced SpeedStep, MONITOR/MWAIT, limit CPUID maxval, xTPR disable, XD disable.
                readWrite("IA32_MISC_ENABLE", 0x0085_0089L, ~0x0000_0004_00C5_1889L),
                // Bits 23:16 TjMax in °C.
                readOnly("MSR_TEMPERATURE_TARGET", 0x0064_0000L),
                readOnly("IA32_PACKAGE_THERM_STATUS", 0x8837_0000L),
                // Power units 2^-3 W (bits 3:0), energy units 2^-14 J (12:8), time units 2^-10 s (19:16).
                readOnly("MSR_RAPL_POWER_UNIT", 0x000A_0E03L),
                // PL1 1000 x 1/8 W = 125 W enabled and clamped, PL2 1248 x 1/8 W = 156 W; bits 31:24 and
                // 62:56 reserved, bit 63 the lock.
                readWrite("MSR_PKG_POWER_LIMIT", 0x00DD_84E0_00DD_83E8L, 0x7F00_0000_FF00_0000L),
                counter("MSR_PKG_ENERGY_STATUS",
                        Math.round((IDLE_PACKAGE_WATTS + load * (fullPackageWatts - IDLE_PACKAGE_WATTS)) * (1 << 14)), 32),
                counter("MSR_DRAM_ENERGY_STATUS",
                        Math.round((IDLE_DRAM_WATTS + load * (fullDramWatts - IDLE_DRAM_WATTS)) * (1 << 14)), 32));
    }

    // ---- a server with every register the telemetry reads ----

    /** Platform (PSys) power of {@link #telemetryRegisters(double)} at full load, in watts. */
    public static final double FULL_PLATFORM_WATTS = 100;

    /** Platform power of {@link #telemetryRegisters(double)} with every CPU idle, in watts. */
    public static final double IDLE_PLATFORM_WATTS = 40;

    /** The share of idle time {@link #telemetryRegisters(double)} spends in core C6 (the rest is C1). */
    public static final double IDLE_CORE_C6_SHARE = 0.6;

    /** The share of idle time {@link #telemetryRegisters(double)} spends in package C6. */
    public static final double IDLE_PACKAGE_C6_SHARE = 0.3;

    /** The share of idle time {@link #telemetryRegisters(double)} spends in package C2. */
    public static final double IDLE_PACKAGE_C2_SHARE = 0.1;

    /**
     * {@link #standardRegisters(double)} and the other registers a turbostat-like tool reads on an
     * Intel server, for telemetry demos and tests:
     * <table>
     * <caption>Telemetry registers, besides the standard ones</caption>
     * <tr><th>address</th><th>name</th><th>scope</th><th>behaviour</th></tr>
     * <tr><td>0x34</td><td>MSR_SMI_COUNT</td><td>thread</td><td>32-bit counter, one SMI per second</td></tr>
     * <tr><td>0x1AD</td><td>MSR_TURBO_RATIO_LIMIT</td><td>package</td><td>read-only: ratios 36 down to 29</td></tr>
     * <tr><td>0x1AE</td><td>MSR_TURBO_RATIO_LIMIT_CORES</td><td>package</td><td>read-only: 2, 4, 8, ... 28 active cores</td></tr>
     * <tr><td>0x3F9</td><td>MSR_PKG_C6_RESIDENCY</td><td>package</td><td>64-bit counter, {@link #IDLE_PACKAGE_C6_SHARE} of idle time</td></tr>
     * <tr><td>0x3FD</td><td>MSR_CORE_C6_RESIDENCY</td><td>core</td><td>64-bit counter, {@link #IDLE_CORE_C6_SHARE} of idle time</td></tr>
     * <tr><td>0x60D</td><td>MSR_PKG_C2_RESIDENCY</td><td>package</td><td>64-bit counter, {@link #IDLE_PACKAGE_C2_SHARE} of idle time</td></tr>
     * <tr><td>0x613</td><td>MSR_PKG_PERF_STATUS</td><td>package</td><td>32-bit counter, never throttled</td></tr>
     * <tr><td>0x614</td><td>MSR_PKG_POWER_INFO</td><td>package</td><td>read-only: TDP 125 W, 40 to 250 W</td></tr>
     * <tr><td>0x61B</td><td>MSR_DRAM_PERF_STATUS</td><td>package</td><td>32-bit counter, never throttled</td></tr>
     * <tr><td>0x61C</td><td>MSR_DRAM_POWER_INFO</td><td>package</td><td>read-only: up to 40 W</td></tr>
     * <tr><td>0x620</td><td>MSR_UNCORE_RATIO_LIMIT</td><td>package</td><td>read-write: 1.2 to 2.4 GHz</td></tr>
     * <tr><td>0x621</td><td>MSR_UNCORE_PERF_STATUS</td><td>package</td><td>read-only: 2.0 GHz</td></tr>
     * <tr><td>0x64D</td><td>MSR_PLATFORM_ENERGY_STATUS</td><td>package</td><td>32-bit counter, {@link #IDLE_PLATFORM_WATTS} to {@link #FULL_PLATFORM_WATTS}</td></tr>
     * </table>
     * Residencies count at the TSC's rate while the core or package is in the state; the idle
     * time not in core C6 is C1.
     *
     * @param load 0 (idle) to 1 (always busy)
     * @return the registers, in address order
     * @throws IllegalArgumentException if load is outside 0..1
     */
    public static List<SimulatedRegister> telemetryRegisters(double load) {
        List<SimulatedRegister> registers = new ArrayList<>(standardRegisters(load));
        double idle = 1 - load;
        registers.addAll(List.of(
                counter("MSR_SMI_COUNT", 1, 32),
                // One ratio per byte, for the active-core counts of MSR_TURBO_RATIO_LIMIT_CORES.
                readOnly("MSR_TURBO_RATIO_LIMIT", 0x1D1E_1F20_2122_2324L),
                readOnly("MSR_TURBO_RATIO_LIMIT_CORES", 0x1C18_1410_0C08_0402L),
                counter("MSR_PKG_C6_RESIDENCY", Math.round(idle * IDLE_PACKAGE_C6_SHARE * NOMINAL_HZ), 64),
                counter("MSR_CORE_C6_RESIDENCY", Math.round(idle * IDLE_CORE_C6_SHARE * NOMINAL_HZ), 64),
                counter("MSR_PKG_C2_RESIDENCY", Math.round(idle * IDLE_PACKAGE_C2_SHARE * NOMINAL_HZ), 64),
                // Time throttled by RAPL, in time units (2^-10 s): never, here.
                counter("MSR_PKG_PERF_STATUS", 0, 32),
                // Thermal spec power 1000 x 1/8 W = 125 W (14:0), minimum 40 W (30:16), maximum 250 W (46:32),
                // maximum time window (53:48).
                readOnly("MSR_PKG_POWER_INFO", 0x002A_07D0_0140_03E8L),
                counter("MSR_DRAM_PERF_STATUS", 0, 32),
                // DRAM: spec power 20 W, maximum 40 W.
                readOnly("MSR_DRAM_POWER_INFO", 0x0000_0140_0000_00A0L),
                // Uncore ratio limits: maximum 24 (6:0), minimum 12 (14:8).
                readWrite("MSR_UNCORE_RATIO_LIMIT", 0x0C18, ~0x7F7FL),
                // Current uncore ratio 20: 2.0 GHz.
                readOnly("MSR_UNCORE_PERF_STATUS", 0x14),
                counter("MSR_PLATFORM_ENERGY_STATUS", Math.round(
                        (IDLE_PLATFORM_WATTS + load * (FULL_PLATFORM_WATTS - IDLE_PLATFORM_WATTS)) * (1 << 14)), 32)));
        registers.sort(Comparator.comparingLong(SimulatedRegister::address));
        return List.copyOf(registers);
    }

    /**
     * The allowlist of a {@link #telemetryRegisters(double) telemetry} device: {@link #standardAllowlist()}
     * and every telemetry register read-only.
     *
     * @return the entries, in address order
     */
    public static List<AllowlistEntry> telemetryAllowlist() {
        List<AllowlistEntry> entries = new ArrayList<>(standardAllowlist());
        List<Long> standard = entries.stream().map(AllowlistEntry::address).toList();
        for (SimulatedRegister register : telemetryRegisters(1)) {
            if (!standard.contains(register.address())) {
                entries.add(new AllowlistEntry(register.address(), 0));
            }
        }
        entries.sort(Comparator.comparingLong(AllowlistEntry::address));
        return List.copyOf(entries);
    }

    // ---- the simulated registers take address, name and scope from the register catalog ----

    private static Register catalogued(String name) {
        return RegisterCatalog.builtIn().byName(name).filter(register -> register.name().equals(name))
                .orElseThrow(() -> new IllegalStateException(name + " is not a register of the built-in catalog"));
    }

    private static SimulatedRegister readOnly(String name, long value) {
        Register register = catalogued(name);
        return SimulatedRegister.readOnly(register.address(), name, register.scope(), value);
    }

    private static SimulatedRegister readWrite(String name, long resetValue, long reservedBits) {
        Register register = catalogued(name);
        return SimulatedRegister.readWrite(register.address(), name, register.scope(), resetValue, reservedBits);
    }

    private static SimulatedRegister counter(String name, long rateHz, int bitWidth) {
        Register register = catalogued(name);
        return SimulatedRegister.counter(register.address(), name, register.scope(), rateHz, bitWidth);
    }

    private static SimulatedRegister writableCounter(String name, long rateHz, int bitWidth) {
        Register register = catalogued(name);
        return SimulatedRegister.writableCounter(register.address(), name, register.scope(), rateHz, bitWidth);
    }

    @Override
    public String toString() {
        int[] online = kernel.onlineCpus();
        return "SimulatedDevice[" + cpuCount() + " CPUs, " + online.length + " online, "
                + kernel.registers().size() + " registers, " + kernel.allowlist().size() + " allowlisted]";
    }

    /**
     * Configures a {@link SimulatedDevice}. Defaults: 1 CPU, one package, one thread per core, no
     * registers, an empty allowlist, {@link System#nanoTime()} as the clock, msr-safe 1.8.0.
     */
    public static final class Builder {
        private int cpus = 1;
        private int packages = 1;
        private int threadsPerCore = 1;
        private final TreeSet<Integer> offline = new TreeSet<>();
        private final List<SimulatedRegister> registers = new ArrayList<>();
        private List<AllowlistEntry> allowlist = List.of();
        private LongSupplier clock = System::nanoTime;
        private ModuleVersion moduleVersion = SimKernel.DEFAULT_VERSION;

        private Builder() {}

        /**
         * Sets the number of CPU ids, 1 to 65536 (the batch op's cpu field is 16 bits).
         *
         * @param count the number of CPUs
         * @return this builder
         * @throws IllegalArgumentException if count is outside 1..65536
         */
        public Builder cpus(int count) {
            if (count < 1 || count > 65536) {
                throw new IllegalArgumentException("CPU count " + count + " is outside 1..65536");
            }
            this.cpus = count;
            return this;
        }

        /**
         * Adds CPUs that start offline; may be called more than once.
         *
         * @param cpus CPU ids, each below the CPU count
         * @return this builder
         * @throws IllegalArgumentException if a CPU id is negative
         */
        public Builder offline(int... cpus) {
            for (int cpu : cpus) {
                if (cpu < 0) {
                    throw new IllegalArgumentException("CPU number must not be negative: " + cpu);
                }
                offline.add(cpu);
            }
            return this;
        }

        /**
         * Sets the number of packages (sockets); CPUs 0..n/packages-1 are the first package, and so on.
         *
         * @param count the number of packages, at least 1
         * @return this builder
         * @throws IllegalArgumentException if count is below 1
         */
        public Builder packages(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("package count must be at least 1: " + count);
            }
            this.packages = count;
            return this;
        }

        /**
         * Sets the hardware threads per core; consecutive CPU ids share a core.
         *
         * @param count threads per core, at least 1
         * @return this builder
         * @throws IllegalArgumentException if count is below 1
         */
        public Builder threadsPerCore(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("threads per core must be at least 1: " + count);
            }
            this.threadsPerCore = count;
            return this;
        }

        /**
         * Adds a register; each address once.
         *
         * @param register the register
         * @return this builder
         */
        public Builder register(SimulatedRegister register) {
            registers.add(Objects.requireNonNull(register, "register"));
            return this;
        }

        /**
         * Adds registers, e.g. {@link SimulatedDevice#standardRegisters()}.
         *
         * @param registers the registers
         * @return this builder
         */
        public Builder registers(List<SimulatedRegister> registers) {
            registers.forEach(this::register);
            return this;
        }

        /**
         * Sets the allowlist installed at start (replacing any given before).
         *
         * @param entries the allowlist's entries
         * @return this builder
         */
        public Builder allowlist(List<AllowlistEntry> entries) {
            this.allowlist = List.copyOf(entries);
            return this;
        }

        /**
         * Sets the allowlist installed at start (replacing any given before).
         *
         * @param entries the allowlist's entries
         * @return this builder
         */
        public Builder allowlist(AllowlistEntry... entries) {
            return allowlist(List.of(entries));
        }

        /**
         * Sets the allowlist installed at start, as allowlist text (the format of msr-safe's allowlist
         * files).
         *
         * @param text the allowlist text
         * @return this builder
         * @throws IllegalArgumentException if the module would reject the text; the message gives
         *                                  the line, column and errno
         */
        public Builder allowlist(String text) {
            try {
                return allowlist(Allowlist.parse(text.getBytes(StandardCharsets.ISO_8859_1)).entries());
            } catch (AllowlistException e) {
                throw new IllegalArgumentException("the allowlist text would be rejected: " + e.getMessage(), e);
            }
        }

        /**
         * The time source counters follow, in nanoseconds (like {@link System#nanoTime()}).
         * A test passes its own to make counters deterministic.
         *
         * @param nanos the clock, in nanoseconds
         * @return this builder
         */
        public Builder clock(LongSupplier nanos) {
            this.clock = Objects.requireNonNull(nanos, "nanos");
            return this;
        }

        /**
         * The msr-safe version the device plays: what its version file says and how its batch
         * device behaves. 1.x (the default is 1.8.0) takes 32-byte ops and ignores the batch's
         * version field; 2.x takes 88-byte ops, refuses a batch whose version has another major
         * with ENOPROTOOPT, and adds polling and timestamps, as docs/module-behaviour.md
         * describes the 2.0.4 module. A handle opened on the device picks its batch layout from
         * this version, as on a real machine.
         *
         * @param version the version, of major 1 or 2
         * @return this builder
         * @throws IllegalArgumentException for another major: the simulated device knows no other
         */
        public Builder moduleVersion(ModuleVersion version) {
            Objects.requireNonNull(version, "version");
            if (version.major() != 1 && version.major() != 2) {
                throw new IllegalArgumentException("the simulated device plays msr-safe 1.x or 2.x, not " + version);
            }
            this.moduleVersion = version;
            return this;
        }

        /**
         * {@return the device}
         *
         * @throws IllegalArgumentException if an offline CPU does not exist, two registers share an
         *                                  address, an allowlist address repeats, or the CPUs do not
         *                                  divide evenly into packages and cores
         */
        public SimulatedDevice build() {
            if (!offline.isEmpty() && offline.last() >= cpus) {
                throw new IllegalArgumentException("offline CPU " + offline.last() + " does not exist; CPUs are 0.."
                        + (cpus - 1));
            }
            if (cpus % packages != 0 || (cpus / packages) % threadsPerCore != 0) {
                throw new IllegalArgumentException(cpus + " CPUs do not divide into " + packages + " package(s) of whole "
                        + threadsPerCore + "-thread cores");
            }
            int[] offlineCpus = offline.stream().mapToInt(Integer::intValue).toArray();
            return new SimulatedDevice(new SimKernel(cpus, threadsPerCore, cpus / packages, offlineCpus,
                    List.copyOf(registers), allowlist, clock, moduleVersion));
        }

        @Override
        public String toString() {
            return "SimulatedDevice.Builder[" + cpus + " CPUs, offline " + offline + ", " + registers.size()
                    + " registers, " + allowlist.size() + " allowlisted, packages " + packages + ", threads/core "
                    + threadsPerCore + ", msr-safe " + moduleVersion + "]";
        }
    }
}
