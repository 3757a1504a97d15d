package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.sim.SimKernel;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.DeviceFiles;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.ErrnoException;
import io.github.msrsafe.internal.sys.ForwardingDeviceFiles;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.registers.Register;
import io.github.msrsafe.save.MsrState;
import io.github.msrsafe.save.RestoreOptions;
import io.github.msrsafe.save.RestoreReport;
import io.github.msrsafe.save.SaveResult;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Save and restore go through the batch device, one ioctl per batch (split at 131,072 ops),
 * never one pread per register as msrsave does: counted at the system-call seam.
 */
class SaveRestoreBatchingTest {

    @TempDir
    Path dir;

    /** Counts the calls that reach the (simulated) kernel. */
    static final class CountingFiles extends ForwardingDeviceFiles {
        final AtomicInteger ioctls = new AtomicInteger();
        final AtomicInteger registerCalls = new AtomicInteger(); // pread + pwrite on per-CPU nodes

        CountingFiles(DeviceFiles inner) {
            super(inner);
        }

        @Override
        public OpenFile open(DeviceNode node, int flags) throws ErrnoException {
            OpenFile file = inner.open(node, flags);
            return new OpenFile() {
                @Override public long pread(MemorySegment buffer, long count, long offset) {
                    registerCalls.incrementAndGet();
                    return file.pread(buffer, count, offset);
                }
                @Override public long pwrite(MemorySegment buffer, long count, long offset) {
                    registerCalls.incrementAndGet();
                    return file.pwrite(buffer, count, offset);
                }
                @Override public long read(MemorySegment buffer, long count) { return file.read(buffer, count); }
                @Override public long write(MemorySegment buffer, long count) { return file.write(buffer, count); }
                @Override public void close() { file.close(); }
            };
        }

        @Override
        public BatchDevice openBatch(int flags) throws ErrnoException {
            BatchDevice device = inner.openBatch(flags);
            return new BatchDevice() {
                @Override public int batch(MemorySegment array, MemorySegment ops) {
                    if ((int) MsrStructs.ARRAY_NUMOPS.get(array, 0L) != 0) {
                        ioctls.incrementAndGet(); // an empty one is the handle's probe of the device
                    }
                    return device.batch(array, ops);
                }
                @Override public void close() { device.close(); }
            };
        }
    }

    static SimKernel kernel(int cpus, int writableRegisters) {
        List<SimulatedRegister> registers = new ArrayList<>();
        List<AllowlistEntry> allowlist = new ArrayList<>();
        registers.add(SimulatedRegister.readOnly(0xCE, "MSR_PLATFORM_INFO", Register.Scope.PACKAGE, 0x1800));
        allowlist.add(new AllowlistEntry(0xCE, 0));
        for (int i = 0; i < writableRegisters; i++) {
            long address = 0x1000 + i;
            registers.add(SimulatedRegister.readWrite(address, "R" + i, Register.Scope.THREAD, i, 0));
            allowlist.add(new AllowlistEntry(address, 0xFFFF_FFFFL));
        }
        return new SimKernel(cpus, 1, cpus, new int[0], registers, allowlist, () -> 0L);
    }

    @Test
    void saveIsOneIoctlAndRestoreIsOneToReadOneToWriteOneToVerify() throws IOException {
        SimKernel kernel = kernel(8, 6);
        CountingFiles files = new CountingFiles(kernel);
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = MsrSafe.over(files)) {
            SaveResult saved = MsrState.save(msr, file);
            assertEquals(8 * 6, saved.registersRead());
            assertEquals(1, files.ioctls.get(), "one batch for 48 reads");
            assertEquals(0, files.registerCalls.get(), "no pread per register");

            files.ioctls.set(0);
            RestoreReport unchanged = MsrState.restore(msr, file, RestoreOptions.defaults());
            assertEquals(0, unchanged.restored().size());
            assertEquals(1, files.ioctls.get(), "nothing changed: one read batch, no write");

            for (int cpu = 0; cpu < 8; cpu++) {
                kernel.poke(cpu, 0x1003, 0xABCD);
            }
            files.ioctls.set(0);
            RestoreReport dry = MsrState.restore(msr, file, RestoreOptions.defaults().withDryRun(true));
            assertEquals(8, dry.restored().size());
            assertEquals(1, files.ioctls.get(), "a dry run only reads");

            files.ioctls.set(0);
            RestoreReport report = MsrState.restore(msr, file, RestoreOptions.defaults().withVerify(true));
            assertEquals(8, report.restored().size());
            assertEquals(3, files.ioctls.get(), "read, write, read back");
            assertEquals(0, files.registerCalls.get());
            assertEquals(3, kernel.peek(5, 0x1003));

            files.ioctls.set(0);
            kernel.poke(0, 0x1003, 0xABCD);
            MsrState.restore(msr, file, RestoreOptions.defaults());
            assertEquals(2, files.ioctls.get(), "read, write: no read-back by default, as msrsave");
        }
    }

    @Test
    void aSaveLargerThanOneIoctlIsSplitAndStillRestores() throws IOException {
        // 1,100 CPUs x 120 writable registers = 132,000 reads: more than the 131,072 one ioctl carries.
        SimKernel kernel = kernel(1100, 120);
        CountingFiles files = new CountingFiles(kernel);
        Path file = dir.resolve("big.save");
        try (MsrSafe msr = MsrSafe.over(files)) {
            SaveResult saved = MsrState.save(msr, file);
            assertEquals(132_000, saved.registersRead());
            assertEquals(List.of(), saved.failedReads());
            assertEquals(2, files.ioctls.get());
            assertEquals(1100L * 121 * 8, java.nio.file.Files.size(file));

            kernel.poke(1099, 0x1000 + 119, 0x7777);
            kernel.poke(0, 0x1000, 0x7777);
            files.ioctls.set(0);
            RestoreReport report = MsrState.restore(msr, file, RestoreOptions.defaults().withVerify(true));
            assertEquals(2, report.restored().size());
            assertEquals(119, kernel.peek(1099, 0x1000 + 119));
            assertEquals(0, kernel.peek(0, 0x1000));
            assertEquals(2 + 1 + 1, files.ioctls.get(), "two to read, one to write, one to read back");
        }
    }
}
