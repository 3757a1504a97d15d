package io.github.msrsafe.internal.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.msrsafe.Driver;
import io.github.msrsafe.Errno;
import io.github.msrsafe.internal.abi.BatchBuffer;
import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.OpenFlags;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch path for real: LibC's one ioctl handle is bound, in the JVM of the
 * ioctl-double test run only, to src/test/c/ioctl_double.c (the test-only
 * property LibC reads at class initialisation), a shared library compiled against
 * native-headers/msr_safe.h that answers like the module (docs/module-behaviour.md)
 * for a machine of CPUs 0..3 with CPU 2 offline and the
 * allowlist 0x10 (mask 0), 0xE7 (all ones), 0x199 (0xFFFF), 0x620 (all ones,
 * faults). Each test sees a fresh machine.
 */
@Tag(NativeTestSupport.IOCTL_DOUBLE)
class NativeBatchTest {

    private static final int ENXIO = Errno.ENXIO.number();
    private static final int EACCES = Errno.EACCES.number();
    private static final int EROFS = Errno.EROFS.number();
    private static final int EIO = Errno.EIO.number();
    private static final int V1_8_0 = 0x0001_0800;
    private static final long ALL_ONES = -1L;

    private static Arena libraryArena;
    private static SymbolLookup double_;
    private static MethodHandle reset;
    private static MethodHandle calls;
    private static MethodHandle executed;
    private static MethodHandle lastVersion;
    private static MethodHandle lastNumops;
    private static MethodHandle lastRequest;
    private static MethodHandle register;
    private static MethodHandle setModuleVersion;

    @TempDir
    static Path root;

    private NativeDeviceFiles files;
    private BatchDevice batchFile;
    private Arena arena;

    @BeforeAll
    @SuppressWarnings("restricted")
    static void loadTheDouble() throws Exception {
        if (!NativeTestSupport.gccAvailable() || !NativeTestSupport.ioctlDoubleBound()) {
            return;
        }
        Path library = NativeTestSupport.ioctlDouble();
        libraryArena = Arena.ofShared();
        double_ = SymbolLookup.libraryLookup(library, libraryArena);
        Linker linker = Linker.nativeLinker();
        reset = linker.downcallHandle(find("msrsafe_double_reset"), FunctionDescriptor.ofVoid());
        calls = linker.downcallHandle(find("msrsafe_double_calls"), FunctionDescriptor.of(JAVA_INT));
        executed = linker.downcallHandle(find("msrsafe_double_executed"), FunctionDescriptor.of(JAVA_INT));
        lastVersion = linker.downcallHandle(find("msrsafe_double_last_version"), FunctionDescriptor.of(JAVA_INT));
        lastNumops = linker.downcallHandle(find("msrsafe_double_last_numops"), FunctionDescriptor.of(JAVA_INT));
        lastRequest = linker.downcallHandle(find("msrsafe_double_last_request"), FunctionDescriptor.of(JAVA_LONG));
        register = linker.downcallHandle(find("msrsafe_double_register"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT));
        setModuleVersion = linker.downcallHandle(find("msrsafe_double_set_module_version"),
                FunctionDescriptor.ofVoid(JAVA_INT));
        // The device tree only has to look like msr_safe; the batch node is an ordinary file.
        for (int cpu : new int[] {0, 1, 3}) {
            Files.createFile(Files.createDirectories(root.resolve(Integer.toString(cpu))).resolve("msr_safe"));
        }
        Files.createFile(root.resolve("msr_batch"));
    }

    private static MemorySegment find(String name) {
        return double_.find(name).orElseThrow(() -> new AssertionError(name + " not exported by the double"));
    }

    @AfterAll
    static void unloadTheDouble() {
        if (libraryArena != null) {
            libraryArena.close();
        }
    }

    @BeforeEach
    void freshMachine() throws Throwable {
        NativeTestSupport.ioctlDouble();
        reset.invokeExact();
        files = NativeDeviceFiles.open(root);
        batchFile = files.openBatch(OpenFlags.O_RDWR);
        arena = Arena.ofConfined();
    }

    @AfterEach
    void close() {
        if (files != null) {
            files.close();
            arena.close();
        }
    }

