package io.github.msrsafe.internal.nativeio;

import static io.github.msrsafe.internal.nativeio.NativeTestSupport.peek;
import static io.github.msrsafe.internal.nativeio.NativeTestSupport.poke;
import static io.github.msrsafe.internal.nativeio.NativeTestSupport.sparseNode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.msrsafe.Driver;
import io.github.msrsafe.Errno;
import io.github.msrsafe.internal.abi.BatchBuffer;
import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.ErrnoException;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.internal.sys.OpenFlags;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stock msr driver's batch, emulated with one real pread/pwrite per op on
 * sparse per-CPU files root/N/msr (CPUs 0, 1 and 3; no node for CPU 2).
 */
class StockBatchFileTest {

    private static final int ENXIO = Errno.ENXIO.number();
    private static final int EBADF = Errno.EBADF.number();

    @TempDir
    Path root;

    private NativeDeviceFiles files;
    private Arena arena;

    @BeforeEach
    void stockTree() throws Exception {
        for (int cpu : new int[] {0, 1, 3}) {
            Path node = sparseNode(root, cpu, "msr");
            poke(node, 0xE7, 0xE7_0000L + cpu);
            poke(node, 0x199, 0x1990_0000L + cpu);
        }
        files = NativeDeviceFiles.open(root);
        arena = Arena.ofConfined();
    }

    @AfterEach
    void close() {
        files.close();
        arena.close();
    }

    @Test
    void theTreeIsStockWithoutVersionOrAllowlist() {
        assertEquals(Driver.STOCK_MSR, files.driver());
        assertEquals(Errno.ENOENT.number(), assertThrows(ErrnoException.class,
                () -> files.open(DeviceNode.VERSION, OpenFlags.O_RDONLY)).errno());
        assertEquals(Errno.ENOENT.number(), assertThrows(ErrnoException.class,
                () -> files.open(DeviceNode.ALLOWLIST, OpenFlags.O_RDWR)).errno());
    }

    @Test
    void eachOpRunsAsPreadOrPwriteAndAMissingCpuIsEnxio() throws Exception {
        BatchBuffer batch = new BatchBuffer(arena, 5);
        batch.read(0, 0, 0xE7);
        batch.write(1, 1, 0x199, 0x0123_4567_89AB_CDEFL);
        batch.read(2, 2, 0xE7);        // CPU 2 has no node
        batch.read(3, 3, 0x199);
        batch.read(4, 1, 0x199);       // sees the write of op 1
        try (OpenFile file = files.open(DeviceNode.BATCH, OpenFlags.O_RDWR)) {
            assertEquals(-ENXIO, batch.run(file));
        }
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
            assertEquals(-1L, batch.wmask(op), "no allowlist: every bit writable, op " + op);
        }
    }

    @Test
    void theFirstFailingOpsErrorIsReturned() throws Exception {
        BatchBuffer batch = new BatchBuffer(arena, 3);
        batch.read(0, 0, 0xE7);
        batch.write(1, 0, 0x199, 5);   // descriptors follow the batch's O_RDONLY: EBADF
        batch.read(2, 2, 0xE7);        // ENXIO, but later
        try (OpenFile file = files.open(DeviceNode.BATCH, OpenFlags.O_RDONLY)) {
            assertEquals(-EBADF, batch.run(file));
        }
        assertEquals(0, batch.err(0));
        assertEquals(-EBADF, batch.err(1));
        assertEquals(-ENXIO, batch.err(2));
        assertEquals(0x1990_0000L, peek(root.resolve("0/msr"), 0x199));
    }

    @Test
    void theModulesEarlyChecksAreKept() throws Exception {
        BatchBuffer batch = new BatchBuffer(arena, 1);
        batch.read(0, 0, 0xE7);
        try (OpenFile file = files.open(DeviceNode.BATCH, OpenFlags.O_RDWR);
             OpenFile writeOnly = files.open(DeviceNode.BATCH, OpenFlags.O_WRONLY)) {
            assertEquals(-Errno.ENOTTY.number(), file.ioctl(MsrStructs.X86_IOC_MSR_BATCH + 1, batch.array, batch.ops));
            assertEquals(-EBADF, batch.run(writeOnly));
            MsrStructs.ARRAY_NUMOPS.set(batch.array, 0L, 0);
            assertEquals(-Errno.EINVAL.number(), batch.run(file));
            MsrStructs.ARRAY_NUMOPS.set(batch.array, 0L, MsrStructs.MAX_OPS_PER_IOCTL + 1);
            assertEquals(-Errno.E2BIG.number(), batch.run(file));
            MsrStructs.ARRAY_NUMOPS.set(batch.array, 0L, 2);   // more ops than the segment holds
            assertEquals(-Errno.EFAULT.number(), batch.run(file));
            assertEquals(-Errno.EINVAL.number(), file.pread(arena.allocate(8), 8, 0xE7));
        }
        assertEquals(BatchBuffer.UNTOUCHED, batch.data(0));
    }

    @Test
    void perCpuDescriptorsAreOpenedOnceAndClosedWithTheBatch() throws Exception {
        BatchBuffer batch = new BatchBuffer(arena, 2);
        batch.read(0, 0, 0xE7);
        batch.read(1, 3, 0xE7);
        OpenFile file = files.open(DeviceNode.BATCH, OpenFlags.O_RDWR);
        assertEquals(0, batch.run(file));
        assertEquals(2, descriptorsUnder(root));
        // The cached descriptor still reaches the file after its name is gone...
        Files.delete(root.resolve("3/msr"));
        assertEquals(0, batch.run(file));
        assertEquals(0xE7_0003L, batch.data(1));
        file.close();
        file.close();
        assertEquals(0, descriptorsUnder(root));
        assertEquals(-EBADF, batch.run(file));
        // ...while a new batch file has to open it again, and finds CPU 3 gone.
        try (OpenFile again = files.open(DeviceNode.BATCH, OpenFlags.O_RDWR)) {
            assertEquals(-ENXIO, batch.run(again));
            assertEquals(0, batch.err(0));
            assertEquals(-ENXIO, batch.err(1));
        }
    }

    // Open descriptors of this process on files under dir, as /proc/self/fd shows them.
    private static long descriptorsUnder(Path dir) throws IOException {
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
