package io.github.msrsafe;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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

    // How long the JIT must have had nothing to do before a round that still allocates counts,
    // and how long to wait for that at most (a JIT starved by a loaded machine stays busy).
    private static final long SETTLED_NANOS = 2_000_000_000L;
    private static final long MAX_WAIT_NANOS = 180_000_000_000L;

    private AllocationMeter() {}

    /**
     * The fewest bytes {@code action} allocated in {@code measured} runs, over at least
     * {@code rounds} rounds after {@code warmUp} runs, and until a round allocates nothing or
     * the JIT has settled. Steady state is what counts: code C2 has not compiled yet may
     * allocate short-lived objects that its escape analysis later removes (the JDK's own
     * downcall binding makes a segment per call until then), and on a busy machine the JIT
     * threads may need a long time to get through their queue. So a round that allocates is
     * only believed once the JIT has had nothing to compile for a while
     * ({@link JitActivity#settledFor}); an allocation in the code itself shows in every
     * round. Skips the test (assumption) on a JVM without the counter.
     */
    public static long fewestBytes(int warmUp, int measured, int rounds, Action action) throws Exception {
        MethodHandle counter = counter("com.sun.management.ThreadMXBean", "getCurrentThreadAllocatedBytes");
        for (int i = 0; i < warmUp; i++) {
            action.run();
        }
        JitActivity jit = new JitActivity();
        long start = System.nanoTime();
        long fewest = Long.MAX_VALUE;
        for (int round = 0; fewest > 0; round++) {
            if (round >= rounds && (jit.settledFor() >= SETTLED_NANOS || System.nanoTime() - start > MAX_WAIT_NANOS)) {
                break;
            }
            // Nothing is subtracted for the readings: a reading that allocates (the first calls
            // of the handle may) can only make a round count more, never hide an allocation.
            long before = read(counter);
            for (int i = 0; i < measured; i++) {
                action.run();
            }
            fewest = Math.min(fewest, read(counter) - before);
        }
        return fewest;
    }

    /**
     * A handle on a counter of the calling thread, bound to the JVM's thread bean and called
     * with invokeExact, so that reading it boxes nothing; skips the test (assumption) on a JVM
     * without the counter. Reached through the public lookup: the module reads only java.base.
     */
    private static MethodHandle counter(String beanInterface, String name) {
        try {
            Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean")
                    .invoke(null);
            MethodHandle counter = MethodHandles.publicLookup()
                    .findVirtual(Class.forName(beanInterface), name, MethodType.methodType(long.class))
                    .bindTo(threads);
            for (int i = 0; i < 3; i++) {
                read(counter); // the first calls link the handle, which allocates
            }
            return counter;
        } catch (ReflectiveOperationException | ClassCastException e) {
            assumeTrue(false, "this JVM has no per-thread counter " + name + ": " + e);
            throw new AssertionError(e);
        }
    }

    private static long read(MethodHandle counter) {
        try {
            return (long) counter.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Whether the JIT is still at work. Where HotSpot's diagnostic command answers: a method is
     * being compiled or waits in a queue (looked at five times a second; looking more often
     * makes the looking itself hot, and compiled). Elsewhere: a compilation finished since the
     * last look (the JVM's total compilation time moved).
     */
    static final class JitActivity {
        private static final long LOOK_EVERY_NANOS = 200_000_000L;

        private final Object compilation;
        private final Method totalTime;
        private final Object diagnostics;
        private final Object diagnosticName;
        private final Method invoke;
        private long lastTime = -1;
        private long lastLook = System.nanoTime() - LOOK_EVERY_NANOS;
        private long idleSince = System.nanoTime();

        JitActivity() throws ReflectiveOperationException {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            compilation = factory.getMethod("getCompilationMXBean").invoke(null);
            totalTime = compilation == null ? null
                    : Class.forName("java.lang.management.CompilationMXBean").getMethod("getTotalCompilationTime");
            Object server = factory.getMethod("getPlatformMBeanServer").invoke(null);
            Class<?> objectName = Class.forName("javax.management.ObjectName");
            Object name = objectName.getConstructor(String.class).newInstance("com.sun.management:type=DiagnosticCommand");
            Class<?> connection = Class.forName("javax.management.MBeanServerConnection");
            boolean registered = (boolean) connection.getMethod("isRegistered", objectName).invoke(server, name);
            diagnostics = registered ? server : null;
            diagnosticName = name;
            invoke = connection.getMethod("invoke", objectName, String.class, Object[].class, String[].class);
        }

        /** {@return how long the JIT has had nothing to do, in nanoseconds; 0 if it is busy now} */
        long settledFor() throws ReflectiveOperationException {
            long now = System.nanoTime();
            if (now - lastLook < LOOK_EVERY_NANOS) {
                return now - idleSince;
            }
            lastLook = now;
            if (busy()) {
                idleSince = now;
            }
            return now - idleSince;
        }

        private boolean busy() throws ReflectiveOperationException {
            if (diagnostics != null) {
                return !queuesEmpty();
            }
            long time = totalTime == null ? 0 : (long) totalTime.invoke(compilation);
            boolean moved = time != lastTime;
            lastTime = time;
            return moved;
        }

        /** HotSpot's Compiler.queue: nothing under "Current compiles" and every queue "Empty". */
        private boolean queuesEmpty() throws ReflectiveOperationException {
            String text = (String) invoke.invoke(diagnostics, diagnosticName, "compilerQueue",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            for (String block : text.strip().split("\\R\\s*\\R")) {
                String[] lines = block.strip().split("\\R");
                boolean idle = lines[0].startsWith("Current compiles") ? lines.length == 1
                        : lines.length == 2 && lines[1].strip().equals("Empty");
                if (!idle) {
                    return false;
                }
            }
            return true;
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
    public static Work work(Action action) {
        MethodHandle allocated = counter("com.sun.management.ThreadMXBean", "getCurrentThreadAllocatedBytes");
        MethodHandle cpu = counter("java.lang.management.ThreadMXBean", "getCurrentThreadCpuTime");
        long cpuBefore = read(cpu);
        long bytesBefore = read(allocated);
        Throwable thrown = null;
        try {
            action.run();
        } catch (Throwable t) {
            thrown = t;
        }
        return new Work(read(cpu) - cpuBefore, read(allocated) - bytesBefore, thrown);
    }
}
