package io.github.msrsafe.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.MsrFaultException;
import io.github.msrsafe.MsrNotAllowedException;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.SimulatedRegister;
import io.github.msrsafe.UnreadableAllowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.registers.Register;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sampler over a simulated machine of 2 packages x 2 cores x 2 threads (CPUs 0..7),
 * busy 25% of the time, on a clock the test moves. At load 0.25 the standard registers
 * count: TSC 2.4 GHz; MPERF 0.25 x 2.4 GHz; APERF 0.25 x 2.8 GHz; package energy
 * (15 + 0.25 x 50) W = 27.5 W = 450,560 units of 2^-14 J per second; DRAM (2 + 0.25 x 3) W
 * = 2.75 W = 45,056 units per second.
 */
class SamplerTest {

    private static final long SECOND = 1_000_000_000L;
    private static final double LOAD = 0.25;

    /**
     * The Intel signals of msrsafe 0.1, with the registers of the simulator of 0.1. Since the
     * sampler takes every signal the machine can read by default, the tests that count reads or
     * expect a failure for missing registers name these.
     */
    static final List<Signal> SIGNALS_OF_0_1 = List.of(Signal.AVG_MHZ, Signal.BUSY_PERCENT, Signal.BZY_MHZ,
            Signal.TSC_MHZ, Signal.CORE_TEMPERATURE, Signal.PACKAGE_TEMPERATURE, Signal.PACKAGE_WATTS,
            Signal.DRAM_WATTS, Signal.PACKAGE_JOULES, Signal.DRAM_JOULES, Signal.PL1_WATTS, Signal.PL1_SECONDS,
            Signal.PL2_WATTS, Signal.PL2_SECONDS);

    private final AtomicLong nanos = new AtomicLong(5 * SECOND);
    private SimulatedDevice device;
    private MsrSafe msr;

    @BeforeEach
    void build() throws MsrSafeException {
        device = SimulatedDevice.builder().cpus(8).packages(2).threadsPerCore(2)
                .registers(SimulatedDevice.standardRegisters(LOAD))
                .allowlist(SimulatedDevice.standardAllowlist())
                .clock(nanos::get)
                .build();
        msr = device.open();
    }

    @AfterEach
    void close() {
        msr.close();
    }

    private Sampler.Builder sampler() {
        return Sampler.builder(msr).topology(CpuTopology.detect(msr)).clock(nanos::get).vendor(Vendor.INTEL);
    }

    @Test
    void readsEachRegisterOncePerScopeInstanceInOneBatch() throws MsrSafeException {
        try (Sampler sampler = sampler().signals(SIGNALS_OF_0_1).open()) {
            // Thread scope (TSC, MPERF, APERF) on 8 CPUs, core scope (THERM_STATUS) on 4 cores, package
            // scope (TEMPERATURE_TARGET, PACKAGE_THERM_STATUS, RAPL_POWER_UNIT, PKG_POWER_LIMIT,
            // PKG_ENERGY_STATUS, DRAM_ENERGY_STATUS) on 2 packages: 24 + 4 + 12.
            assertEquals(40, sampler.batchSize());
            assertEquals(SIGNALS_OF_0_1, sampler.signals());
        }
        try (Sampler sampler = sampler().signals(Signal.PACKAGE_WATTS).open()) {
            assertEquals(4, sampler.batchSize()); // energy status and unit, per package
        }
    }

    @Test
    void firstSampleHasReadingsButNoRates() throws MsrSafeException {
        try (Sampler sampler = sampler().open()) {
            Sample sample = sampler.sample();
            assertEquals(1, sample.sequence());
            assertFalse(sample.hasInterval());
            assertTrue(Double.isNaN(sample.intervalSeconds()));
            assertTrue(Double.isNaN(sample.cpuValue(Signal.AVG_MHZ, 0)));
            assertTrue(Double.isNaN(sample.packageValue(Signal.PACKAGE_WATTS, 1)));
            assertTrue(Double.isNaN(sample.summaryValue(Signal.BUSY_PERCENT)));
            // Readings of the moment: 43 °C cores, 45 °C packages, PL1 125 W over 28 s, PL2 156 W.
            assertEquals(43.0, sample.cpuValue(Signal.CORE_TEMPERATURE, 5));
            assertEquals(45.0, sample.packageValue(Signal.PACKAGE_TEMPERATURE, 1));
            assertEquals(125.0, sample.packageValue(Signal.PL1_WATTS, 0));
            assertEquals(28.0, sample.packageValue(Signal.PL1_SECONDS, 0));
            assertEquals(156.0, sample.summaryValue(Signal.PL2_WATTS));
            // Running totals start at zero.
            assertEquals(0.0, sample.packageValue(Signal.PACKAGE_JOULES, 0));
        }
    }

