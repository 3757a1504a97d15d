package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.internal.sim.SimKernel;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.ErrnoException;
import io.github.msrsafe.internal.sys.ForwardingDeviceFiles;
import io.github.msrsafe.internal.sys.OpenFile;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The version word a batch carries, and what happens when the module refuses it: a
 * simulated module whose version file says one thing (or nothing) while its batch device
 * plays another, as after a module reload, or a module newer than this library.
 */
class BatchVersionTest {

    private static final long PERF_STATUS = 0x198;

    /** A device tree whose version file says {@code versionText} (null: there is none), recording each batch's version word. */
    static final class Recording extends ForwardingDeviceFiles {
        final List<Integer> versionsSent = new ArrayList<>();
        private final String versionText;

        Recording(SimKernel kernel, String versionText) {
            super(kernel);
            this.versionText = versionText;
        }

        @Override
        public OpenFile open(DeviceNode node, int flags) throws ErrnoException {
            if (node.kind() != DeviceNode.Kind.VERSION) {
                return super.open(node, flags);
            }
            if (versionText == null) {
                throw new ErrnoException(Errno.ENOENT.number(), "open " + path(node));
            }
            return new TextFile(versionText + "\0");
        }

        @Override
        public BatchDevice openBatch(int flags) throws ErrnoException {
            BatchDevice device = super.openBatch(flags);
            return new BatchDevice() {
                @Override
                public int batch(MemorySegment array, MemorySegment ops) {
                    if (BatchDevice.arrayUsable(array) && BatchDevice.numops(array) > 0) {
                        versionsSent.add(BatchDevice.version(array));
                    }
                    return device.batch(array, ops);
                }

                @Override
                public void close() {
                    device.close();
                }
            };
        }
    }

    /** A file whose first read returns the text and every later one nothing. */
    static final class TextFile implements OpenFile {
        private final byte[] text;
        private boolean read;

        TextFile(String text) {
            this.text = text.getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public long read(MemorySegment buffer, long count) {
            if (read) {
                return 0;
            }
            read = true;
            int length = (int) Math.min(count, text.length);
            MemorySegment.copy(MemorySegment.ofArray(text), 0, buffer, 0, length);
            return length;
        }

        @Override
        public long pread(MemorySegment buffer, long count, long offset) {
            return -Errno.EINVAL.number();
        }

        @Override
        public long pwrite(MemorySegment buffer, long count, long offset) {
            return -Errno.EBADF.number();
        }

        @Override
        public long write(MemorySegment buffer, long count) {
            return -Errno.EBADF.number();
        }

        @Override
        public void close() {
        }
    }

    private static SimKernel kernel(ModuleVersion version) {
        return new SimKernel(2, 1, 2, new int[0], SimulatedDevice.standardRegisters(), SimulatedDevice.standardAllowlist(),
                () -> 1_000L, version);
    }

    private static final ModuleVersion V2_0_4 = new ModuleVersion(2, 0, 4);

    @ParameterizedTest(name = "version file {0}: layout {1}, word {2}")
    @CsvSource(nullValues = "none", value = {
        "1.8.0, MSR_SAFE_1, 0x00010800",
        "1.7.3, MSR_SAFE_1, 0x00010703",
        "2.0.4, MSR_SAFE_2, 0x00020004",
        "2.1.0, MSR_SAFE_2, 0x00020100",
        "3.0.0, MSR_SAFE_1, 0x00010800",
        "none,  MSR_SAFE_1, 0x00010800"})
    void theWordSentFollowsTheVersionFileAndIsNeverZero(String file, BatchLayout layout, String word) throws Exception {
        ModuleVersion playing = file != null && file.startsWith("2.") ? ModuleVersion.parse(file) : SimKernel.DEFAULT_VERSION;
        Recording files = new Recording(kernel(playing), file);
        try (MsrSafe msr = MsrSafe.over(files); MsrBatch batch = msr.newBatch()) {
            assertEquals(layout, msr.batchLayout());
            batch.addRead(0, PERF_STATUS);
            batch.execute();
            assertEquals(List.of(Integer.decode(word)), files.versionsSent);
            assertNotEquals(0, files.versionsSent.get(0));
        }
    }

    @Test
    void aTwoXModuleRefusingAOneXBatchIsOneClearException() throws Exception {
        // The version file said 1.8.0 when the handle opened; the module now loaded is 2.0.4.
        try (MsrSafe msr = MsrSafe.over(new Recording(kernel(V2_0_4), "1.8.0")); MsrBatch batch = msr.newBatch()) {
            batch.addRead(0, PERF_STATUS);
            MsrSafeException e = assertThrows(MsrSafeException.class, batch::execute);
            assertEquals(FailureKind.WRONG_ABI, e.kind());
            assertEquals(Optional.of(Errno.ENOPROTOOPT), e.errno());
            assertEquals("ioctl(X86_IOC_MSR_BATCH) sim:/dev/cpu/msr_batch failed: ENOPROTOOPT: the module (msr-safe 1.8.0)"
                    + " refused the batch (ENOPROTOOPT): this library sent version 1.8.0 with the msr-safe 1.x op layout"
                    + " (32-byte ops); the layout was chosen from sim:/dev/cpu/msr_safe_version, which said 1.8.0 when"
                    + " this handle opened: if the module was reloaded since, open a new handle; otherwise the module"
                    + " and its version file disagree, so report it with the output of 'msrsafe version'", e.getMessage());
            assertEquals(BatchOp.Status.NOT_EXECUTED, batch.status(0));
        }
    }

    @Test
    void aModuleOfAMajorThisLibraryDoesNotKnowGetsTheOneXLayoutAndIfItRefusesSaysUpgrade() throws Exception {
        // A 3.x module would check the major as 2.x does: the 2.x simulated module stands in for it.
        SimKernel kernel = kernel(V2_0_4);
        try (MsrSafe msr = MsrSafe.over(new Recording(kernel, "3.1.0")); MsrBatch batch = msr.newBatch()) {
            assertEquals(BatchLayout.MSR_SAFE_1, msr.batchLayout());
            batch.addRead(0, PERF_STATUS);
            MsrSafeException e = assertThrows(MsrSafeException.class, batch::execute);
            assertEquals(FailureKind.WRONG_ABI, e.kind());
            assertTrue(e.getMessage().contains("the module (msr-safe 3.1.0) refused the batch (ENOPROTOOPT): this library"
                    + " sent version 1.8.0 with the msr-safe 1.x op layout (32-byte ops); msr-safe 3.x's batch layout is"
                    + " unknown to this library: use a msrsafe-java release that supports msr-safe 3.1.0 (per-CPU reads"
                    + " and writes still work)"), e.getMessage());
            assertEquals(kernel.peek(0, PERF_STATUS), msr.read(0, PERF_STATUS), "per-CPU reads do work");
        }
    }

    @Test
    void aModuleWithoutAVersionFileThatChecksTheVersionSaysSo() throws Exception {
        try (MsrSafe msr = MsrSafe.over(new Recording(kernel(V2_0_4), null)); MsrBatch batch = msr.newBatch()) {
            assertEquals(Optional.empty(), msr.moduleVersion());
            batch.addRead(0, PERF_STATUS);
            MsrSafeException e = assertThrows(MsrSafeException.class, batch::execute);
            assertTrue(e.getMessage().contains("the module (no msr_safe_version file: msr-safe before 1.6, or not"
                    + " msr-safe) refused the batch (ENOPROTOOPT): this library sent version 1.8.0"), e.getMessage());
            assertTrue(e.getMessage().contains("load msr-safe 1.6 or later"), e.getMessage());
        }
    }
}