    @Test
    void aValidBatchRunsEveryOpWithMaskedWrites() throws Throwable {
        assertEquals(Driver.MSR_SAFE, files.driver());
        long before199 = register(1, 0x199);
        BatchBuffer batch = new BatchBuffer(arena, 5);
        batch.read(0, 0, 0xE7);
        batch.read(1, 3, 0x199);
        batch.write(2, 1, 0x199, 0xAAAA_BBBB_CCCC_DDDDL);
        batch.read(3, 1, 0x199);                 // after the write, in array order
        batch.write(4, 3, 0xE7, 0x1234);
        batch.version(V1_8_0);

        assertEquals(0, batch.run(batchFile));

        assertArrayEquals(new int[] {0, 0, 0, 0, 0}, batch.errs());
        assertEquals(register(0, 0xE7), batch.data(0));
        assertEquals(register(3, 0x199), batch.data(1));
        long expected199 = 0xDDDDL | (before199 & ~0xFFFFL);
        assertEquals(expected199, register(1, 0x199), "read-modify-write under mask 0xFFFF");
        assertEquals(0xAAAA_BBBB_CCCC_DDDDL, batch.data(2), "a write's msrdata is left as set");
        assertEquals(expected199, batch.data(3));
        assertEquals(0x1234L, register(3, 0xE7));
        assertArrayEquals(new long[] {ALL_ONES, 0xFFFF, 0xFFFF, 0xFFFF, ALL_ONES}, batch.wmasks());

        assertEquals(1, (int) calls.invokeExact());
        assertEquals(5, (int) executed.invokeExact());
        assertEquals(5, (int) lastNumops.invokeExact());
        assertEquals(V1_8_0, (int) lastVersion.invokeExact());
        assertEquals(MsrStructs.X86_IOC_MSR_BATCH, (long) lastRequest.invokeExact());
    }

    @Test
    void aBatchFailingValidationRunsNothingAndReturnsTheLastError() throws Throwable {
        long before199 = register(1, 0x199);
        BatchBuffer batch = new BatchBuffer(arena, 5);
        batch.read(0, 0, 0xE7);                   // valid
        batch.read(1, 2, 0xE7);                   // CPU 2 offline: ENXIO
        batch.read(2, 0, 0x11);                   // not allowlisted: EACCES
        batch.write(3, 1, 0x10, 1);               // mask 0: EROFS
        batch.write(4, 1, 0x199, 0xFFFF);         // valid, must not run

        assertEquals(-EROFS, batch.run(batchFile));

        assertArrayEquals(new int[] {0, -ENXIO, -EACCES, -EROFS, 0}, batch.errs());
        assertArrayEquals(new long[] {ALL_ONES, BatchBuffer.UNTOUCHED, BatchBuffer.UNTOUCHED, 0, 0xFFFF}, batch.wmasks());
        assertEquals(BatchBuffer.UNTOUCHED, batch.data(0), "the valid read did not run");
        assertEquals(before199, register(1, 0x199), "the valid write did not run");
        assertEquals(0, (int) executed.invokeExact());
    }

    @Test
    void theLastValidationErrorWinsWhateverItIs() {
        BatchBuffer batch = new BatchBuffer(arena, 3);
        batch.write(0, 1, 0x10, 1);               // EROFS
        batch.read(1, 0, 0x11);                   // EACCES
        batch.read(2, 7, 0xE7);                   // CPU beyond the CPU ids: ENXIO
        assertEquals(-ENXIO, batch.run(batchFile));
        assertArrayEquals(new int[] {-EROFS, -EACCES, -ENXIO}, batch.errs());
    }

    @Test
    void aFaultDoesNotStopTheBatchAndTheFirstErrorIsReturned() throws Throwable {
        long before = register(3, 0x199);
        BatchBuffer batch = new BatchBuffer(arena, 5);
        batch.read(0, 0, 0xE7);
        batch.read(1, 1, 0x620);                  // faults: EIO
        batch.write(2, 3, 0x199, 0x4242);
        batch.write(3, 0, 0x620, 7);              // the rdmsr of the read-modify-write faults
        batch.read(4, 3, 0x199);

        assertEquals(-EIO, batch.run(batchFile));

        assertArrayEquals(new int[] {0, -EIO, 0, -EIO, 0}, batch.errs());
        assertEquals(register(0, 0xE7), batch.data(0));
        assertEquals(BatchBuffer.UNTOUCHED, batch.data(1));
        long expected = 0x4242L | (before & ~0xFFFFL);
        assertEquals(expected, register(3, 0x199));
        assertEquals(expected, batch.data(4));
        assertEquals(5, (int) executed.invokeExact());
    }

