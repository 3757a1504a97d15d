package io.github.msrsafe;

import static io.github.msrsafe.internal.nativeio.NativeTestSupport.peek;
import static io.github.msrsafe.internal.nativeio.NativeTestSupport.poke;
import static io.github.msrsafe.internal.nativeio.NativeTestSupport.sparseNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.internal.abi.BatchBuffer;
import io.github.msrsafe.internal.abi.MsrStructs;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one emulation of the batch ioctl (PerCpuBatch), where there is no batch device: each
 * op a real pread or pwrite on sparse per-CPU files root/N/msr (CPUs 0, 1 and 3; no node for
 * CPU 2), through the handle's own per-CPU descriptors.
 */
class PerCpuBatchTest {

    private static final int ENXIO = Errno.ENXIO.number();
    private static final int EIO = Errno.EIO.number();

    @TempDir
    Path root;

    private MsrSafe msr;
    private Arena arena;

    @BeforeEach
    void stockTree() throws Exception {
        for (int cpu : new int[] {0, 1, 3}) {
            Path node = sparseNode(root, cpu, "msr");
            poke(node, 0xE7, 0xE7_0000L + cpu);
            poke(node, 0x199, 0x1990_0000L + cpu);
        }
        msr = MsrSafe.open(root);
        arena = Arena.ofConfined();
    }

    @AfterEach
    void close() {
        msr.close();
        arena.close();
    }

    /** One batch through the handle's batch device, holding a use of the handle as MsrBatch does. */
    private int run(MsrSafe handle, BatchBuffer batch) throws MsrSafeException {
        handle.enter();
        try {
            return batch.run(handle.batchDevice());
        } finally {
            handle.exit();
        }
    }

    @Test
    void theStockDriverHasNoBatchDevice() {
        assertEquals(Driver.STOCK_MSR, msr.driver());
        assertTrue(msr.batchEmulated());
        assertTrue(msr.moduleVersion().isEmpty());
    }

    @Test
    void eachOpRunsAsPreadOrPwriteAndAMissingCpuIsEnxio() throws Exception {
        BatchBuffer batch = new BatchBuffer(arena, 5);
        batch.read(0, 0, 0xE7);
        batch.write(1, 1, 0x199, 0x0123_4567_89AB_CDEFL);
        batch.read(2, 2, 0xE7);        // CPU 2 has no node
        batch.read(3, 3, 0x199);
        batch.read(4, 1, 0x199);       // sees the write of op 1
        assertEquals(-ENXIO, run(msr, batch));
        assertEquals(0, batch.err(0));
        assertEquals(0xE7_0000L, batch.data(0));
        assertEquals(0, batch.err(1));
        assertEquals(0x0123_4567_89AB_CDEFL, peek(root.resolve("1/msr"), 0x199));
        assertEquals(-ENXIO, batch.err(2));
        assertEquals(BatchBuffer.UNTOUCHED, batch.data(2));
        assertEquals(0, batch.err(3));
        assertEquals(0x1990_0003L, batch.data(3));
        assertEquals(0x0123_4567_89AB_CDEFL, batch.data(4));
        for (int op = 0; op < 5; op++) {
            assertEquals(-1L, batch.wmask(op), "no mask reported: every bit writable, op " + op);
        }
    }

    @Test
    void theFirstFailingOpsErrorIsReturned() throws Exception {
        // CPU 4's node ends before MSR 0xE7: its read transfers nothing, which is EIO.
        Files.write(Files.createDirectories(root.resolve("4")).resolve("msr"), new byte[4]);
        BatchBuffer batch = new BatchBuffer(arena, 4);
        batch.read(0, 0, 0xE7);
        batch.read(1, 4, 0xE7);        // EIO
        batch.read(2, 2, 0xE7);        // ENXIO, but later
        batch.write(3, 0, 0x199, 5);   // still runs: there is no validation pass
        assertEquals(-EIO, run(msr, batch));
        assertEquals(0, batch.err(0));
        assertEquals(-EIO, batch.err(1));
        assertEquals(-ENXIO, batch.err(2));
        assertEquals(0, batch.err(3));
        assertEquals(5, peek(root.resolve("0/msr"), 0x199));
    }