    @Test
    void secondSampleDerivesTurbostatsNumbers() throws MsrSafeException {
        try (Sampler sampler = sampler().open()) {
            sampler.sample();
            nanos.addAndGet(SECOND);
            Sample sample = sampler.sample();
            assertEquals(1.0, sample.intervalSeconds());
            for (int cpu = 0; cpu < 8; cpu++) {
                assertEquals(700.0, sample.cpuValue(Signal.AVG_MHZ, cpu), 1e-6, "Avg_MHz of CPU " + cpu);
                assertEquals(25.0, sample.cpuValue(Signal.BUSY_PERCENT, cpu), 1e-9);
                assertEquals(2800.0, sample.cpuValue(Signal.BZY_MHZ, cpu), 1e-6);
                assertEquals(2400.0, sample.cpuValue(Signal.TSC_MHZ, cpu), 1e-6);
            }
            for (int pkg = 0; pkg < 2; pkg++) {
                assertEquals(27.5, sample.packageValue(Signal.PACKAGE_WATTS, pkg), 1e-12);
                assertEquals(2.75, sample.packageValue(Signal.DRAM_WATTS, pkg), 1e-12);
                assertEquals(27.5, sample.packageValue(Signal.PACKAGE_JOULES, pkg), 1e-12);
                assertEquals(700.0, sample.packageValue(Signal.AVG_MHZ, pkg), 1e-6);
                assertEquals(25.0, sample.packageValue(Signal.BUSY_PERCENT, pkg), 1e-9);
            }
            assertEquals(55.0, sample.summaryValue(Signal.PACKAGE_WATTS), 1e-12);
            assertEquals(2800.0, sample.summaryValue(Signal.BZY_MHZ), 1e-6);
            // Half a second later: the same rates over a shorter interval, energy adds up.
            nanos.addAndGet(SECOND / 2);
            sample = sampler.sample();
            assertEquals(0.5, sample.intervalSeconds());
            assertEquals(700.0, sample.cpuValue(Signal.AVG_MHZ, 3), 1e-6);
            assertEquals(27.5, sample.packageValue(Signal.PACKAGE_WATTS, 0), 1e-12);
            assertEquals(27.5 * 1.5, sample.packageValue(Signal.PACKAGE_JOULES, 0), 1e-12);
            assertEquals(2 * 27.5 * 1.5, sample.summaryValue(Signal.PACKAGE_JOULES), 1e-12);
        }
    }

    @Test
    void bySelfDetectionTheSimulatedDevicesTopologyAndClockAreUsed() throws MsrSafeException {
        // No topology, clock or vendor given: all three come from the simulated device behind the handle.
        try (Sampler sampler = Sampler.builder(msr).open()) {
            assertEquals(List.of(0, 1), sampler.topology().packageIds());
            assertEquals(Vendor.INTEL, sampler.vendor());
            sampler.sample();
            nanos.addAndGet(2 * SECOND);
            Sample sample = sampler.sample();
            assertEquals(2.0, sample.intervalSeconds());
            assertEquals(25.0, sample.cpuValue(Signal.BUSY_PERCENT, 6), 1e-9);
            assertEquals(27.5, sample.packageValue(Signal.PACKAGE_WATTS, 1), 1e-12);
        }
    }

    @Test
    void energyCounterWrapIsCountedNotNegative() throws MsrSafeException {
        try (Sampler sampler = sampler().signals(Signal.PACKAGE_WATTS, Signal.PACKAGE_JOULES).open()) {
            // Package 1 (CPUs 4..7) 1000 units short of 2^32: the next second's 450,560 units wrap it.
            device.poke(4, 0x611, 0xFFFF_FFFFL - 1000);
            sampler.sample();
            nanos.addAndGet(SECOND);
            Sample sample = sampler.sample();
            long raw = device.peek(4, 0x611);
            assertTrue(raw < 450_560, "the counter wrapped: " + raw);
            assertEquals(27.5, sample.packageValue(Signal.PACKAGE_WATTS, 1), 1e-12);
            assertEquals(27.5, sample.packageValue(Signal.PACKAGE_WATTS, 0), 1e-12);
            nanos.addAndGet(SECOND);
            assertEquals(55.0, sampler.sample().packageValue(Signal.PACKAGE_JOULES, 1), 1e-12);
        }
    }

