package io.github.msrsafe.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.SimulatedRegister;
import io.github.msrsafe.registers.Register.Scope;
import io.github.msrsafe.allowlist.AllowlistEntry;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Each turbostat column on simulated machines driven by a fake clock, the expected values computed
 * from the registers' rates and fields. The Intel machine: 2 packages x 2 cores x 2 threads, busy
 * 25% (SimulatedDevice.telemetryRegisters(0.25)): TSC and MPERF count at 2.4 GHz (MPERF only while
 * busy), core C6 residency at 0.75 x 0.6 of the TSC rate, package C6 and C2 at 0.75 x 0.3 and
 * 0.75 x 0.1; one SMI per second per CPU; platform power 40 + 0.25 x 60 = 55 W. Added for the
 * client-only columns: core C3 and C7 residency at 5% and 10%, package C3, C7 to C10 at 1% to 5%,
 * and package RAPL throttling at 256 time units (of 2^-10 s) per second, 25% of the time.
 */
class TurbostatColumnsTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long TSC_HZ = SimulatedDevice.NOMINAL_HZ;

    private final AtomicLong nanos = new AtomicLong(SECOND);

    private SimulatedDevice intel(boolean clientStates) {
        List<SimulatedRegister> registers = new ArrayList<>();
        for (SimulatedRegister register : SimulatedDevice.telemetryRegisters(0.25)) {
            registers.add(register.address() == 0x613
                    ? SimulatedRegister.counter(0x613, register.name(), Scope.PACKAGE, 256, 32) : register);
        }
        List<AllowlistEntry> allowlist = new ArrayList<>(SimulatedDevice.telemetryAllowlist());
        if (clientStates) {
            registers.add(SimulatedRegister.counter(0x3FC, "MSR_CORE_C3_RESIDENCY", Scope.CORE, TSC_HZ / 20, 64));
            registers.add(SimulatedRegister.counter(0x3FE, "MSR_CORE_C7_RESIDENCY", Scope.CORE, TSC_HZ / 10, 64));
            long[] packageStates = {0x3F8, 0x3FA, 0x630, 0x631, 0x632};
            for (int i = 0; i < packageStates.length; i++) {
                registers.add(SimulatedRegister.counter(packageStates[i], "PKG_STATE_" + i, Scope.PACKAGE,
                        TSC_HZ * (i + 1) / 100, 64));
            }
            for (long address : new long[] {0x3FC, 0x3FE, 0x3F8, 0x3FA, 0x630, 0x631, 0x632}) {
                allowlist.add(new AllowlistEntry(address, 0));
            }
        }
        return SimulatedDevice.builder().cpus(8).packages(2).threadsPerCore(2).registers(registers)
                .allowlist(allowlist).clock(nanos::get).build();
    }

    private Sampler open(MsrSafe msr, SimulatedDevice device, Signal... signals) throws MsrSafeException {
        Sampler.Builder builder = Sampler.builder(msr).topology(CpuTopology.detect(msr)).clock(nanos::get)
                .vendor(Vendor.INTEL);
        return (signals.length == 0 ? builder : builder.signals(signals)).open();
    }

    /** The sample two seconds after a first one. */
    private Sample twoSecondsLater(Sampler sampler) throws MsrSafeException {
        sampler.sample();
        nanos.addAndGet(2 * SECOND);
        return sampler.sample();
    }

    @Test
    void byDefaultEverySignalTheMachineGivesAndWhyTheOthersAreOut() throws MsrSafeException {
        SimulatedDevice device = intel(false);
        try (MsrSafe msr = device.open(); Sampler sampler = open(msr, device)) {
            Set<Signal> missing = EnumSet.of(Signal.CORE_C3, Signal.CORE_C7, Signal.PKG_C3, Signal.PKG_C7,
                    Signal.PKG_C8, Signal.PKG_C9, Signal.PKG_C10);
            List<Signal> expected = Signal.supportedBy(Vendor.INTEL).stream().filter(s -> !missing.contains(s)).toList();
            assertEquals(expected, sampler.signals());
            assertEquals(missing, sampler.omitted().keySet());
            assertEquals("MSR_CORE_C3_RESIDENCY (0x3FC) is not in the allowlist", sampler.omitted().get(Signal.CORE_C3));
        }
        // A register the allowlist lists but the processor lacks is out too, for another reason.
        List<AllowlistEntry> withC7 = new ArrayList<>(SimulatedDevice.telemetryAllowlist());
        withC7.add(new AllowlistEntry(0x3FE, 0));
        device.installAllowlist(withC7);
        try (MsrSafe msr = device.open(); Sampler sampler = open(msr, device)) {
            assertEquals("MSR_CORE_C7_RESIDENCY (0x3FE) is not implemented by this processor",
                    sampler.omitted().get(Signal.CORE_C7));
        }
    }

    @Test
    void coreAndPackageCStateResidencies() throws MsrSafeException {
        SimulatedDevice device = intel(true);
        try (MsrSafe msr = device.open(); Sampler sampler = open(msr, device)) {
            Sample sample = twoSecondsLater(sampler);
            for (int core = 0; core < 4; core++) {
                assertEquals(100 * 0.75 * 0.6, sample.value(Signal.CORE_C6, core), 1e-9);
                assertEquals(5.0, sample.value(Signal.CORE_C3, core), 1e-9);
                assertEquals(10.0, sample.value(Signal.CORE_C7, core), 1e-9);
            }
            for (int cpu = 0; cpu < 8; cpu++) {
                // C1 is what busy time and the deeper states leave: 100 - 25 - 45 - 5 - 10.
                assertEquals(15.0, sample.cpuValue(Signal.CPU_C1, cpu), 1e-9);
                assertEquals(25.0, sample.cpuValue(Signal.BUSY_PERCENT, cpu), 1e-9);
            }
            assertEquals(45.0, sample.packageValue(Signal.CORE_C6, 1), 1e-9);
            assertEquals(15.0, sample.summaryValue(Signal.CPU_C1), 1e-9);
            for (int pkg = 0; pkg < 2; pkg++) {
                assertEquals(100 * 0.75 * 0.1, sample.packageValue(Signal.PKG_C2, pkg), 1e-9);
                assertEquals(100 * 0.75 * 0.3, sample.packageValue(Signal.PKG_C6, pkg), 1e-9);
                assertEquals(1.0, sample.packageValue(Signal.PKG_C3, pkg), 1e-9);
                assertEquals(2.0, sample.packageValue(Signal.PKG_C7, pkg), 1e-9);
                assertEquals(3.0, sample.packageValue(Signal.PKG_C8, pkg), 1e-9);
                assertEquals(4.0, sample.packageValue(Signal.PKG_C9, pkg), 1e-9);
                assertEquals(5.0, sample.packageValue(Signal.PKG_C10, pkg), 1e-9);
            }
            assertEquals(22.5, sample.summaryValue(Signal.PKG_C6), 1e-9);
        }
    }

    @Test
    void c1WithoutTheClientStatesIsWhatC0AndC6Leave() throws MsrSafeException {
        SimulatedDevice device = intel(false);
        try (MsrSafe msr = device.open(); Sampler sampler = open(msr, device, Signal.CPU_C1)) {
            assertEquals(100 - 25 - 45, twoSecondsLater(sampler).cpuValue(Signal.CPU_C1, 3), 1e-9);
        }
    }

    @Test
    void smisPerIntervalSummedPerPackageAndMachine() throws MsrSafeException {
        SimulatedDevice device = intel(false);
        try (MsrSafe msr = device.open(); Sampler sampler = open(msr, device, Signal.SMI)) {
            device.poke(5, 0x34, 0xFFFF_FFFFL); // CPU 5's 32-bit count wraps in the interval
            Sample sample = twoSecondsLater(sampler);
            assertEquals(2.0, sample.cpuValue(Signal.SMI, 5)); // one per second, across the wrap
            assertEquals(8.0, sample.packageValue(Signal.SMI, 1));
            assertEquals(16.0, sample.summaryValue(Signal.SMI));
        }
    }

    @Test
    void uncoreAndTurboFrequenciesFromTheirRatios() throws MsrSafeException {
        SimulatedDevice device = intel(false);
        device.poke(4, 0x621, 0x17); // package 1 at ratio 23
        try (MsrSafe msr = device.open(); Sampler sampler = open(msr, device, Signal.UNCORE_MHZ, Signal.UNCORE_MIN_MHZ,
                Signal.UNCORE_MAX_MHZ, Signal.TURBO_MHZ)) {
            Sample sample = sampler.sample(); // readings of the moment: no interval needed
            assertEquals(2000.0, sample.packageValue(Signal.UNCORE_MHZ, 0));
            assertEquals(2300.0, sample.packageValue(Signal.UNCORE_MHZ, 1));
            assertEquals(2150.0, sample.summaryValue(Signal.UNCORE_MHZ));
            assertEquals(1200.0, sample.summaryValue(Signal.UNCORE_MIN_MHZ));
            assertEquals(2400.0, sample.summaryValue(Signal.UNCORE_MAX_MHZ));
            assertEquals(3600.0, sample.summaryValue(Signal.TURBO_MHZ));
        }
        TurboRatioLimits limits = TurboRatioLimits.decode(device.peek(0, 0x1AD), device.peek(0, 0x1AE));
        assertEquals(new TurboRatioLimits.Group(2, 3600), limits.groups().getFirst());
        assertEquals(new TurboRatioLimits.Group(28, 2900), limits.groups().getLast());
        assertEquals(3300.0, limits.mhzFor(10)); // 9 to 12 active cores: the group of 12
        assertTrue(Double.isNaN(limits.mhzFor(29)));
    }

    @Test
    void throttlingNowAndLoggedPerCoreAndPackage() throws MsrSafeException {
        SimulatedDevice device = intel(false);
        // Core 0 of package 0: thermal and power-limit status with their log bits; core 1: a logged
        // critical temperature only. Package 1: PROCHOT now.
        device.poke(0, 0x19C, 0x8839_0C03L);
        device.poke(2, 0x19C, 0x8839_0020L);
        device.poke(4, 0x1B1, 0x8837_0004L);
        try (MsrSafe msr = device.open(); Sampler sampler = open(msr, device, Signal.CORE_THROTTLE,
                Signal.CORE_THROTTLE_LOG, Signal.PACKAGE_THROTTLE, Signal.PACKAGE_THROTTLE_LOG, Signal.CORE_TEMPERATURE)) {
            Sample sample = sampler.sample();
            assertEquals(EnumSet.of(ThrottleReason.THERMAL, ThrottleReason.POWER_LIMIT),
                    ThrottleReason.decode(sample.value(Signal.CORE_THROTTLE, 0)));
            assertEquals(EnumSet.of(ThrottleReason.THERMAL, ThrottleReason.POWER_LIMIT),
                    ThrottleReason.decode(sample.value(Signal.CORE_THROTTLE_LOG, 0)));
            assertEquals(Set.of(), ThrottleReason.decode(sample.value(Signal.CORE_THROTTLE, 1)));
            assertEquals("critical", ThrottleReason.describe(sample.value(Signal.CORE_THROTTLE_LOG, 1)));
            assertEquals("thermal+critical+power", ThrottleReason.describe(sample.packageValue(
                    Signal.CORE_THROTTLE_LOG, 0))); // the package's cores together
            assertEquals("none", ThrottleReason.describe(sample.packageValue(Signal.CORE_THROTTLE, 1)));
            assertEquals("prochot", ThrottleReason.describe(sample.packageValue(Signal.PACKAGE_THROTTLE, 1)));
            assertEquals("none", ThrottleReason.describe(sample.packageValue(Signal.PACKAGE_THROTTLE, 0)));
            assertEquals("prochot", ThrottleReason.describe(sample.summaryValue(Signal.PACKAGE_THROTTLE)));
            assertEquals(43.0, sample.value(Signal.CORE_TEMPERATURE, 0)); // the readout is unchanged: 100 - 0x39
        }
    }

    @Test
    void raplThrottledShareAndPlatformEnergy() throws MsrSafeException {
        SimulatedDevice device = intel(false);
        try (MsrSafe msr = device.open(); Sampler sampler = open(msr, device, Signal.PACKAGE_RAPL_THROTTLE,
                Signal.DRAM_RAPL_THROTTLE, Signal.PLATFORM_WATTS, Signal.PLATFORM_JOULES)) {
            Sample sample = twoSecondsLater(sampler);
            assertEquals(25.0, sample.packageValue(Signal.PACKAGE_RAPL_THROTTLE, 1), 1e-9); // 256 x 2^-10 s per s
            assertEquals(0.0, sample.packageValue(Signal.DRAM_RAPL_THROTTLE, 0));
            assertEquals(55.0, sample.packageValue(Signal.PLATFORM_WATTS, 0), 1e-9);
            assertEquals(110.0, sample.packageValue(Signal.PLATFORM_JOULES, 1), 1e-9);
            // PSys covers the platform: the machine's value is one package's, not the sum.
            assertEquals(55.0, sample.summaryValue(Signal.PLATFORM_WATTS), 1e-9);
        }
    }

    @Test
    void energyOverALongIntervalWithOneWrapIsCountedWithPossiblyTwoItIsRefused() throws MsrSafeException {
        // PKG_POWER_INFO: at most 250 W; units 2^-14 J: the counter wraps at the earliest every
        // 2^32 x 2^-14 / 250 = 1048.576 s. DRAM_POWER_INFO: at most 40 W, every 6553.6 s.
        SimulatedDevice device = intel(false);
        try (MsrSafe msr = device.open(); Sampler sampler = open(msr, device, Signal.PACKAGE_WATTS,
                Signal.PACKAGE_JOULES, Signal.DRAM_WATTS)) {
            assertEquals(1048.576, sampler.energyWrapSeconds(), 1e-9);
            device.poke(0, 0x611, 0xFFFF_FFFFL - 1000); // package 0 wraps in the first interval
            sampler.sample();
            nanos.addAndGet(1000 * SECOND); // one wrap, and no room for a second at 250 W: certain
            Sample sample = sampler.sample();
            assertEquals(27.5, sample.packageValue(Signal.PACKAGE_WATTS, 0), 1e-9);
            assertEquals(27.5 * 1000, sample.packageValue(Signal.PACKAGE_JOULES, 0), 1e-6);
            assertEquals(List.of(), sample.failures());
            nanos.addAndGet(1200 * SECOND); // 27.5 W x 1200 s fits, but so would it plus 2^32 units at 250 W
            sample = sampler.sample();
            assertTrue(Double.isNaN(sample.packageValue(Signal.PACKAGE_WATTS, 0)));
            assertTrue(Double.isNaN(sample.packageValue(Signal.PACKAGE_JOULES, 1)));
            assertEquals(2.75, sample.packageValue(Signal.DRAM_WATTS, 0), 1e-9); // DRAM's bound leaves room
            assertEquals(List.of(Signal.PACKAGE_WATTS, Signal.PACKAGE_JOULES),
                    sample.failures().stream().map(SignalFailure::quantity).distinct().toList());
            String reason = sample.failures().getFirst().reason();
            assertTrue(reason.startsWith("the interval of 1200 s is long enough for MSR_PKG_ENERGY_STATUS (0x611) to"
                    + " wrap more than once at up to 250 W (it wraps every 1049 s at that power)"), reason);
            // A short interval again gives power, but the running total stays unknown.
            nanos.addAndGet(SECOND);
            sample = sampler.sample();
            assertEquals(27.5, sample.packageValue(Signal.PACKAGE_WATTS, 0), 1e-9);
            assertTrue(Double.isNaN(sample.packageValue(Signal.PACKAGE_JOULES, 0)));
        }
    }

    private SimulatedDevice zen() {
        // A 4-CPU, 2-core AMD part: energy units 2^-16 J; package 100 W, each core 20 W; busy half the time.
        return SimulatedDevice.builder().cpus(4).threadsPerCore(2)
                .register(SimulatedRegister.writableCounter(0x10, "TSC", Scope.THREAD, 3_000_000_000L, 64))
                .register(SimulatedRegister.writableCounter(0xE7, "MPERF", Scope.THREAD, 1_500_000_000L, 64))
                .register(SimulatedRegister.writableCounter(0xE8, "APERF", Scope.THREAD, 1_800_000_000L, 64))
                .register(SimulatedRegister.readOnly(0xC001_0299L, "RAPL_PWR_UNIT", Scope.PACKAGE, 0x000A_1003L))
                .register(SimulatedRegister.counter(0xC001_029AL, "CORE_ENERGY_STAT", Scope.CORE, 20L << 16, 32))
                .register(SimulatedRegister.counter(0xC001_029BL, "PKG_ENERGY_STAT", Scope.PACKAGE, 100L << 16, 32))
                .allowlist("0x10 0\n0xE7 0\n0xE8 0\n0xC0010299 0\n0xC001029A 0\n0xC001029B 0\n")
                .clock(nanos::get)
                .build();
    }

    @Test
    void amdFrequencyAndPerCoreEnergyColumns() throws MsrSafeException {
        SimulatedDevice zen = zen();
        try (MsrSafe msr = zen.open();
             Sampler sampler = Sampler.builder(msr).vendor(Vendor.AMD).topology(CpuTopology.detect(msr))
                     .clock(nanos::get).open()) {
            assertEquals(Signal.supportedBy(Vendor.AMD), sampler.signals());
            assertFalse(sampler.signals().contains(Signal.CORE_C6), "AMD documents no C-state residency MSR");
            zen.poke(2, 0xC001_029AL, 0xFFFF_FFFFL - 10); // core 1 wraps
            Sample sample = twoSecondsLater(sampler);
            assertEquals(50.0, sample.cpuValue(Signal.BUSY_PERCENT, 1), 1e-9);
            assertEquals(1800.0, sample.cpuValue(Signal.AVG_MHZ, 2), 1e-6);
            assertEquals(3600.0, sample.cpuValue(Signal.BZY_MHZ, 3), 1e-6);
            assertEquals(3000.0, sample.summaryValue(Signal.TSC_MHZ), 1e-6);
            assertEquals(20.0, sample.value(Signal.CORE_WATTS, 1), 1e-12);
            assertEquals(40.0, sample.value(Signal.CORE_JOULES, 1), 1e-12);
            assertEquals(40.0, sample.summaryValue(Signal.CORE_WATTS), 1e-12);
            assertEquals(100.0, sample.summaryValue(Signal.PACKAGE_WATTS), 1e-12);
            assertTrue(Double.isNaN(sampler.energyWrapSeconds()), "AMD has no PKG_POWER_INFO");
        }
    }

    @Test
    void amdEnergyAmbiguityNeedsAPowerBoundGivenByHand() throws MsrSafeException {
        SimulatedDevice zen = zen();
        try (MsrSafe msr = zen.open();
             Sampler unbounded = Sampler.builder(msr).vendor(Vendor.AMD).clock(nanos::get)
                     .topology(CpuTopology.detect(msr)).signals(Signal.PACKAGE_WATTS).open();
             Sampler bounded = Sampler.builder(msr).vendor(Vendor.AMD).clock(nanos::get).maxPackageWatts(300)
                     .topology(CpuTopology.detect(msr)).signals(Signal.PACKAGE_WATTS, Signal.CORE_WATTS).open()) {
            // 2^32 x 2^-16 J / 300 W = 218.45 s between wraps at the most.
            assertEquals(65536.0 / 300, bounded.energyWrapSeconds(), 1e-9);
            unbounded.sample();
            bounded.sample();
            nanos.addAndGet(400 * SECOND); // 100 W x 400 s = 2.6e9 units: no wrap, but two were possible at 300 W
            assertEquals(100.0, unbounded.sample().packageValue(Signal.PACKAGE_WATTS, 0), 1e-9);
            Sample sample = bounded.sample();
            assertTrue(Double.isNaN(sample.packageValue(Signal.PACKAGE_WATTS, 0)));
            assertTrue(Double.isNaN(sample.value(Signal.CORE_WATTS, 0)));
            assertTrue(sample.failures().stream().anyMatch(failure -> failure.quantity() == Signal.PACKAGE_WATTS
                    && failure.reason().contains("PKG_ENERGY_STAT (0xC001029B) to wrap more than once at up to 300 W")),
                    sample.failures().toString());
        }
    }
}
