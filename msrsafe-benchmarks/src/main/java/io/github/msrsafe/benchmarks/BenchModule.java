package io.github.msrsafe.benchmarks;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * The C stand-in for msr_safe's batch ioctl (src/main/c/bench_module.c), compiled and
 * loaded once per JVM. {@link #configure} gives it the benchmark's CPUs and registers.
 *
 * <p>Loading this class names the library in the library's test-only system property
 * {@value #IOCTL_LIBRARY_PROPERTY}, which its LibC reads once, when first used, to choose
 * where its one constant ioctl handle comes from: the benchmarks then time the very
 * downcall production makes, with the stand-in behind it. So this class must be loaded
 * before anything in the JVM opens a native device ({@link Workload} does), and a JVM that
 * loaded it must not measure the real device ({@link Workload} refuses).
 */
final class BenchModule {

    /** LibC's test-only property (io.github.msrsafe.internal.nativeio.LibC.IOCTL_LIBRARY_PROPERTY). */
    static final String IOCTL_LIBRARY_PROPERTY = "msrsafe.test.ioctlLibrary";

    private static final Path LIBRARY = bindIoctl(NativeBuild.build(NativeBuild.BENCH_MODULE));
    private static final SymbolLookup LOOKUP = Native.library(LIBRARY, Arena.global());
    private static final MethodHandle CONFIGURE = Native.downcall(LOOKUP, "msrsafe_bench_module_configure",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MemorySegment IOCTL = symbol("ioctl");
    private static final MethodHandle REGISTER = Native.downcall(LOOKUP, "msrsafe_bench_module_register",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT));
    private static final MethodHandle SET_VERSION = Native.downcall(LOOKUP, "msrsafe_bench_module_set_version",
            FunctionDescriptor.ofVoid(JAVA_INT));

    /** The module version the stand-in plays when none is set: msr-safe 1.8.0. */
    static final int DEFAULT_VERSION = 0x0001_0800;

    private BenchModule() {}

    /** Loads the module (and so binds the library's ioctl to it), if nothing has yet. */
    static void load() {
        // Class initialisation does the work.
    }

    /** Whether this JVM's LibC is told to bind its ioctl to the stand-in (set when this class loads). */
    static boolean boundInThisJvm() {
        return System.getProperty(IOCTL_LIBRARY_PROPERTY) != null;
    }

    private static Path bindIoctl(Path library) {
        String bound = System.getProperty(IOCTL_LIBRARY_PROPERTY);
        if (bound == null) {
            System.setProperty(IOCTL_LIBRARY_PROPERTY, library.toString());
        } else if (!Path.of(bound).equals(library)) {
            throw new IllegalStateException(IOCTL_LIBRARY_PROPERTY + " names " + bound + ", not the bench module "
                    + library);
        }
        return library;
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

    /**
     * Makes the stand-in play module {@code version} (a u32 version word): major 2 takes
     * 2.x's 88-byte ops and refuses other majors, any other plays 1.8. The device root's
     * version file must say the same, so that the library sends the matching layout.
     */
    static void setVersion(int version) {
        try {
            SET_VERSION.invokeExact(version);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("msrsafe_bench_module_set_version", t);
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
