package io.github.msrsafe;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.internal.nativeio.NativeTestSupport;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public API over the real native path: per-CPU pread/pwrite on sparse
 * files standing in for /dev/cpu/N/msr_safe, and MsrBatch through the C test
 * double that LibC's own ioctl handle is bound to in the ioctl-double run
 * (src/test/c/ioctl_double.c: CPUs 0..3, CPU 2 offline; allowlist 0x10 mask 0,
 * 0xE7 all ones, 0x199 0xFFFF, 0x620 faults).
 */
class MsrSafeOnNativeTest {

    @TempDir
    Path root;

    private void msrSafeTree(int... cpus) throws Exception {
        for (int cpu : cpus) {
            NativeTestSupport.sparseNode(root, cpu, "msr_safe");
        }
        Files.createFile(root.resolve("msr_batch"));
        Files.write(root.resolve("msr_safe_version"), "1.8.0\0".getBytes(StandardCharsets.US_ASCII));
    }

    // An allowlist node that never ends (here /dev/zero; a root that is not the module's) used to
    // be read into the heap until it ran out; the read stops past what the module can hold.
    @Test
    void anAllowlistThatNeverEndsIsRefusedNotReadForever() throws Exception {
        msrSafeTree(0);
        Files.createSymbolicLink(root.resolve("msr_allowlist"), Path.of("/dev/zero"));
        try (MsrSafe msr = MsrSafe.open(root)) {
            MsrSafeException refused = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(MsrSafeException.class, msr::allowlist));
            assertTrue(refused.getMessage().contains("cannot parse"), refused.getMessage());
        }
    }

    // A FIFO where the version, allowlist or batch node should be used to block open() until a
    // writer came: every command hung on such a root.
    @Test
    void nodesThatAreFifosDoNotHangTheHandle() throws Exception {
        NativeTestSupport.sparseNode(root, 0, "msr_safe");
        for (String node : new String[] {"msr_safe_version", "msr_allowlist", "msr_batch"}) {
            Process mkfifo = new ProcessBuilder("mkfifo", root.resolve(node).toString()).start();
            assertEquals(0, mkfifo.waitFor(), "mkfifo " + node);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            MsrSafeException refused = assertThrows(MsrSafeException.class, () -> MsrSafe.open(root).close());
            assertTrue(refused.getMessage().contains("msr_safe_version"), refused.getMessage());
        });
        Files.delete(root.resolve("msr_safe_version"));
        try (MsrSafe msr = MsrSafe.open(root)) {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                assertEquals(Allowlist.EMPTY, msr.allowlist(), "a FIFO without a writer reads as an empty list");
                try (MsrBatch batch = msr.newBatch()) { // a FIFO does not take the ioctl: batches are emulated
                    batch.addRead(0, 0x10);
                    assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
                    assertTrue(msr.batchEmulated());
                }
            });
        }
    }

    @Test
    void perCpuReadsAndWritesHitTheFileAtTheMsrOffset() throws Exception {
        msrSafeTree(0, 1);
        Path cpu1 = root.resolve("1").resolve("msr_safe");
        NativeTestSupport.poke(cpu1, 0xE7, 0x0123_4567_89AB_CDEFL);
        try (MsrSafe msr = MsrSafe.open(root)) {
            assertEquals(Driver.MSR_SAFE, msr.driver());
            assertEquals(List.of(0, 1), msr.cpus());
            assertEquals(new ModuleVersion(1, 8, 0), msr.moduleVersion().orElseThrow());
            assertEquals(0x0123_4567_89AB_CDEFL, msr.read(1, 0xE7));
            msr.write(1, 0xFFFF_FFF8L, -2L); // the highest reachable 8-byte slot
            assertEquals(-2L, NativeTestSupport.peek(cpu1, 0xFFFF_FFF8L));
            assertThrows(IllegalArgumentException.class, () -> msr.read(1, 0x1_0000_0000L));
            CpuUnavailableException missing = assertThrows(CpuUnavailableException.class, () -> msr.read(5, 0x10));
            assertTrue(missing.getMessage().contains("online CPUs: 0-1"), missing.getMessage());
        }
    }

    @Test
    void stockMsrDriverServesTheSameApiWithBatchesAsPerCpuCalls() throws Exception {
        for (int cpu : new int[] {0, 1}) {
            NativeTestSupport.poke(NativeTestSupport.sparseNode(root, cpu, "msr"), 0x10, 100 + cpu);
        }
        try (MsrSafe msr = MsrSafe.open(root); MsrBatch batch = msr.newBatch()) {
            assertEquals(Driver.STOCK_MSR, msr.driver());
            assertTrue(msr.moduleVersion().isEmpty());
            batch.addRead(0, 0x10);
            batch.addRead(1, 0x10);
            batch.addWrite(1, 0xE7, 7);
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            assertEquals(100, batch.value(0));
            assertEquals(101, batch.value(1));
            assertEquals(7, NativeTestSupport.peek(root.resolve("1").resolve("msr"), 0xE7));
        }
    }

    @Test
    void neitherDriverIsAClearErrorSayingWhatToDo() throws Exception {
        DeviceNotFoundException e = assertThrows(DeviceNotFoundException.class, () -> MsrSafe.open(root));
        assertTrue(e.getMessage().contains("msr_safe") && e.getMessage().contains("msr"), e.getMessage());
        // Names that look like neither driver's nodes do not count.
        Files.createDirectories(root.resolve("cpufreq"));
        Files.createFile(root.resolve("cpufreq/msr"));
        Files.createDirectories(root.resolve("007"));
        Files.createFile(root.resolve("007/msr_safe"));
        Files.createDirectories(root.resolve("3"));
        DeviceNotFoundException missing = assertThrows(DeviceNotFoundException.class, () -> MsrSafe.open(root));
        assertEquals(Optional.of(Errno.ENOENT), missing.errno());
        assertEquals(root.toString(), missing.device());
        String message = missing.getMessage();
        assertTrue(message.contains("neither msr_safe"), message);
        assertTrue(message.contains("under " + root), message);
        assertTrue(message.contains("insmod msr-safe.ko"), message);
        assertTrue(message.contains("modprobe msr"), message);
        assertTrue(message.contains("simulated device"), message);
    }

    @Test
    void aMissingRootOrAFileIsDeviceNotFound() throws Exception {
        Path nowhere = root.resolve("no-such-dir");
        DeviceNotFoundException missing = assertThrows(DeviceNotFoundException.class, () -> MsrSafe.open(nowhere));
        assertTrue(missing.getMessage().contains(nowhere + " does not exist or is not a directory"), missing.getMessage());
        Path file = Files.createFile(root.resolve("plain"));
        DeviceNotFoundException notADirectory = assertThrows(DeviceNotFoundException.class, () -> MsrSafe.open(file));
        assertEquals(Optional.of(Errno.ENOTDIR), notADirectory.errno());
        assertTrue(notADirectory.getMessage().contains(file + " is a file, not a directory"), notADirectory.getMessage());
    }

    @Test
    void aCpuThatCameOnlineAfterTheHandleOpenedIsAskedOfTheDevice() throws Exception {
        msrSafeTree(0, 1);
        try (MsrSafe msr = MsrSafe.open(root)) {
            assertEquals(List.of(0, 1), msr.cpus());
            CpuUnavailableException offline = assertThrows(CpuUnavailableException.class, () -> msr.read(5, 0x10));
            assertEquals(Optional.of(Errno.ENOENT), offline.errno());
            NativeTestSupport.poke(NativeTestSupport.sparseNode(root, 5, "msr_safe"), 0x10, 55);
            assertEquals(55, msr.read(5, 0x10), "CPU 5 came online: the device answers");
            msr.write(5, 0x18, 56);
            assertEquals(56, NativeTestSupport.peek(root.resolve("5/msr_safe"), 0x18));
            assertEquals(List.of(0, 1), msr.cpus(), "cpus() stays what was online at open");
            assertThrows(IllegalArgumentException.class, () -> msr.read(65536, 0x10));
        }
    }

    @Test
    @Tag(NativeTestSupport.IOCTL_DOUBLE)
    @SuppressWarnings("restricted")
    void batchesGoThroughTheIoctlWithTheModulesVersion() throws Throwable {
        Path library = NativeTestSupport.ioctlDouble();
        msrSafeTree(0, 1, 3);
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup ioctlDouble = SymbolLookup.libraryLookup(library, arena);
            MethodHandle reset = Linker.nativeLinker().downcallHandle(
                    ioctlDouble.find("msrsafe_double_reset").orElseThrow(), FunctionDescriptor.ofVoid());
            MethodHandle lastVersion = Linker.nativeLinker().downcallHandle(
                    ioctlDouble.find("msrsafe_double_last_version").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
            reset.invokeExact();
            // The public entry point: the production path, down to LibC's constant ioctl handle.
            try (MsrSafe msr = MsrSafe.open(root); MsrBatch batch = msr.newBatch()) {
                assertFalse(msr.batchEmulated(), "the double answers the batch ioctl");
                batch.addWrite(1, 0x199, 0xFFFF_FFFF_FFFF_1234L);
                batch.addRead(1, 0x199);
                batch.addRead(3, 0xE7);
                assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
                assertEquals(0x1234L, batch.value(1) & 0xFFFF);
                assertEquals(0xFFFFL, batch.writeMask(0));
                assertEquals(0x0001_0800, (int) lastVersion.invokeExact());

                batch.clear();
                batch.addWrite(0, 0xE7, 1);      // valid: must not run
                batch.addRead(2, 0x10);          // CPU 2 offline in the double
                batch.addWrite(0, 0x10, 1);      // mask 0
                assertEquals(BatchOutcome.REJECTED, batch.execute());
                assertFalse(batch.status(0).ran());
                assertEquals(Optional.of(Errno.ENXIO), batch.error(1));
                assertEquals(Optional.of(Errno.EROFS), batch.error(2));

                batch.clear();
                batch.addRead(0, 0x620);         // faults on rdmsr
                batch.addRead(0, 0xE7);
                assertEquals(BatchOutcome.OPS_FAILED, batch.execute());
                assertEquals(Optional.of(Errno.EIO), batch.error(0));
                assertEquals(BatchOp.Status.SUCCEEDED, batch.status(1));
                MsrFaultException fault = assertThrows(MsrFaultException.class, batch::throwIfFailed);
                assertTrue(fault.getMessage().contains("MSR 0x620"), fault.getMessage());
            }
        }
    }
}