    @Test
    void valuesFollowTheTopology() throws MsrSafeException {
        device.poke(2, 0x19C, 0x8830_0000L); // core 1 of package 0 (CPUs 2, 3): 48 below TjMax = 52 °C
        device.poke(6, 0x19C, 0x8800_0000L); // core 1 of package 1 (CPUs 6, 7): at TjMax, 100 °C
        try (Sampler sampler = sampler().signals(Signal.CORE_TEMPERATURE).open()) {
            Sample sample = sampler.sample();
            assertEquals(4, sample.positions(Signal.CORE_TEMPERATURE));
            assertEquals(List.of(43.0, 52.0, 43.0, 100.0), List.of(sample.value(Signal.CORE_TEMPERATURE, 0),
                    sample.value(Signal.CORE_TEMPERATURE, 1), sample.value(Signal.CORE_TEMPERATURE, 2),
                    sample.value(Signal.CORE_TEMPERATURE, 3)));
            assertEquals(52.0, sample.cpuValue(Signal.CORE_TEMPERATURE, 3));
            assertEquals(100.0, sample.cpuValue(Signal.CORE_TEMPERATURE, 7));
            assertEquals(52.0, sample.packageValue(Signal.CORE_TEMPERATURE, 0)); // the hottest core
            assertEquals(100.0, sample.summaryValue(Signal.CORE_TEMPERATURE));
            assertEquals(new CpuTopology.Placement(6, 1, 1), sample.coreAt(3));
        }
    }

    @Test
    void missingAllowlistEntriesAreNamedBeforeSampling() throws MsrSafeException {
        device.installAllowlist(SimulatedDevice.standardAllowlist().stream()
                .filter(entry -> entry.address() != 0x611 && entry.address() != 0xE7).toList());
        MsrNotAllowedException e = assertThrows(MsrNotAllowedException.class,
                () -> sampler().signals(SIGNALS_OF_0_1).open());
        String message = e.getMessage();
        assertTrue(message.contains("IA32_MPERF (0xE7) for Busy%, Bzy_MHz"), message);
        assertTrue(message.contains("MSR_PKG_ENERGY_STATUS (0x611) for PkgWatt, Pkg_J"), message);
        assertFalse(message.contains("0x619"), message);
        // Signals that do not need them still work.
        try (Sampler sampler = sampler().signals(Signal.AVG_MHZ, Signal.DRAM_WATTS).open()) {
            assertEquals(2, sampler.signals().size());
        }
    }

