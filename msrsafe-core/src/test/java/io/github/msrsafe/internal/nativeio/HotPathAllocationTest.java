package io.github.msrsafe.internal.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.msrsafe.AllocationMeter;
import io.github.msrsafe.BatchOutcome;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.Timestamp;
import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.internal.sys.OpenFlags;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Once warm, the per-CPU pread/pwrite and the batch ioctl (msr_safe through a
 * real downcall, and the per-CPU emulation) allocate nothing on the Java heap,
 * measured with the JVM's per-thread allocation counter ({@link AllocationMeter})
 * over rounds of calls.
 */
class HotPathAllocationTest {

    // Until C2 has compiled a path (and its escape analysis removed the JDK's own temporaries,
    // such as the segment the downcall binding makes per call) calls do allocate: AllocationMeter
    // believes an allocating round only once the JIT has settled.
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 2_000;
    private static final int ROUNDS = 5;

    @TempDir
    static Path root;

    @Test
    void preadAndPwriteOnANativeBuffer() throws Exception {
        NativeTestSupport.sparseNode(root, 0, "msr_safe");
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root);
             OpenFile file = files.open(DeviceNode.cpu(0), OpenFlags.O_RDWR);
             Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            AllocationMeter.Action call = () -> {
                value.set(JAVA_LONG, 0, value.get(JAVA_LONG, 0) + 1);
                check(file.pwrite(value, 8, 0x199) == 8 && file.pread(value, 8, 0x199) == 8);
            };
            assertEquals(0, allocatedWhileRunning(call), "bytes allocated by " + MEASURED + " pwrite+pread in the best round");
        }
    }

    @Test
    void preadIntoAHeapBuffer() throws Exception {
        NativeTestSupport.sparseNode(root, 1, "msr_safe");
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root);
             OpenFile file = files.open(DeviceNode.cpu(1), OpenFlags.O_RDONLY)) {
            MemorySegment heap = MemorySegment.ofArray(new long[1]);
            AllocationMeter.Action call = () -> check(file.pread(heap, 8, 0x10) == 8);
            assertEquals(0, allocatedWhileRunning(call), "bytes allocated by " + MEASURED + " heap preads in the best round");
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
            AllocationMeter.Action call = () -> check(batch.batch(array, ops) == 0);
            assertEquals(0, allocatedWhileRunning(call), "bytes allocated by " + MEASURED + " batch ioctls in the best round");
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
            AllocationMeter.Action call = () -> check(batch.execute() == BatchOutcome.SUCCEEDED);
            assertEquals(0, allocatedWhileRunning(call), "bytes allocated by " + MEASURED + " emulated batches in the best round");
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
            SymbolLookup lookup = SymbolLookup.libraryLookup(library, libraryArena);
            MethodHandle setVersion = Linker.nativeLinker().downcallHandle(
                    lookup.find("msrsafe_double_set_module_version").orElseThrow(),
                    FunctionDescriptor.ofVoid(JAVA_INT));
            setVersion.invokeExact(0x0002_0004);
            try (MsrSafe msr = MsrSafe.open(tree); MsrBatch batch = msr.newBatch()) {
                Set<Timestamp> tsc = EnumSet.of(Timestamp.TSC);
                int read = batch.addRead(0, 0xE7, tsc);
                batch.addWrite(1, 0x199, 0x42, tsc);
                batch.addPoll(1, 0x611, 4);
                long[] sink = new long[1];
                AllocationMeter.Action call = () -> {
                    check(batch.execute() == BatchOutcome.SUCCEEDED);
                    sink[0] += batch.value(read) + batch.timestamp(read, Timestamp.TSC);
                };
                assertEquals(0, allocatedWhileRunning(call), "bytes allocated by " + MEASURED + " 2.x batches in the best round");
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
            Set<Timestamp> stamps =
                    EnumSet.of(Timestamp.TSC, Timestamp.APERF);
            int read = batch.addRead(0, 0x199, stamps);
            batch.addWrite(1, 0x199, 7, stamps);
            int poll = batch.addPoll(1, 0x199, 3);
            long[] sink = new long[1];
            AllocationMeter.Action call = () -> {
                check(batch.execute() == BatchOutcome.SUCCEEDED);
                sink[0] += batch.value(read) + batch.timestamp(read, Timestamp.APERF) + batch.value(poll);
            };
            assertEquals(0, allocatedWhileRunning(call), "bytes allocated by " + MEASURED + " emulated 2.x batches in the best round");
        }
    }

    private static long allocatedWhileRunning(AllocationMeter.Action call) throws Exception {
        return AllocationMeter.fewestBytes(WARM_UP, MEASURED, ROUNDS, call);
    }

    private static void check(boolean succeeded) {
        if (!succeeded) {
            throw new AssertionError("call failed");
        }
    }
}
