package io.github.msrsafe.internal.sim;

import static io.github.msrsafe.Errno.E2BIG;
import static io.github.msrsafe.Errno.EACCES;
import static io.github.msrsafe.Errno.EBADF;
import static io.github.msrsafe.Errno.EFAULT;
import static io.github.msrsafe.Errno.EINVAL;
import static io.github.msrsafe.internal.abi.BatchBuffer.UNTOUCHED;
import static io.github.msrsafe.internal.sim.SimFixture.MISC;
import static io.github.msrsafe.internal.sim.SimFixture.PERF_CTL;
import static io.github.msrsafe.internal.sim.SimFixture.THERM_STATUS;
import static io.github.msrsafe.internal.sim.SimFixture.TSC;
import static io.github.msrsafe.internal.sim.SimFixture.UNLISTED;
import static io.github.msrsafe.internal.sim.SimFixture.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.msrsafe.ModuleVersion;
import io.github.msrsafe.internal.abi.BatchAbi;
import io.github.msrsafe.internal.abi.BatchBuffer;
import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.internal.sys.OpenFlags;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * /dev/cpu/msr_batch and msr_safe_version of the simulated 2.0.4 module, through the device
 * files: the order of the checks before any op is read, the 88-byte ops, the version file.
 * What each op does is BatchRulesTest's.
 */
class SimBatchV2Test {

    private static final int V2_0_4 = 0x0002_0004;

    private final SimFixture sim = new SimFixture(new ModuleVersion(2, 0, 4));
    private final BatchDevice device = sim.kernel.openBatch(OpenFlags.O_RDONLY);

    @AfterEach
    void closeDevice() {
        device.close();
    }

    @Test
    void theVersionFileSaysTwoZeroFour() {
        try (OpenFile file = sim.open(DeviceNode.VERSION, OpenFlags.O_RDONLY); Arena arena = Arena.ofConfined()) {
            var buffer = arena.allocate(64);
            assertEquals(6, file.read(buffer, 64));
            assertEquals("2.0.4\0", SimFixture.text(buffer, 6));
        }
    }

    @Test
    void zeroOpsIsEinvalBeforeTheVersionIsLookedAt() {
        try (BatchBuffer batch = new BatchBuffer(BatchAbi.V2, 0)) {
            batch.version(0);
            assertErrno(EINVAL, batch.run(device));
        }
    }

    @Test
    void anotherMajorIsEnoprotooptBeforeAnyOpIsRead() {
        for (int version : new int[] {0, 0x0001_0800, 0x0003_0000, 0x0201_0000}) {
            try (BatchBuffer batch = new BatchBuffer(BatchAbi.V2, 1)) {
                batch.read(0, 0, PERF_CTL).version(version);
                assertEquals(-BatchRules.ENOPROTOOPT, batch.run(device), "version 0x" + Integer.toHexString(version));
                assertEquals(BatchBuffer.ERR_UNTOUCHED, batch.err(0), "no op was read");
                assertEquals(UNTOUCHED, batch.wmask(0));
            }
        }
        // nor is the size: a bad version with too many ops is still ENOPROTOOPT
        try (BatchBuffer batch = new BatchBuffer(BatchAbi.V2, 1)) {
            MsrStructs.ARRAY_NUMOPS.set(batch.array, 0L, MsrStructs.MAX_OPS_PER_IOCTL_V2 + 1);
            assertEquals(-BatchRules.ENOPROTOOPT, batch.version(0x0001_0800).run(device));
        }
    }

    @Test
    void onlyBits23To16OfTheVersionAreCompared() {
        for (int version : new int[] {V2_0_4, 0x0002_0000, 0x0002_FFFF, 0xFF02_0000}) {
            try (BatchBuffer batch = new BatchBuffer(BatchAbi.V2, 1)) {
                batch.read(0, 0, PERF_CTL).version(version);
                assertEquals(0, batch.run(device), "version 0x" + Integer.toHexString(version));
                assertEquals(0x1C00, batch.data(0));
            }
        }
    }