    @Test
    void theVersionFieldIsPassedThroughAsGiven() throws Throwable {
        for (int version : new int[] {0, V1_8_0, 0xDEAD_BEEF}) {
            BatchBuffer batch = new BatchBuffer(arena, 1);
            batch.read(0, 0, 0xE7);
            batch.version(version);
            assertEquals(0, batch.run(batchFile));
            assertEquals(version, (int) lastVersion.invokeExact());
        }
    }

    @Test
    void theProductionHandleItselfReachesTheDouble() throws Throwable {
        // LibC.ioctl is the constant handle every batch takes; called directly, with a request
        // the seam never sends, it is the double that answers, and sees the request.
        BatchBuffer batch = new BatchBuffer(arena, 1);
        batch.read(0, 0, 0xE7);
        MemorySegment callState = LibC.allocateCallState(arena);
        int fd = LibC.open(callState, arena.allocateFrom(root.resolve("msr_batch").toString()), OpenFlags.O_RDONLY);
        try {
            assertEquals(-1, LibC.ioctl(callState, fd, 0xC01063A3L, batch.array));
            assertEquals(Errno.ENOTTY.number(), LibC.errno(callState));
            assertEquals(0xC01063A3L, (long) lastRequest.invokeExact());
            assertEquals(0, LibC.ioctl(callState, fd, MsrStructs.X86_IOC_MSR_BATCH, batch.array));
            assertEquals(MsrStructs.X86_IOC_MSR_BATCH, (long) lastRequest.invokeExact());
            assertEquals(register(0, 0xE7), batch.data(0));
            assertEquals(2, (int) calls.invokeExact());
        } finally {
            LibC.close(callState, fd);
        }
    }

    @Test
    void noOpsIsEinvalAndTooManyIsE2big() throws Throwable {
        BatchBuffer batch = new BatchBuffer(arena, 1);
        batch.read(0, 0, 0xE7);
        MsrStructs.ARRAY_NUMOPS.set(batch.array, 0L, 0);
        assertEquals(-Errno.EINVAL.number(), batch.run(batchFile));
        MsrStructs.ARRAY_NUMOPS.set(batch.array, 0L, MsrStructs.MAX_OPS_PER_IOCTL + 1);
        assertEquals(-Errno.E2BIG.number(), batch.run(batchFile));
        assertEquals(2, (int) calls.invokeExact());
        assertEquals(0, (int) executed.invokeExact());
    }

    @Test
    void aWriteOnlyBatchDescriptorIsEbadf() throws Throwable {
        BatchBuffer batch = new BatchBuffer(arena, 1);
        batch.read(0, 0, 0xE7);
        try (BatchDevice writeOnly = files.openBatch(OpenFlags.O_WRONLY)) {
            assertEquals(-Errno.EBADF.number(), writeOnly.batch(batch.array, batch.ops));
        }
        assertEquals(1, (int) calls.invokeExact());
    }

    @Test
    void opsThatDoNotMatchTheArrayNeverReachTheDouble() throws Throwable {
        BatchBuffer batch = new BatchBuffer(arena, 2);
        batch.read(0, 0, 0xE7);
        batch.read(1, 0, 0xE7);
        MemorySegment firstOpOnly = batch.ops.asSlice(0, MsrStructs.OP_SIZE);
        assertEquals(-Errno.EFAULT.number(), batchFile.batch(batch.array, firstOpOnly));
        MemorySegment elsewhere = arena.allocate(MsrStructs.BATCH_OP, 2);
        assertEquals(-Errno.EFAULT.number(), batchFile.batch(batch.array, elsewhere));
        assertEquals(0, (int) calls.invokeExact());
    }

    @Test
    void aLargeBatchComesBackWhole() {
        int numops = 30_000;
        BatchBuffer batch = new BatchBuffer(arena, numops);
        for (int op = 0; op < numops; op++) {
            batch.read(op, new int[] {0, 1, 3}[op % 3], op % 2 == 0 ? 0xE7 : 0x199);
        }
        assertEquals(0, batch.run(batchFile));
        assertArrayEquals(new int[numops], batch.errs());
        assertEquals(register(3, 0x199), batch.data(numops - 1));
    }

