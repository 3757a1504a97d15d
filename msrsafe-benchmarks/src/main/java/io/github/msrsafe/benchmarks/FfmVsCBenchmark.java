package io.github.msrsafe.benchmarks;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of Java and FFM against C for the same system calls, in one run:
 * <ul>
 * <li>pread of 8 bytes at an MSR's offset of a sparse per-CPU file, {@value #PREADS} times
 *     per invocation: through the library ({@code MsrSafe.read}), through a bare FFM
 *     downcall to the C library's pread (errno captured, as any correct binding must), and
 *     in a C loop ({@code bench_baseline.c}) entered with one downcall;</li>
 * <li>a batch of {@code batchOps} reads, {@value #BATCHES} times per invocation: fill the
 *     ops, one X86_IOC_MSR_BATCH ioctl to the C stand-in module, fold the values, through
 *     the library ({@code MsrBatch.clear/addRead/execute/value}, down to the production
 *     ioctl handle, which {@link BenchModule} binds to the stand-in) and in a C loop calling
 *     the same stand-in's ioctl.</li>
 * </ul>
 * Scores are per pread and per batch ({@link OperationsPerInvocation}), so Java/C is a
 * plain ratio of scores.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = Main.NATIVE_ACCESS)
public class FfmVsCBenchmark {

