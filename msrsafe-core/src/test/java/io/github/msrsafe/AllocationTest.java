package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * The hot paths allocate nothing on the Java heap once warm: per-CPU read and
 * write, and batch execute with its result accessors. Measured with the JVM's
 * per-thread allocation counter, not with time.
 */
class AllocationTest {

    private static final int WARM_UP = 30_000;
    private static final int MEASURED = 10_000;

    @Test
    void perCpuReadAndWriteAllocateNothing() throws Exception {
        try (MsrSafe msr = SimulatedDevice.standard(2).open()) {
            long[] sink = new long[1];
            ThrowingRunnable readWrite = () -> {
                sink[0] += msr.read(1, 0xE7);
                msr.write(1, 0xE7, sink[0]);
            };
            assertEquals(0, allocatedBy(readWrite), "bytes allocated by " + MEASURED + " read+write pairs");
        }
    }

    @Test
    void batchExecuteAllocatesNothing() throws Exception {
        try (MsrSafe msr = SimulatedDevice.standard(8).open(); MsrBatch batch = msr.newBatch()) {
            for (int cpu : msr.cpus()) {
                batch.addRead(cpu, 0x10);
                batch.addWrite(cpu, 0xE7, cpu);
            }
            long[] sink = new long[1];
            ThrowingRunnable execute = () -> {
                batch.execute();
                for (int i = 0; i < batch.size(); i++) {
                    sink[0] += batch.value(i) + batch.errno(i) + batch.writeMask(i);
                }
            };
            assertEquals(0, allocatedBy(execute), "bytes allocated by " + MEASURED + " executes");
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * The fewest bytes allocated by MEASURED runs, over up to five rounds after warm-up. A
     * round can catch the JIT still compiling (it allocates on this thread); an allocation
     * in the code itself shows in every round.
     */
    private static long allocatedBy(ThrowingRunnable action) throws Exception {
        Method counter = allocationCounter();
        Object threads = threadBean();
        for (int i = 0; i < WARM_UP; i++) {
            action.run();
        }
        long fewest = Long.MAX_VALUE;
        for (int round = 0; round < 5 && fewest > 0; round++) {
            // Take the reading twice: the first call of the counter may itself allocate.
            counter.invoke(threads);
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

    // All by reflection: this module reads only java.base, and core reflection needs no readability.
    private static Object threadBean() throws ReflectiveOperationException {
        return Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
    }

    private static Method allocationCounter() {
        try {
            Method method = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
            return method;
        } catch (ReflectiveOperationException e) {
            assumeTrue(false, "this JVM has no per-thread allocation counter: " + e);
            throw new AssertionError(e);
        }
    }
}
