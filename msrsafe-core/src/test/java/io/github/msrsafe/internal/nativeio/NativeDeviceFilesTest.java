package io.github.msrsafe.internal.nativeio;

import static io.github.msrsafe.internal.nativeio.NativeTestSupport.peek;
import static io.github.msrsafe.internal.nativeio.NativeTestSupport.poke;
import static io.github.msrsafe.internal.nativeio.NativeTestSupport.sparseNode;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.Driver;
import io.github.msrsafe.Errno;
import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.ErrnoException;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.internal.sys.OpenFlags;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-CPU path for real: NativeDeviceFiles over a temporary root whose
 * per-CPU "device files" are sparse regular files, so every pread and pwrite is
 * a real system call at offset = MSR address.
 */
class NativeDeviceFilesTest {

    private static final int ENOENT = Errno.ENOENT.number();
    private static final int EBADF = Errno.EBADF.number();
    private static final int EFAULT = Errno.EFAULT.number();
    private static final int ENOTTY = Errno.ENOTTY.number();

    @TempDir
    Path root;

    // ---- driver detection and node paths

    @Test
    void detectsMsrSafeFromItsPerCpuNodes() throws Exception {
        sparseNode(root, 0, "msr_safe");
        sparseNode(root, 1, "msr_safe");
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root)) {
            assertEquals(Driver.MSR_SAFE, files.driver());
            assertEquals(root.toString(), files.root());
            assertEquals(root.resolve("1/msr_safe").toString(), files.path(DeviceNode.cpu(1)));
            assertEquals(root.resolve("msr_batch").toString(), files.path(DeviceNode.BATCH));
            assertEquals(root.resolve("msr_allowlist").toString(), files.path(DeviceNode.ALLOWLIST));
            assertEquals(root.resolve("msr_safe_version").toString(), files.path(DeviceNode.VERSION));
        }
    }

    @Test
    void detectsMsrSafeFromTheBatchNodeAlone() throws Exception {
        Files.createFile(root.resolve("msr_batch"));
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root)) {
            assertEquals(Driver.MSR_SAFE, files.driver());
        }
    }

    @Test
    void msrSafeWinsOverTheStockDriver() throws Exception {
        sparseNode(root, 0, "msr");
        sparseNode(root, 1, "msr");
        sparseNode(root, 1, "msr_safe");
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root)) {
            assertEquals(Driver.MSR_SAFE, files.driver());
        }
    }

    @Test
    void detectsTheStockDriver() throws Exception {
        sparseNode(root, 0, "msr");
        sparseNode(root, 2, "msr");
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root)) {
            assertEquals(Driver.STOCK_MSR, files.driver());
            assertEquals(root.resolve("2/msr").toString(), files.path(DeviceNode.cpu(2)));
            assertArrayEquals(new int[] {0, 2}, files.onlineCpus());
            // No version file, no allowlist, no batch device: ENOENT, the files' own answer.
            assertEquals(ENOENT, assertThrows(ErrnoException.class,
                    () -> files.open(DeviceNode.VERSION, OpenFlags.O_RDONLY)).errno());
            assertEquals(ENOENT, assertThrows(ErrnoException.class,
                    () -> files.open(DeviceNode.ALLOWLIST, OpenFlags.O_RDWR)).errno());
            assertEquals(ENOENT, assertThrows(ErrnoException.class,
                    () -> files.openBatch(OpenFlags.O_RDONLY)).errno());
        }
    }

    @Test
    void noDriverIsEnoent() throws Exception {
        // Names that look like neither driver's nodes do not count.
        Files.createDirectories(root.resolve("cpufreq"));
        Files.createFile(root.resolve("cpufreq/msr"));
        Files.createDirectories(root.resolve("007"));
        Files.createFile(root.resolve("007/msr_safe"));
        Files.createDirectories(root.resolve("3"));
        ErrnoException missing = assertThrows(ErrnoException.class, () -> NativeDeviceFiles.open(root));
        assertEquals(ENOENT, missing.errno());
    }

    @Test
    void aMissingRootIsEnoentAndAFileIsEnotdir() throws Exception {
        assertEquals(ENOENT, assertThrows(ErrnoException.class,
                () -> NativeDeviceFiles.open(root.resolve("no-such-dir"))).errno());
        Path file = Files.createFile(root.resolve("plain"));
        assertEquals(Errno.ENOTDIR.number(), assertThrows(ErrnoException.class,
                () -> NativeDeviceFiles.open(file)).errno());
    }

    // ---- online CPUs

    @Test
    void onlineCpusAreTheNumberedDirectoriesWithANode() throws Exception {
        for (int cpu : new int[] {10, 0, 3, 1}) {
            sparseNode(root, cpu, "msr_safe");
        }
        Files.createDirectories(root.resolve("2"));          // CPU 2 went offline: no node
        Files.createDirectories(root.resolve("microcode"));
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root)) {
            assertArrayEquals(new int[] {0, 1, 3, 10}, files.onlineCpus());
            Files.delete(root.resolve("3/msr_safe"));        // and now CPU 3
            assertArrayEquals(new int[] {0, 1, 10}, files.onlineCpus());
        }
    }

    @Test
    void onlineCpusIntersectTheKernelsOnlineListWithTheNodes() throws Exception {
        for (int cpu = 0; cpu <= 5; cpu++) {
            sparseNode(root, cpu, "msr_safe");
        }
        Path online = Files.writeString(root.resolve("online"), "0-1,3,5-7\n");
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root, online)) {
            assertArrayEquals(new int[] {0, 1, 3, 5}, files.onlineCpus());
        }
        Path unreadable = root.resolve("no-online-list");
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root, unreadable)) {
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, files.onlineCpus());
        }
    }

    // ---- pread / pwrite at offset = MSR address

    @Test
    void preadReturnsTheLittleEndianValueAtTheMsrAddress() throws Exception {
        Path cpu0 = sparseNode(root, 0, "msr_safe");
        Path cpu1 = sparseNode(root, 1, "msr_safe");
        long[] msrs = {0x0, 0x10, 0x199, 0x610, 0xC0010299L, 0xFFFF_FFF8L};
        for (long msr : msrs) {
            poke(cpu0, msr, 0x0102_0304_0506_0708L ^ msr);
            poke(cpu1, msr, ~msr);
        }
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root);
             OpenFile file0 = files.open(DeviceNode.cpu(0), OpenFlags.O_RDONLY);
             OpenFile file1 = files.open(DeviceNode.cpu(1), OpenFlags.O_RDONLY);
             Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            for (long msr : msrs) {
                assertEquals(8, file0.pread(value, 8, msr));
                assertEquals(0x0102_0304_0506_0708L ^ msr, value.get(JAVA_LONG, 0), "CPU 0 MSR " + msr);
                assertEquals(8, file1.pread(value, 8, msr));
                assertEquals(~msr, value.get(JAVA_LONG, 0), "CPU 1 MSR " + msr);
            }
        }
    }

    @Test
    void pwriteThenPreadRoundTripsAtRandomAddresses() throws Exception {
        Path node = sparseNode(root, 0, "msr_safe");
        Random random = new Random(20260101);
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root);
             OpenFile file = files.open(DeviceNode.cpu(0), OpenFlags.O_RDWR);
             Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            MemorySegment in = arena.allocate(JAVA_LONG);
            for (int i = 0; i < 200; i++) {
                long msr = random.nextLong(0x1_0000_0000L - 8) & ~7L;
                long value = random.nextLong();
                out.set(JAVA_LONG, 0, value);
                assertEquals(8, file.pwrite(out, 8, msr));
                assertEquals(value, peek(node, msr), "file bytes at MSR " + Long.toHexString(msr));
                assertEquals(8, file.pread(in, 8, msr));
                assertEquals(value, in.get(JAVA_LONG, 0));
            }
        }
    }

    @Test
    void heapBuffersWorkThroughTheScratch() throws Exception {
        Path node = sparseNode(root, 0, "msr_safe");
        poke(node, 0x199, 0x1122_3344_5566_7788L);
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root);
             OpenFile file = files.open(DeviceNode.cpu(0), OpenFlags.O_RDWR)) {
            long[] heap = new long[1];
            assertEquals(8, file.pread(MemorySegment.ofArray(heap), 8, 0x199));
            assertEquals(0x1122_3344_5566_7788L, heap[0]);
            assertEquals(8, file.pwrite(MemorySegment.ofArray(new long[] {-2L}), 8, 0x200));
            assertEquals(-2L, peek(node, 0x200));
            // A buffer larger than the initial scratch makes it grow.
            byte[] big = new byte[4096];
            assertEquals(4096, file.pread(MemorySegment.ofArray(big), 4096, 0));
            assertEquals((byte) 0x88, big[0x199]);
            assertEquals((byte) 0x11, big[0x1A0]);
            assertEquals((byte) 0xFE, big[0x200]);
        }
    }

    @Test
    void readAndWriteUseTheFilePosition() throws Exception {
        Path node = sparseNode(root, 0, "msr_safe");
        poke(node, 0, 42);
        poke(node, 8, 43);
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root);
             OpenFile file = files.open(DeviceNode.cpu(0), OpenFlags.O_RDWR);
             Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            assertEquals(8, file.read(value, 8));
            assertEquals(42, value.get(JAVA_LONG, 0));
            assertEquals(8, file.read(value, 8), "a regular file advances its position");
            assertEquals(43, value.get(JAVA_LONG, 0));
            value.set(JAVA_LONG, 0, 44);
            assertEquals(8, file.write(value, 8));
            assertEquals(44, peek(node, 16));
        }
    }

    @Test
    void readsTheVersionFile() throws Exception {
        sparseNode(root, 0, "msr_safe");
        Files.write(root.resolve("msr_safe_version"), "1.8.0\0".getBytes(StandardCharsets.US_ASCII));
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root);
             OpenFile version = files.open(DeviceNode.VERSION, OpenFlags.O_RDONLY);
             Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(64);
            assertEquals(6, version.read(buffer, 64));
            assertEquals("1.8.0", buffer.getString(0));
            assertEquals(0, version.read(buffer, 64));
        }
    }

    // ---- failures come back as -errno

    @Test
    void openingAMissingNodeIsEnoent() throws Exception {
        sparseNode(root, 0, "msr_safe");
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root)) {
            ErrnoException missing = assertThrows(ErrnoException.class,
                    () -> files.open(DeviceNode.cpu(7), OpenFlags.O_RDONLY));
            assertEquals(ENOENT, missing.errno());
            assertTrue(missing.getMessage().contains(root.resolve("7/msr_safe").toString()), missing.getMessage());
            assertEquals(ENOENT, assertThrows(ErrnoException.class,
                    () -> files.open(DeviceNode.ALLOWLIST, OpenFlags.O_RDWR)).errno());
        }
    }

    @Test
    void pwriteOnAReadOnlyDescriptorIsEbadf() throws Exception {
        Path node = sparseNode(root, 0, "msr_safe");
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root);
             OpenFile file = files.open(DeviceNode.cpu(0), OpenFlags.O_RDONLY);
             Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            value.set(JAVA_LONG, 0, 7);
            assertEquals(-EBADF, file.pwrite(value, 8, 0x199));
            assertEquals(-EBADF, file.write(value, 8));
            assertEquals(0, peek(node, 0x199));
        }
    }

    @Test
    void theBatchIoctlOnAPlainFileIsTheKernelsEnotty() throws Exception {
        sparseNode(root, 0, "msr_safe");
        Files.createFile(root.resolve("msr_batch"));
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root);
             BatchDevice batch = files.openBatch(OpenFlags.O_RDONLY);
             Arena arena = Arena.ofConfined()) {
            MemorySegment array = arena.allocate(MsrStructs.BATCH_ARRAY);
            // An empty batch reaches the kernel (the module would answer EINVAL); a regular file
            // knows no such request: the kernel's answer, through the variadic ioctl.
            assertEquals(-ENOTTY, batch.batch(array, null));
            // Ops that are not where the array says never reach the kernel.
            MsrStructs.ARRAY_NUMOPS.set(array, 0L, 1);
            assertEquals(-EFAULT, batch.batch(array, arena.allocate(MsrStructs.BATCH_OP)));
        }
    }

    @Test
    void theBatchNodeIsOpenedByItsOwnCall() throws Exception {
        sparseNode(root, 0, "msr_safe");
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root)) {
            assertThrows(IllegalArgumentException.class, () -> files.open(DeviceNode.BATCH, OpenFlags.O_RDONLY));
            assertEquals(ENOENT, assertThrows(ErrnoException.class, () -> files.openBatch(OpenFlags.O_RDONLY)).errno());
        }
    }

    @Test
    void buffersTooShortOrReadOnlyAreRefusedBeforeTheCall() throws Exception {
        sparseNode(root, 0, "msr_safe");
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root);
             OpenFile file = files.open(DeviceNode.cpu(0), OpenFlags.O_RDWR);
             Arena arena = Arena.ofConfined()) {
            MemorySegment four = arena.allocate(4);
            assertEquals(-EFAULT, file.pread(four, 8, 0));
            assertEquals(-EFAULT, file.pwrite(four, 8, 0));
            assertEquals(-EFAULT, file.read(four, 8));
            assertEquals(-EFAULT, file.write(four, 8));
            assertEquals(-EFAULT, file.pread(arena.allocate(8).asReadOnly(), 8, 0));
            assertEquals(-EFAULT, file.pread(four, -1, 0));
        }
    }

    @Test
    void closeIsIdempotentAndLaterCallsAreEbadf() throws Exception {
        sparseNode(root, 0, "msr_safe");
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root);
             Arena arena = Arena.ofConfined()) {
            OpenFile file = files.open(DeviceNode.cpu(0), OpenFlags.O_RDWR);
            MemorySegment value = arena.allocate(JAVA_LONG);
            assertEquals(8, file.pread(value, 8, 0));
            file.close();
            file.close();
            assertEquals(-EBADF, file.pread(value, 8, 0));
            assertEquals(-EBADF, file.pwrite(value, 8, 0));
            assertEquals(-EBADF, file.read(value, 8));
            assertEquals(-EBADF, file.write(value, 8));
        }
    }

    @Test
    void closingTheTreeClosesItsFiles() throws Exception {
        sparseNode(root, 0, "msr_safe");
        NativeDeviceFiles files = NativeDeviceFiles.open(root);
        OpenFile file = files.open(DeviceNode.cpu(0), OpenFlags.O_RDONLY);
        files.close();
        files.close();
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(-EBADF, file.pread(arena.allocate(8), 8, 0));
        }
        file.close();
        assertThrows(IllegalStateException.class, () -> files.open(DeviceNode.cpu(0), OpenFlags.O_RDONLY));
    }

    @Test
    void aFailureIsTheErrnoNegatedNeverMinusOne() throws Exception {
        sparseNode(root, 0, "msr_safe");
        try (NativeDeviceFiles files = NativeDeviceFiles.open(root);
             OpenFile file = files.open(DeviceNode.cpu(0), OpenFlags.O_RDONLY);
             Arena arena = Arena.ofConfined()) {
            // Errors the kernel reports for a regular file; each one exact.
            assertEquals(-Errno.EINVAL.number(), file.pread(arena.allocate(8), 8, -8));
            assertEquals(-Errno.EBADF.number(), file.write(arena.allocate(8), 8));
        }
    }
}
