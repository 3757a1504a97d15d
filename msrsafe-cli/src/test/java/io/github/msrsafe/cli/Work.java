package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.util.concurrent.Callable;

/**
 * The work one call does on the calling thread: its CPU time and the bytes it allocates, from
 * the JVM's per-thread counters. Unlike wall-clock time, neither grows when the machine is
 * loaded, so a bound on them holds a parser to the work its input deserves.
 *
 * @param cpuNanos       CPU time of the calling thread, in nanoseconds
 * @param allocatedBytes bytes the calling thread allocated on the heap
 */
record Work(long cpuNanos, long allocatedBytes) {

    /** The work of {@code call}, with what it returned or threw. */
    record Measured<T>(Work work, T result, Throwable thrown) {}

    static <T> Measured<T> of(Callable<T> call) {
        try {
            Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            Method cpu = Class.forName("java.lang.management.ThreadMXBean").getMethod("getCurrentThreadCpuTime");
            Method allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
            allocated.invoke(threads); // the first reading may itself allocate
            long cpuBefore = (long) cpu.invoke(threads);
            long bytesBefore = (long) allocated.invoke(threads);
            T result = null;
            Throwable thrown = null;
            try {
                result = call.call();
            } catch (Throwable t) {
                thrown = t;
            }
            Work work = new Work((long) cpu.invoke(threads) - cpuBefore, (long) allocated.invoke(threads) - bytesBefore);
            return new Measured<>(work, result, thrown);
        } catch (ReflectiveOperationException e) {
            assumeTrue(false, "this JVM has no per-thread CPU time or allocation counter: " + e);
            throw new AssertionError(e);
        }
    }

    @Override
    public String toString() {
        return String.format("%.1f ms CPU, %.1f MB allocated", cpuNanos / 1e6, allocatedBytes / 1e6);
    }
}