    @Test
    void withoutReadAccessToTheAllowlistAProbeBatchNamesTheRegisters() throws MsrSafeException {
        List<AllowlistEntry> allowlist = SimulatedDevice.standardAllowlist().stream()
                .filter(entry -> entry.address() != 0x1B1 && entry.address() != 0x10).toList();
        try (MsrSafe restricted = UnreadableAllowlist.open(2, SimulatedDevice.standardRegisters(), allowlist, nanos::get)) {
            assertThrows(MsrSafeException.class, restricted::allowlist);
            MsrNotAllowedException e = assertThrows(MsrNotAllowedException.class,
                    () -> Sampler.builder(restricted).vendor(Vendor.INTEL).signals(SIGNALS_OF_0_1).open());
            assertTrue(e.getMessage().contains("IA32_TIME_STAMP_COUNTER (0x10) for Busy%, Bzy_MHz, TSC_MHz"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("IA32_PACKAGE_THERM_STATUS (0x1B1) for PkgTmp"), e.getMessage());
        }
    }

    @Test
    void registersTheProcessorLacksAreNamed() throws MsrSafeException {
        SimulatedDevice noDram = SimulatedDevice.builder().cpus(2)
                .registers(SimulatedDevice.standardRegisters().stream().filter(r -> r.address() != 0x619).toList())
                .allowlist(SimulatedDevice.standardAllowlist())
                .clock(nanos::get)
                .build();
        try (MsrSafe handle = noDram.open()) {
            MsrFaultException e = assertThrows(MsrFaultException.class,
                    () -> Sampler.builder(handle).vendor(Vendor.INTEL).signals(SIGNALS_OF_0_1).open());
            assertTrue(e.getMessage().contains("MSR_DRAM_ENERGY_STATUS (0x619) for RAMWatt, RAM_J"), e.getMessage());
        }
    }

    @Test
    void aCpuGoingOfflineFailsTheSampleWithTheCpu() throws MsrSafeException {
        try (Sampler sampler = sampler().signals(Signal.AVG_MHZ).open()) {
            sampler.sample();
            device.setOnline(5, false);
            MsrSafeException e = assertThrows(MsrSafeException.class, sampler::sample);
            assertTrue(e.getMessage().contains("CPU 5"), e.getMessage());
        }
    }

    @Test
    void amdSignalsAreRefusedOnIntelAndTheReverse() throws MsrSafeException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sampler().signals(Signal.CORE_WATTS).open());
        assertTrue(e.getMessage().contains("CorWatt"), e.getMessage());
        // AMD's RAPL registers are not on this Intel device's allowlist: named.
        MsrNotAllowedException amd = assertThrows(MsrNotAllowedException.class,
                () -> sampler().vendor(Vendor.AMD).signals(Signal.PACKAGE_WATTS).open());
        assertTrue(amd.getMessage().contains("PKG_ENERGY_STAT (0xC001029B)"), amd.getMessage());
        assertTrue(amd.getMessage().contains("RAPL_PWR_UNIT (0xC0010299)"), amd.getMessage());
    }

    @Test
    void amdCoreAndPackageEnergyOnASimulatedZen() throws MsrSafeException {
        // A 4-CPU, 2-core AMD part: energy units 2^-16 J; package 100 W, each core 20 W.
        SimulatedDevice zen = SimulatedDevice.builder().cpus(4).threadsPerCore(2)
                .register(SimulatedRegister.readOnly(0xC001_0299L, "RAPL_PWR_UNIT", Register.Scope.PACKAGE,
                        0x000A_1003L))
                .register(SimulatedRegister.counter(0xC001_029AL, "CORE_ENERGY_STAT", Register.Scope.CORE,
                        20L << 16, 32))
                .register(SimulatedRegister.counter(0xC001_029BL, "PKG_ENERGY_STAT", Register.Scope.PACKAGE,
                        100L << 16, 32))
                .allowlist("0xC0010299 0\n0xC001029A 0\n0xC001029B 0\n")
                .clock(nanos::get)
                .build();
        try (MsrSafe handle = zen.open();
             Sampler sampler = Sampler.builder(handle).vendor(Vendor.AMD).topology(CpuTopology.detect(handle))
                     .clock(nanos::get).signals(Signal.PACKAGE_WATTS, Signal.CORE_WATTS, Signal.CORE_JOULES).open()) {
            assertEquals(1 + 1 + 2, sampler.batchSize()); // units and package energy on CPU 0, core energy on 0 and 2
            sampler.sample();
            nanos.addAndGet(2 * SECOND);
            Sample sample = sampler.sample();
            assertEquals(100.0, sample.packageValue(Signal.PACKAGE_WATTS, 0), 1e-12);
            assertEquals(20.0, sample.cpuValue(Signal.CORE_WATTS, 3), 1e-12);
            assertEquals(40.0, sample.packageValue(Signal.CORE_WATTS, 0), 1e-12);  // two cores
            assertEquals(40.0, sample.value(Signal.CORE_JOULES, 1), 1e-12);        // 20 W x 2 s
        }
    }

    @Test
    void asksForSignalsItDoesNotDeriveAreMistakes() throws MsrSafeException {
        try (Sampler sampler = sampler().signals(Signal.TSC_MHZ).open()) {
            Sample sample = sampler.sample();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> sample.cpuValue(Signal.AVG_MHZ, 0));
            assertTrue(e.getMessage().contains("Avg_MHz"), e.getMessage());
            IllegalArgumentException cpu = assertThrows(IllegalArgumentException.class,
                    () -> sample.cpuValue(Signal.TSC_MHZ, 99));
            assertTrue(cpu.getMessage().contains("99"), cpu.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> sample.value(Signal.TSC_MHZ, 8));
        }
    }
}
