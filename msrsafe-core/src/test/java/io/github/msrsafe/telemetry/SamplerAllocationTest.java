package io.github.msrsafe.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.SimulatedDevice;
import java.lang.reflect.Method;
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
             Sampler sampler = Sampler.builder(msr).topology(CpuTopology.of(device, msr.cpus())).open()) {
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

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * The fewest bytes {@code action} allocated in {@link #MEASURED} runs, over up to
     * {@link #ROUNDS} rounds after the warm-up. Steady state is what counts: on a busy machine
     * (the full test suite on two cores) the JIT may still be compiling the sampler when the
     * first round starts, and code C2 has not compiled yet may allocate short-lived objects that
     * C2's escape analysis removes (one full-suite run saw 1,928 bytes in a first round of 5,000
     * samples). An allocation per sample shows in every round.
     */
    private static long allocatedBy(ThrowingRunnable action) throws Exception {
        Method counter = allocationCounter();
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
        for (int i = 0; i < WARM_UP; i++) {
            action.run();
        }
        long fewest = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS && fewest > 0; round++) {
            counter.invoke(threads); // the first call may itself allocate
            long before = (long) counter.invoke(threads);
            for (int i = 0; i < MEASURED; i++) {
                action.run();
            }
            long after = (long) counter.invoke(threads);
            long readingCost = (long) counter.invoke(threads) - after;
            fewest = Math.min(fewest, Math.max(0, after - before - readingCost));
        }
        return fewest;
    }

    private static Method allocationCounter() {
        try {
            return Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        } catch (ReflectiveOperationException e) {
            assumeTrue(false, "this JVM has no per-thread allocation counter: " + e);
            throw new AssertionError(e);
        }
    }
}