    @Test
    void moreThan47662OpsIsE2bigAndThatManyRun() {
        int max = MsrStructs.MAX_OPS_PER_IOCTL_V2;
        assertEquals(47_662, max);
        try (BatchBuffer batch = new BatchBuffer(BatchAbi.V2, max)) {
            for (int i = 0; i < max; i++) {
                batch.read(i, i % 2, PERF_CTL);
            }
            assertEquals(0, batch.run(device));
            assertEquals(0x1C00, batch.data(max - 1));
            assertEquals(0xFFFF, batch.wmask(max - 1));
            MsrStructs.ARRAY_NUMOPS.set(batch.array, 0L, max + 1);
            assertErrno(E2BIG, batch.run(device));
        }
    }

    @Test
    void opsMustHoldNumopsTimes88Bytes() {
        // what a 1.x client that sends the 2.x version would hand over: 32-byte ops
        try (Arena arena = Arena.ofConfined(); BatchBuffer batch = new BatchBuffer(BatchAbi.V2, 4)) {
            batch.read(0, 0, PERF_CTL).read(1, 0, PERF_CTL).read(2, 0, PERF_CTL).read(3, 0, PERF_CTL);
            var small = arena.allocate(MsrStructs.BATCH_OP, 4);  // 128 bytes: 1.45 ops of 88
            MsrStructs.ARRAY_OPS.set(batch.array, 0L, small);
            assertErrno(EFAULT, device.batch(batch.array, small));
            MsrStructs.ARRAY_OPS.set(batch.array, 0L, batch.ops);
            assertEquals(0, batch.run(device));
        }
    }

    @Test
    void aOneXOpSentWithATwoXVersionIsMisreadNotRun() {
        // 1.x layout: cpu 0, isrdmsr 1, msr at 8, msrdata at 16; read as 2.x the msr (offset 12)
        // is the 1.x padding, 0: not listed, so the module refuses the op (EACCES)
        try (BatchBuffer batch = new BatchBuffer(BatchAbi.V2, 2); Arena arena = Arena.ofConfined()) {
            var oneX = batch.ops; // big enough for 2 ops of 88 bytes
            oneX.fill((byte) 0);
            BatchAbi.V1.setCpu(oneX, 0, 0);
            BatchAbi.V1.setOpWord(oneX, 0, 1);
            BatchAbi.V1.setMsr(oneX, 0, PERF_CTL);
            assertErrno(EACCES, batch.run(device));
            assertEquals(0x1C00, sim.kernel.peek(0, PERF_CTL));
        }
    }

    @Test
    void aWriteUnderTheMaskKeepsTheCallersValue() {
        try (BatchBuffer batch = new BatchBuffer(BatchAbi.V2, 3)) {
            batch.write(0, 1, PERF_CTL, 0xFFFF_FFFF_FFFF_1A00L)
                    .raw(1, 1, THERM_STATUS, MsrStructs.OP_FLAG_READ | MsrStructs.OP_FLAG_TSC | MsrStructs.OP_FLAG_PTHERM, 0)
                    .read(2, 1, PERF_CTL);
            assertEquals(0, batch.run(device));
            assertEquals(0x1A00, sim.kernel.peek(1, PERF_CTL), "(value & 0xFFFF) | (old & ~0xFFFF)");
            assertEquals(0xFFFF_FFFF_FFFF_1A00L, batch.data(0));
            assertEquals(0x1A00, batch.data(2));
            assertEquals(sim.kernel.peek(1, TSC), batch.get(MsrStructs.OP2_TSC, 1));
            assertEquals(sim.kernel.peek(1, UNLISTED), batch.get(MsrStructs.OP2_PTHERM, 1),
                    "IA32_PACKAGE_THERM_STATUS is read though the allowlist does not list it");
            assertEquals(UNTOUCHED, batch.get(MsrStructs.OP2_MPERF, 1));
        }
    }

    @Test
    void aDescriptorNotOpenForReadingIsEbadf() {
        try (BatchBuffer batch = new BatchBuffer(BatchAbi.V2, 1);
             BatchDevice writeOnly = sim.kernel.openBatch(OpenFlags.O_WRONLY)) {
            batch.write(0, 0, MISC, 0x3);
            assertErrno(EBADF, batch.run(writeOnly));
            assertEquals(0x1, sim.kernel.peek(0, MISC));
        }
    }
}
