package io.github.msrsafe.benchmarks;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The C stand-in for msr_safe's batch ioctl (src/main/c/bench_module.c), compiled and
 * loaded once per JVM. {@link #configure} gives it the benchmark's CPUs and registers;
 * {@link #lookup()} is what the library's native device tree binds its batch ioctl to.
 */
final class BenchModule {

    private static final SymbolLookup LOOKUP =
            Native.library(NativeBuild.build(NativeBuild.BENCH_MODULE), Arena.global());
    private static final MethodHandle CONFIGURE = Native.downcall(LOOKUP, "msrsafe_bench_module_configure",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MemorySegment IOCTL = symbol("ioctl");
    private static final MethodHandle REGISTER = Native.downcall(LOOKUP, "msrsafe_bench_module_register",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT));

    private BenchModule() {}

    /** The library that exports the stand-in {@code ioctl}. */
    static SymbolLookup lookup() {
        return LOOKUP;
    }

    /** The address of the stand-in {@code ioctl}, for the C baseline to call. */
    static MemorySegment ioctl() {
        return IOCTL;
    }

    /**
     * Gives the module {@code cpus} CPUs with registers at {@code msrs} (ascending), CPU c's
     * register i holding {@code values[c * msrs.length + i]}.
     */
    static void configure(int cpus, long[] msrs, long[] values) {
        if (values.length != cpus * msrs.length) {
            throw new IllegalArgumentException(values.length + " values for " + cpus + " CPUs x " + msrs.length
                    + " registers");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addresses = arena.allocate(JAVA_INT, msrs.length);
            for (int i = 0; i < msrs.length; i++) {
                addresses.setAtIndex(JAVA_INT, i, Math.toIntExact(msrs[i]));
            }
            MemorySegment registerValues = arena.allocateFrom(JAVA_LONG, values);
            int result = (int) CONFIGURE.invokeExact(cpus, msrs.length, addresses, registerValues);
            if (result != 0) {
                throw new IllegalStateException("bench module refused the configuration: errno " + -result);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("msrsafe_bench_module_configure", t);
        }
    }

    /** What CPU {@code cpu}'s register {@code msr} holds in the module now. */
    static long register(int cpu, long msr) {
        try {
            return (long) REGISTER.invokeExact(cpu, (int) msr);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("msrsafe_bench_module_register", t);
        }
    }

    private static MemorySegment symbol(String name) {
        return LOOKUP.find(name).orElseThrow(() -> new IllegalStateException(
                "the bench module library does not export " + name));
    }
}
