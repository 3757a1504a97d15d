package io.github.msrsafe.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.SimulatedDevice;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sampler built with tolerateFailures on SamplerTest's machine (2 packages x 2 cores x 2
 * threads, busy 25%): a register that stops reading leaves the quantities that need it without a
 * value, named in Sample.failures(), and every other quantity as it would be.
 */
class SamplerFailuresTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong nanos = new AtomicLong(5 * SECOND);
    private SimulatedDevice device;
    private MsrSafe msr;

    @BeforeEach
    void build() throws MsrSafeException {
        device = SimulatedDevice.builder().cpus(8).packages(2).threadsPerCore(2)
                .registers(SimulatedDevice.standardRegisters(0.25))
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
        return Sampler.builder(msr).topology(CpuTopology.detect(msr)).clock(nanos::get).vendor(Vendor.INTEL)
                .tolerateFailures();
    }

    @Test
    void aCpuGoingOfflineLeavesItsOwnValuesOutAndNamesIt() throws MsrSafeException {
        try (Sampler sampler = sampler().signals(Signal.AVG_MHZ, Signal.PACKAGE_WATTS, Signal.CORE_TEMPERATURE).open()) {
            sampler.sample();
            device.setOnline(5, false); // the second thread of core 0 of package 1: no leader
            nanos.addAndGet(SECOND);
            Sample sample = sampler.sample();
            assertTrue(Double.isNaN(sample.cpuValue(Signal.AVG_MHZ, 5)));
            assertEquals(700.0, sample.cpuValue(Signal.AVG_MHZ, 4), 1e-6);
            // Package 1 averages the three CPUs that read; its energy counter (read on CPU 4) is untouched.
            assertEquals(700.0, sample.packageValue(Signal.AVG_MHZ, 1), 1e-6);
            assertEquals(27.5, sample.packageValue(Signal.PACKAGE_WATTS, 1), 1e-12);
            assertEquals(43.0, sample.cpuValue(Signal.CORE_TEMPERATURE, 5)); // its core is read on CPU 4
            assertEquals(List.of(new SignalFailure(Signal.AVG_MHZ, "CPU 5: ENXIO reading IA32_APERF (0xE8)")),
                    sample.failures());
            // Back online: the next sample has a value again only once there are two readings.
            device.setOnline(5, true);
            nanos.addAndGet(SECOND);
            sample = sampler.sample();
            assertEquals(List.of(), sample.failures());
            assertTrue(Double.isNaN(sample.cpuValue(Signal.AVG_MHZ, 5)), "no previous reading of CPU 5 yet");
            nanos.addAndGet(SECOND);
            assertEquals(700.0, sampler.sample().cpuValue(Signal.AVG_MHZ, 5), 1e-6);
        }
    }

    @Test
    void aRegisterLeavingTheAllowlistTakesOnlyItsSignals() throws MsrSafeException {
        try (Sampler sampler = sampler().signals(Signal.BUSY_PERCENT, Signal.PACKAGE_WATTS, Signal.PACKAGE_JOULES,
                Signal.DRAM_WATTS).open()) {
            sampler.sample();
            device.installAllowlist(SimulatedDevice.standardAllowlist().stream()
                    .filter(entry -> entry.address() != 0x611).toList());
            nanos.addAndGet(SECOND);
            Sample sample = sampler.sample();
            assertEquals(25.0, sample.summaryValue(Signal.BUSY_PERCENT), 1e-9);
            assertEquals(2.75, sample.packageValue(Signal.DRAM_WATTS, 0), 1e-12);
            assertTrue(Double.isNaN(sample.packageValue(Signal.PACKAGE_WATTS, 0)));
            assertEquals(List.of(Signal.PACKAGE_WATTS, Signal.PACKAGE_JOULES),
                    sample.failures().stream().map(SignalFailure::quantity).toList());
            assertEquals("CPU 0: EACCES reading MSR_PKG_ENERGY_STATUS (0x611)", sample.failures().getFirst().reason());
        }
    }

    @Test
    void withoutToleranceTheSampleFailsAsBefore() throws MsrSafeException {
        try (Sampler sampler = Sampler.builder(msr).topology(CpuTopology.detect(msr)).clock(nanos::get)
                .signals(Signal.AVG_MHZ).open()) {
            sampler.sample();
            device.setOnline(2, false);
            MsrSafeException e = org.junit.jupiter.api.Assertions.assertThrows(MsrSafeException.class, sampler::sample);
            assertTrue(e.getMessage().contains("CPU 2"), e.getMessage());
        }
    }

    @Test
    void aCopyKeepsItsValuesWhileTheViewMovesOn() throws MsrSafeException {
        try (Sampler sampler = sampler().signals(Signal.PACKAGE_JOULES).open()) {
            sampler.sample();
            nanos.addAndGet(SECOND);
            Sample kept = sampler.sample().copy();
            nanos.addAndGet(SECOND);
            Sample view = sampler.sample();
            assertNotSame(kept, view);
            assertEquals(2, kept.sequence());
            assertEquals(27.5, kept.packageValue(Signal.PACKAGE_JOULES, 0), 1e-12);
            assertEquals(3, view.sequence());
            assertEquals(55.0, view.packageValue(Signal.PACKAGE_JOULES, 0), 1e-12);
        }
    }

    @Test
    void openLeavesTheBuilderAsItWas() throws MsrSafeException {
        Sampler.Builder builder = Sampler.builder(msr).clock(nanos::get).signals(Signal.TSC_MHZ);
        try (Sampler first = builder.open(); Sampler second = builder.open()) {
            assertEquals(first.signals(), second.signals());
            assertEquals(first.topology(), second.topology());
            assertEquals(first.batchSize(), second.batchSize());
        }
    }
}
