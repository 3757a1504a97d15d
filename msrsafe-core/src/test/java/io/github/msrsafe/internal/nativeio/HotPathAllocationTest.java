package io.github.msrsafe.internal.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.msrsafe.BatchOutcome;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.internal.sys.OpenFlags;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Once warm, the per-CPU pread/pwrite and the batch ioctl (msr_safe through a
 * real downcall, and the per-CPU emulation) allocate nothing on the Java heap,
 * measured with the JVM's per-thread allocation counter over windows of
 * calls.
 */
class HotPathAllocationTest {

    // Until the JIT has compiled the path (and scalar-replaced the JDK's own
    // temporaries) calls do allocate; a window of MEASURED calls must reach
    // zero before the deadline (generous: the build machines are shared).
    private static final int MEASURED = 2_000;
    private static final long DEADLINE_NANOS = 30_000_000_000L;

    @TempDir
    static Path root;

    private static LongSupplier allocatedBytes;

    @BeforeAll
    static void allocationCounter() throws Exception {
        // com.sun.management through reflection: the module does not read java.management.
        Object threads;
        Method counter;
        try {
            threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            counter = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        } catch (ReflectiveOperationException | LinkageError unavailable) {
            Assumptions.abort("no per-thread allocation counter in this JVM: " + unavailable);
            return;
        }
        Object bean = threads;
        Method method = counter;
        allocatedBytes = () -> {
            try {
                return (long) method.invoke(bean);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        };
        allocatedBytes.getAsLong();
    }

    @Test
    void preadAndPwriteOnANativeBuffer() throws Exception {
        NativeTestSupport.sparseNode(root, 0, "msr_safe");
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root);
             OpenFile file = files.open(DeviceNode.cpu(0), OpenFlags.O_RDWR);
             Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            Runnable call = () -> {
                value.set(JAVA_LONG, 0, value.get(JAVA_LONG, 0) + 1);
                check(file.pwrite(value, 8, 0x199) == 8 && file.pread(value, 8, 0x199) == 8);
            };
            assertEquals(0, allocatedWhileRunning(call), "bytes allocated by " + MEASURED + " pwrite+pread");
        }
    }

    @Test
    void preadIntoAHeapBuffer() throws Exception {
        NativeTestSupport.sparseNode(root, 1, "msr_safe");
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root);
             OpenFile file = files.open(DeviceNode.cpu(1), OpenFlags.O_RDONLY)) {
            MemorySegment heap = MemorySegment.ofArray(new long[1]);
            Runnable call = () -> check(file.pread(heap, 8, 0x10) == 8);
            assertEquals(0, allocatedWhileRunning(call), "bytes allocated by " + MEASURED + " heap preads");
        }
    }

    @Test
    @Tag(NativeTestSupport.IOCTL_DOUBLE)
    void batchIoctlThroughTheDouble() throws Exception {
        NativeTestSupport.ioctlDouble(); // LibC's own ioctl handle is the double in this run
        Path tree = Files.createDirectories(root.resolve("batch"));
        Files.createFile(Files.createDirectories(tree.resolve("0")).resolve("msr_safe"));
        Files.createFile(tree.resolve("msr_batch"));
        try (NativeDeviceFiles files = NativeDeviceFiles.open(tree);
             BatchDevice batch = files.openBatch(OpenFlags.O_RDWR);
             Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(MsrStructs.BATCH_ARRAY);
            MemorySegment ops = arena.allocate(MsrStructs.BATCH_OP, 16);
            MsrStructs.ARRAY_NUMOPS.set(array, 0L, 16);
            MsrStructs.ARRAY_OPS.set(array, 0L, ops);
            for (long op = 0; op < 16; op++) {
                MsrStructs.OP_ISRDMSR.set(ops, 0L, op, (short) 1);
                MsrStructs.OP_MSR.set(ops, 0L, op, 0xE7);
            }
            Runnable call = () -> check(batch.batch(array, ops) == 0);
            assertEquals(0, allocatedWhileRunning(call), "bytes allocated by " + MEASURED + " batch ioctls");
        }
    }

    @Test
    void perCpuEmulatedBatch() throws Exception {
        Path tree = Files.createDirectories(root.resolve("stock"));
        NativeTestSupport.sparseNode(tree, 0, "msr");
        NativeTestSupport.sparseNode(tree, 1, "msr");
        try (MsrSafe msr = MsrSafe.open(tree); MsrBatch batch = msr.newBatch()) {
            for (int op = 0; op < 4; op++) {
                if (op < 2) {
                    batch.addRead(op % 2, 0x199);
                } else {
                    batch.addWrite(op % 2, 0x199, op);
                }
            }
            Runnable call = () -> {
                try {
                    check(batch.execute() == BatchOutcome.SUCCEEDED);
                } catch (MsrSafeException e) {
                    throw new AssertionError(e);
                }
            };
            assertEquals(0, allocatedWhileRunning(call), "bytes allocated by " + MEASURED + " emulated batches");
        }
    }

    @Test
    @Tag(NativeTestSupport.IOCTL_DOUBLE)
    @SuppressWarnings("restricted")
    void twoXBatchWithTimestampsAndAPollThroughTheDouble() throws Throwable {
        Path library = NativeTestSupport.ioctlDouble();
        Path tree = Files.createDirectories(root.resolve("two"));
        for (int cpu : new int[] {0, 1}) {
            NativeTestSupport.sparseNode(tree, cpu, "msr_safe");
        }
        Files.createFile(tree.resolve("msr_batch"));
        Files.writeString(tree.resolve("msr_safe_version"), "2.0.4\0");
        try (Arena libraryArena = Arena.ofConfined()) {
            java.lang.foreign.SymbolLookup lookup = java.lang.foreign.SymbolLookup.libraryLookup(library, libraryArena);
            java.lang.invoke.MethodHandle setVersion = java.lang.foreign.Linker.nativeLinker().downcallHandle(
                    lookup.find("msrsafe_double_set_module_version").orElseThrow(),
                    java.lang.foreign.FunctionDescriptor.ofVoid(java.lang.foreign.ValueLayout.JAVA_INT));
            setVersion.invokeExact(0x0002_0004);
            try (MsrSafe msr = MsrSafe.open(tree); MsrBatch batch = msr.newBatch()) {
                java.util.Set<io.github.msrsafe.Timestamp> tsc = java.util.EnumSet.of(io.github.msrsafe.Timestamp.TSC);
                int read = batch.addRead(0, 0xE7, tsc);
                batch.addWrite(1, 0x199, 0x42, tsc);
                batch.addPoll(1, 0x611, 4);
                long[] sink = new long[1];
                Runnable call = () -> {
                    try {
                        check(batch.execute() == BatchOutcome.SUCCEEDED);
                    } catch (MsrSafeException e) {
                        throw new AssertionError(e);
                    }
                    sink[0] += batch.value(read) + batch.timestamp(read, io.github.msrsafe.Timestamp.TSC);
                };
                assertEquals(0, allocatedWhileRunning(call), "bytes allocated by " + MEASURED + " 2.x batches");
            } finally {
                setVersion.invokeExact(0x0001_0800); // the other tests of this run expect 1.8
            }
        }
    }

    @Test
    void perCpuEmulatedTwoXBatchWithTimestampsAndAPoll() throws Exception {
        Path tree = Files.createDirectories(root.resolve("two-per-cpu"));
        NativeTestSupport.sparseNode(tree, 0, "msr_safe");
        NativeTestSupport.sparseNode(tree, 1, "msr_safe");
        Files.writeString(tree.resolve("msr_safe_version"), "2.0.4\0");  // and no msr_batch
        try (MsrSafe msr = MsrSafe.open(tree); MsrBatch batch = msr.newBatch()) {
            check(msr.batchEmulated());
            java.util.Set<io.github.msrsafe.Timestamp> stamps =
                    java.util.EnumSet.of(io.github.msrsafe.Timestamp.TSC, io.github.msrsafe.Timestamp.APERF);
            int read = batch.addRead(0, 0x199, stamps);
            batch.addWrite(1, 0x199, 7, stamps);
            int poll = batch.addPoll(1, 0x199, 3);
            long[] sink = new long[1];
            Runnable call = () -> {
                try {
                    check(batch.execute() == BatchOutcome.SUCCEEDED);
                } catch (MsrSafeException e) {
                    throw new AssertionError(e);
                }
                sink[0] += batch.value(read) + batch.timestamp(read, io.github.msrsafe.Timestamp.APERF) + batch.value(poll);
            };
            assertEquals(0, allocatedWhileRunning(call), "bytes allocated by " + MEASURED + " emulated 2.x batches");
        }
    }

    /** Bytes allocated by the first allocation-free window of calls, or by the last window tried. */
    private static long allocatedWhileRunning(Runnable call) {
        // The counter itself may allocate (reflection); measure that and take it off.
        long counterStart = allocatedBytes.getAsLong();
        long counterCost = allocatedBytes.getAsLong() - counterStart;
        long allocated = -1;
        long start = System.nanoTime();
        while (allocated != 0 && System.nanoTime() - start < DEADLINE_NANOS) {
            long before = allocatedBytes.getAsLong();
            for (int i = 0; i < MEASURED; i++) {
                call.run();
            }
            allocated = Math.max(0, allocatedBytes.getAsLong() - before - counterCost);
        }
        return allocated;
    }

    private static void check(boolean succeeded) {
        if (!succeeded) {
            throw new AssertionError("call failed");
        }
    }
}
