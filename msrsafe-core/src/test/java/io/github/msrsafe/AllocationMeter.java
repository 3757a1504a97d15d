package io.github.msrsafe;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;

/**
 * Bytes the current thread allocates on the Java heap while running an action,
 * from the JVM's per-thread allocation counter (not from time). Shared by the
 * tests that hold hot paths to zero allocation.
 */
public final class AllocationMeter {

    /** An action to measure. */
    public interface Action {
        /** Runs once. */
        void run() throws Exception;
    }

    private AllocationMeter() {}

    /**
     * The fewest bytes {@code action} allocated in {@code measured} runs, over up to
     * {@code rounds} rounds after {@code warmUp} runs. Steady state is what counts: on a busy
     * machine the JIT may still be compiling when a round starts, and code C2 has not compiled
     * yet may allocate short-lived objects that its escape analysis later removes. An
     * allocation in the code itself shows in every round. Skips the test (assumption) on a JVM
     * without the counter.
     */
    public static long fewestBytes(int warmUp, int measured, int rounds, Action action) throws Exception {
        Method counter = allocationCounter();
        // All by reflection: the module reads only java.base, and core reflection needs no readability.
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
        for (int i = 0; i < warmUp; i++) {
            action.run();
        }
        long fewest = Long.MAX_VALUE;
        for (int round = 0; round < rounds && fewest > 0; round++) {
            counter.invoke(threads); // the first call of the counter may itself allocate
            long before = (long) counter.invoke(threads);
            for (int i = 0; i < measured; i++) {
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

    /**
     * The work of one call on the calling thread: its CPU time and the bytes it allocated.
     * Neither grows when the machine is loaded, so a bound on them holds a parser to the work
     * its input deserves, where a wall-clock bound would be flaky.
     *
     * @param cpuNanos       CPU time of the calling thread, in nanoseconds
     * @param allocatedBytes bytes the calling thread allocated on the heap
     * @param thrown         what the call threw, or null
     */
    public record Work(long cpuNanos, long allocatedBytes, Throwable thrown) {
        @Override
        public String toString() {
            return String.format("%.1f ms CPU, %.1f MB allocated%s", cpuNanos / 1e6, allocatedBytes / 1e6,
                    thrown == null ? "" : ", threw " + thrown);
        }
    }

    /** {@return the work {@code action} does once; what it throws is caught and returned} */
    public static Work work(Action action) throws ReflectiveOperationException {
        Method allocated = allocationCounter();
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                .invoke(null);
        Method cpu = Class.forName("java.lang.management.ThreadMXBean").getMethod("getCurrentThreadCpuTime");
        allocated.invoke(threads); // the first call of the counter may itself allocate
        long cpuBefore = (long) cpu.invoke(threads);
        long bytesBefore = (long) allocated.invoke(threads);
        Throwable thrown = null;
        try {
            action.run();
        } catch (Throwable t) {
            thrown = t;
        }
        return new Work((long) cpu.invoke(threads) - cpuBefore, (long) allocated.invoke(threads) - bytesBefore, thrown);
    }
}