    @Test
    void theModulesEarlyChecksAreKept() throws Exception {
        BatchBuffer batch = new BatchBuffer(arena, 1);
        batch.read(0, 0, 0xE7);
        MsrStructs.ARRAY_NUMOPS.set(batch.array, 0L, 0);
        assertEquals(-Errno.EINVAL.number(), run(msr, batch));
        MsrStructs.ARRAY_NUMOPS.set(batch.array, 0L, MsrStructs.MAX_OPS_PER_IOCTL + 1);
        assertEquals(-Errno.E2BIG.number(), run(msr, batch));
        MsrStructs.ARRAY_NUMOPS.set(batch.array, 0L, 2);   // more ops than the segment holds
        assertEquals(-Errno.EFAULT.number(), run(msr, batch));
        assertEquals(BatchBuffer.UNTOUCHED, batch.data(0));
    }

    @Test
    void perCpuDescriptorsAreTheHandlesOpenedOnceAndClosedWithIt() throws Exception {
        BatchBuffer batch = new BatchBuffer(arena, 2);
        batch.read(0, 0, 0xE7);
        batch.read(1, 3, 0xE7);
        assertEquals(0, run(msr, batch));
        assertEquals(2, descriptorsUnder(root));
        msr.read(0, 0xE7);
        assertEquals(2, descriptorsUnder(root), "single reads share the batch's descriptors");
        // The cached descriptor still reaches the file after its name is gone...
        Files.delete(root.resolve("3/msr"));
        assertEquals(0, run(msr, batch));
        assertEquals(0xE7_0003L, batch.data(1));
        msr.close();
        msr.close();
        assertTrue(msr.isReleased());
        assertEquals(0, descriptorsUnder(root));
        assertThrows(IllegalStateException.class, () -> run(msr, batch));
        // ...while a new handle has to open it again, and finds CPU 3 gone.
        try (MsrSafe again = MsrSafe.open(root)) {
            assertEquals(-ENXIO, run(again, batch));
            assertEquals(0, batch.err(0));
            assertEquals(-ENXIO, batch.err(1));
        }
    }

    @Test
    void msrSafeNodesWithoutABatchDeviceRunBatchesPerCpu() throws Exception {
        Path safe = Files.createDirectories(root.resolve("safe"));
        poke(sparseNode(safe, 0, "msr_safe"), 0x10, 77);
        sparseNode(safe, 1, "msr_safe");
        try (MsrSafe handle = MsrSafe.open(safe); MsrBatch batch = handle.newBatch()) {
            assertEquals(Driver.MSR_SAFE, handle.driver());
            assertTrue(handle.batchEmulated(), "no msr_batch");
            batch.addRead(0, 0x10);
            batch.addWrite(1, 0x10, 78);
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            assertEquals(77, batch.value(0));
            assertEquals(78, peek(safe.resolve("1/msr_safe"), 0x10));
            batch.clear();
            batch.addRead(5, 0x10);   // no node: ENXIO, but the batch is not REJECTED, nothing else was held back
            batch.addRead(0, 0x10);
            assertEquals(BatchOutcome.OPS_FAILED, batch.execute());
            assertTrue(batch.status(0).ran() && batch.status(1).ran());
            assertEquals(Optional.of(Errno.ENXIO), batch.error(0));
            assertEquals(77, batch.value(1));
        }
    }

    @Test
    void aBatchNodeThatDoesNotAnswerTheIoctlIsEmulatedToo() throws Exception {
        Path plain = Files.createDirectories(root.resolve("plain"));
        poke(sparseNode(plain, 0, "msr_safe"), 0x10, 99);
        Files.createFile(plain.resolve("msr_batch")); // a regular file: ENOTTY
        try (MsrSafe handle = MsrSafe.open(plain); MsrBatch batch = handle.newBatch()) {
            assertTrue(handle.batchEmulated());
            batch.addRead(0, 0x10);
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            assertEquals(99, batch.value(0));
        }
        assertEquals(0, descriptorsUnder(plain), "the probed msr_batch is closed again");
    }

    @Test
    void theSimulatedModuleAnswersTheIoctl() throws Exception {
        try (MsrSafe handle = SimulatedDevice.standard().open()) {
            assertFalse(handle.batchEmulated());
        }
    }

    // Open descriptors of this process on files under dir, as /proc/self/fd shows them.
    static long descriptorsUnder(Path dir) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith(dir.toString());
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }
}