    // ---- the double as msr-safe 2.x, and what the native layer lets through

    @Test
    void a2xVersionWordNeedsRoomFor88ByteOpsBeforeTheKernelIsCalled() throws Throwable {
        // 2 ops of 32 bytes are 64 bytes; with a 2.x version a module reads 176
        BatchBuffer batch = new BatchBuffer(arena, 2);
        batch.read(0, 0, 0xE7).read(1, 0, 0xE7).version(0x0002_0004);
        assertEquals(-Errno.EFAULT.number(), batch.run(batchFile));
        assertEquals(0, (int) calls.invokeExact(), "the kernel never saw it");
        // with room for two 88-byte ops it goes through, and 1.8 misreads them as 32-byte ops:
        // the first's register number from poll_max (0, not listed), the second's CPU from
        // the low bits of msrdata2 (0x5A5A, no such CPU), the last error
        BatchBuffer v2 = new BatchBuffer(arena, io.github.msrsafe.internal.abi.BatchAbi.V2, 2);
        v2.read(0, 0, 0xE7).read(1, 0, 0xE7);
        assertEquals(-ENXIO, v2.run(batchFile));
        assertEquals(-EACCES, (int) MsrStructs.OP_ERR.get(v2.ops, 0L, 0L));
        assertEquals(0, (int) executed.invokeExact());
        assertEquals(1, (int) calls.invokeExact());
    }

    @Test
    void asTwoXTheDoubleRuns88ByteOpsAndRefusesOtherMajors() throws Throwable {
        setModuleVersion.invokeExact(0x0002_0004);
        BatchBuffer batch = new BatchBuffer(arena, io.github.msrsafe.internal.abi.BatchAbi.V2, 3);
        batch.read(0, 0, 0xE7)
                .raw(1, 3, 0x611, MsrStructs.OP_FLAG_POLL | MsrStructs.OP_FLAG_TSC | MsrStructs.OP_FLAG_APERF, 0)
                .pollMax(1, 10)
                .write(2, 1, 0x199, 0xFFFF_0000_0000_4242L);
        long before199 = register(1, 0x199);
        long ticking = register(3, 0x611);
        assertEquals(0, batch.run(batchFile));
        assertArrayEquals(new int[] {0, 0, 0}, batch.errs());
        assertEquals(register(0, 0xE7), batch.data(0));
        assertEquals(ticking, batch.data(1), "the poll's first read");
        assertEquals(ticking + 1, batch.get(MsrStructs.OP2_MSRDATA2, 1), "the counter moved on the next read");
        assertEquals(9, batch.get(MsrStructs.OP2_POLL_MAX, 1), "one attempt used");
        assertEquals(register(3, 0x10), batch.get(MsrStructs.OP2_TSC, 1));
        assertEquals(DOUBLE_INITIAL(3, 0xE8), batch.get(MsrStructs.OP2_APERF, 1), "0xE8 is not listed, and read anyway");
        assertEquals(BatchBuffer.UNTOUCHED, batch.get(MsrStructs.OP2_MPERF, 1));
        assertEquals(0x4242L | (before199 & ~0xFFFFL), register(1, 0x199));
        assertEquals(0xFFFF_0000_0000_4242L, batch.data(2), "msrdata keeps the caller's value");

        for (int version : new int[] {0, V1_8_0, 0x0003_0000}) {
            BatchBuffer refused = new BatchBuffer(arena, io.github.msrsafe.internal.abi.BatchAbi.V2, 1);
            refused.read(0, 0, 0xE7).version(version);
            assertEquals(-Errno.ENOPROTOOPT.number(), refused.run(batchFile),
                    "ENOPROTOOPT for 0x" + Integer.toHexString(version));
            assertEquals(BatchBuffer.ERR_UNTOUCHED, refused.err(0));
        }
        BatchBuffer empty = new BatchBuffer(arena, io.github.msrsafe.internal.abi.BatchAbi.V2, 0);
        assertEquals(-Errno.EINVAL.number(), empty.version(0).run(batchFile), "numops 0 before the version");
    }

    private static long DOUBLE_INITIAL(int cpu, int msr) {
        return ((long) (cpu + 1) << 56) | ((long) msr << 24) | 0x5A5AL;
    }

    private static long register(int cpu, int msr) {
        try {
            return (long) register.invokeExact(cpu, msr);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