    /** preads per invocation: one downcall into the C loop is spread over all of them. */
    static final int PREADS = 100;
    /** batches per invocation. */
    static final int BATCHES = 10;
    /** The CPUs the batch ops are spread over, round robin. */
    static final int CPUS = 4;
    /** Registers per CPU on the device; op i reads register (i / CPUS) % REGISTERS. */
    static final int REGISTERS = 256;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(groupElement("errno"));
    // ssize_t pread(int fd, void *buf, size_t count, off_t offset), errno captured as the library does.
    private static final MethodHandle PREAD = Native.downcall(Native.libc(), "pread",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG),
            Linker.Option.captureCallState("errno"));
    // int open(const char *path, int flags, ...): variadic after the flags.
    private static final MethodHandle OPEN = Native.downcall(Native.libc(), "open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = Native.downcall(Native.libc(), "close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final int O_RDONLY = 0;

    /** Shared by every case: the sparse device, the library's handle on it, the C baseline. */
    @State(Scope.Thread)
    public static class Device {
        Workload workload;
        MsrSafe msr;
        Arena arena;
        MethodHandle preadLoop;
        MethodHandle batchLoop;
        MemorySegment sink;
        int cpuFd = -1;
        int batchFd = -1;

        @Setup(Level.Trial)
        public void setUp() throws Throwable {
            workload = Workload.open(Backend.NATIVE, CPUS, REGISTERS);
            msr = workload.msr();
            arena = Arena.ofConfined();
            SymbolLookup baseline = Native.library(NativeBuild.build(NativeBuild.BASELINE), arena);
            preadLoop = Native.downcall(baseline, "msrsafe_bench_pread_loop",
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS));
            batchLoop = Native.downcall(baseline, "msrsafe_bench_batch_read_loop",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT,
                            JAVA_INT, ADDRESS));
            sink = arena.allocate(JAVA_LONG);
            cpuFd = openReadOnly(workload.sparseRoot().cpuFile(0).toString());
            batchFd = openReadOnly(workload.sparseRoot().path().resolve("msr_batch").toString());
        }

        private int openReadOnly(String path) throws Throwable {
            int fd = (int) OPEN.invokeExact(arena.allocateFrom(path), O_RDONLY);
            if (fd < 0) {
                throw new IllegalStateException("could not open " + path);
            }
            return fd;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Throwable {
            for (int fd : new int[] {cpuFd, batchFd}) {
                if (fd >= 0) {
                    int ignored = (int) CLOSE.invokeExact(fd);
                }
            }
            arena.close();
            workload.close();
        }
    }

    /** The register the pread cases read, and the buffers of the bare FFM case. */
    @State(Scope.Thread)
    public static class Pread {
        long msrAddress;
        long expected;
        MemorySegment buffer;
        MemorySegment callState;
        private Arena arena;

        @Setup(Level.Trial)
        public void setUp(Device device) throws Throwable {
            msrAddress = Workload.address(7);
            expected = device.workload.initialValue[7]; // CPU 0, register 7
            arena = Arena.ofConfined();
            buffer = arena.allocate(JAVA_LONG);
            callState = arena.allocate(CALL_STATE);
            // Every case must read the same value before any is timed.
            check(device.msr.read(0, msrAddress), "the library");
            check(preadOnce(device, this), "bare FFM");
            int result = (int) device.preadLoop.invokeExact(device.cpuFd, msrAddress, 1, device.sink);
            if (result != 0) {
                throw new IllegalStateException("C pread loop failed: errno " + -result);
            }
            check(device.sink.get(JAVA_LONG, 0), "C");
        }

        private void check(long value, String who) {
            if (value != expected) {
                throw new IllegalStateException(who + " read 0x" + Long.toHexString(value) + ", expected 0x"
                        + Long.toHexString(expected));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    /** A batch of {@code batchOps} reads spread over {@value #CPUS} CPUs. */
    @State(Scope.Thread)
    public static class Batch {
        @Param({"1", "32", "1024", "30000"})
        public int batchOps;

        int[] cpuOf;
        long[] msrOf;
        long[] values;
        long expectedFold;
        MsrBatch batch;
        MemorySegment cpus;
        MemorySegment msrs;
        private Arena arena;

        @Setup(Level.Trial)
        public void setUp(Device device) throws Throwable {
            cpuOf = new int[batchOps];
            msrOf = new long[batchOps];
            values = new long[batchOps];
            arena = Arena.ofConfined();
            cpus = arena.allocate(JAVA_SHORT, batchOps);
            msrs = arena.allocate(JAVA_INT, batchOps);
            for (int i = 0; i < batchOps; i++) {
                cpuOf[i] = i % CPUS;
                int register = (i / CPUS) % REGISTERS;
                msrOf[i] = Workload.address(register);
                expectedFold ^= device.workload.initialValue[cpuOf[i] * REGISTERS + register];
                cpus.setAtIndex(JAVA_SHORT, i, (short) cpuOf[i]);
                msrs.setAtIndex(JAVA_INT, i, (int) msrOf[i]);
            }
            batch = device.msr.newBatch();
            long javaFold = batchJavaOnce(this);
            if (batchBulkOnce(this) != javaFold) {
                throw new IllegalStateException("the bulk forms read other values than addRead and value");
            }
            int result = (int) device.batchLoop.invokeExact(BenchModule.ioctl(), device.batchFd, cpus, msrs, batchOps,
                    batchVersion(), 1, device.sink);
            if (result != 0) {
                throw new IllegalStateException("C batch loop failed: errno " + -result);
            }
            long cFold = device.sink.get(JAVA_LONG, 0);
            if (javaFold != expectedFold || cFold != expectedFold) {
                throw new IllegalStateException("batch reads folded to 0x" + Long.toHexString(javaFold) + " (Java) and 0x"
                        + Long.toHexString(cFold) + " (C), expected 0x" + Long.toHexString(expectedFold));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            batch.close();
            arena.close();
        }
    }

    /** MsrSafe.read: bounds checks, the per-CPU descriptor, a pread with errno captured. */
    @Benchmark
    @OperationsPerInvocation(PREADS)
    public long preadLibrary(Device device, Pread pread) throws MsrSafeException {
        MsrSafe msr = device.msr;
        long msrAddress = pread.msrAddress;
        long folded = 0;
        for (int i = 0; i < PREADS; i++) {
            folded ^= msr.read(0, msrAddress);
        }
        return folded;
    }

    /** The floor for any FFM binding: a downcall to pread with errno captured, nothing else. */
    @Benchmark
    @OperationsPerInvocation(PREADS)
    public long preadFfm(Device device, Pread pread) throws Throwable {
        long folded = 0;
        for (int i = 0; i < PREADS; i++) {
            folded ^= preadOnce(device, pread);
        }
        return folded;
    }

    /** The same preads in a C loop (gcc -O2), entered once. */
    @Benchmark
    @OperationsPerInvocation(PREADS)
    public long preadC(Device device, Pread pread) throws Throwable {
        int result = (int) device.preadLoop.invokeExact(device.cpuFd, pread.msrAddress, PREADS, device.sink);
        if (result != 0) {
            throw new IllegalStateException("C pread loop failed: errno " + -result);
        }
        return device.sink.get(JAVA_LONG, 0);
    }

    /** Per batch: MsrBatch.clear, addRead per op, execute (one ioctl), value per op. */
    @Benchmark
    @OperationsPerInvocation(BATCHES)
    public long batchLibrary(Batch batch) throws MsrSafeException {
        long folded = 0;
        for (int i = 0; i < BATCHES; i++) {
            folded ^= batchJavaOnce(batch);
        }
        return folded;
    }

    /** Per batch: MsrBatch.clear, addReads (all ops at once), execute, values (all at once). */
    @Benchmark
    @OperationsPerInvocation(BATCHES)
    public long batchLibraryBulk(Batch batch) throws MsrSafeException {
        long folded = 0;
        for (int i = 0; i < BATCHES; i++) {
            folded ^= batchBulkOnce(batch);
        }
        return folded;
    }

    /** The same batches in a C loop (gcc -O2) calling the same stand-in ioctl, entered once. */
    @Benchmark
    @OperationsPerInvocation(BATCHES)
    public long batchC(Device device, Batch batch) throws Throwable {
        int result = (int) device.batchLoop.invokeExact(BenchModule.ioctl(), device.batchFd, batch.cpus, batch.msrs,
                batch.batchOps, batchVersion(), BATCHES, device.sink);
        if (result != 0) {
            throw new IllegalStateException("C batch loop failed: errno " + -result);
        }
        return device.sink.get(JAVA_LONG, 0);
    }

    private static long preadOnce(Device device, Pread pread) throws Throwable {
        long got = (long) PREAD.invokeExact(pread.callState, device.cpuFd, pread.buffer, (long) Long.BYTES,
                pread.msrAddress);
        if (got != Long.BYTES) {
            throw new IllegalStateException("pread returned " + got + ", errno " + (int) ERRNO.get(pread.callState, 0L));
        }
        return pread.buffer.get(JAVA_LONG, 0);
    }

    private static long batchBulkOnce(Batch state) throws MsrSafeException {
        MsrBatch batch = state.batch;
        batch.clear();
        int first = batch.addReads(state.cpuOf, state.msrOf);
        Workload.requireSucceeded(batch.execute(), batch);
        long[] values = state.values;
        batch.values(first, values);
        long folded = 0;
        for (long value : values) {
            folded ^= value;
        }
        return folded;
    }

    private static long batchJavaOnce(Batch state) throws MsrSafeException {
        MsrBatch batch = state.batch;
        int[] cpuOf = state.cpuOf;
        long[] msrOf = state.msrOf;
        batch.clear();
        for (int i = 0; i < cpuOf.length; i++) {
            batch.addRead(cpuOf[i], msrOf[i]);
        }
        Workload.requireSucceeded(batch.execute(), batch);
        long folded = 0;
        for (int i = 0; i < cpuOf.length; i++) {
            folded ^= batch.value(i);
        }
        return folded;
    }

    /** The version the library puts in the batch header for the sparse root's msr_safe_version, 1.8.0. */
    private static int batchVersion() {
        return 0x0001_0800;
    }

}
