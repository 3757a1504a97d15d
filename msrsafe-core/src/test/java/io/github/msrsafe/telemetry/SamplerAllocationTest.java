package io.github.msrsafe.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.msrsafe.AllocationMeter;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.SimulatedDevice;
import org.junit.jupiter.api.Test;

/**
 * A sample allocates nothing on the Java heap once warm: one batch, the raw values copied
 * into reused arrays, every signal recomputed in place, and the reading read back. Measured
 * with the JVM's per-thread allocation counter, as AllocationTest measures the batch.
 */
class SamplerAllocationTest {

    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 5_000;
    private static final int ROUNDS = 5;

    @Test
    void samplingEverySignalAllocatesNothing() throws Exception {
        SimulatedDevice device = SimulatedDevice.builder().cpus(32).packages(2).threadsPerCore(2)
                .registers(SimulatedDevice.standardRegisters(0.5))
                .allowlist(SimulatedDevice.standardAllowlist())
                .build();
        try (MsrSafe msr = device.open();
             Sampler sampler = Sampler.builder(msr).topology(CpuTopology.detect(msr)).open()) {
            double[] sink = new double[1];
            long bytes = allocatedBy(() -> {
                Sample sample = sampler.sample();
                for (int cpu = 0; cpu < 32; cpu++) {
                    sink[0] += sample.cpuValue(Signal.BZY_MHZ, cpu) + sample.cpuValue(Signal.CORE_TEMPERATURE, cpu);
                }
                sink[0] += sample.packageValue(Signal.PACKAGE_WATTS, 1) + sample.summaryValue(Signal.DRAM_JOULES)
                        + sample.value(Signal.PL1_SECONDS, 0) + sample.intervalSeconds();
            });
            assertEquals(0, bytes, "bytes allocated by " + MEASURED + " samples of " + sampler.batchSize()
                    + " reads, in the best of " + ROUNDS + " rounds");
        }
    }

    @Test
    void samplingEveryTurbostatColumnAndARegisterColumnAllocatesNothing() throws Exception {
        // C-states, SMIs, throttle reasons, uncore, platform energy and the energy-bound check on the hot path.
        SimulatedDevice device = SimulatedDevice.builder().cpus(32).packages(2).threadsPerCore(2)
                .registers(SimulatedDevice.telemetryRegisters(0.5))
                .allowlist(SimulatedDevice.telemetryAllowlist())
                .build();
        try (MsrSafe msr = device.open();
             Sampler sampler = Sampler.builder(msr).tolerateFailures()
                     .add(RegisterColumn.parse("msr0x3FD,core,percent,C6"), RegisterColumn.parse("msr0x34,u32,delta,SMIs"))
                     .open()) {
            double[] sink = new double[1];
            long bytes = allocatedBy(() -> {
                Sample sample = sampler.sample();
                sink[0] += sample.summaryValue(Signal.CPU_C1) + sample.packageValue(Signal.CORE_THROTTLE, 1)
                        + sample.summaryValue(Signal.PLATFORM_JOULES) + sample.value(Signal.UNCORE_MHZ, 0)
                        + sample.summaryValue(sample.columns().getFirst());
            });
            assertEquals(0, bytes, "bytes allocated by " + MEASURED + " samples of " + sampler.batchSize()
                    + " reads and " + sampler.signals().size() + " signals, in the best of " + ROUNDS + " rounds");
        }
    }

    private static long allocatedBy(AllocationMeter.Action action) throws Exception {
        return AllocationMeter.fewestBytes(WARM_UP, MEASURED, ROUNDS, action);
    }
}
