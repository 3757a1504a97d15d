package io.github.msrsafe.internal.sim;

import io.github.msrsafe.internal.abi.BatchBuffer;
import static io.github.msrsafe.Errno.E2BIG;
import static io.github.msrsafe.Errno.EACCES;
import static io.github.msrsafe.Errno.EBADF;
import static io.github.msrsafe.Errno.EFAULT;
import static io.github.msrsafe.Errno.EINVAL;
import static io.github.msrsafe.Errno.EIO;
import static io.github.msrsafe.Errno.ENXIO;
import static io.github.msrsafe.Errno.EROFS;
import static io.github.msrsafe.internal.abi.BatchBuffer.UNTOUCHED;
import static io.github.msrsafe.internal.sim.SimFixture.ENERGY;
import static io.github.msrsafe.internal.sim.SimFixture.MISC;
import static io.github.msrsafe.internal.sim.SimFixture.OFFLINE_CPU;
import static io.github.msrsafe.internal.sim.SimFixture.PERF_CTL;
import static io.github.msrsafe.internal.sim.SimFixture.PERF_STATUS;
import static io.github.msrsafe.internal.sim.SimFixture.PHANTOM;
import static io.github.msrsafe.internal.sim.SimFixture.TSC;
import static io.github.msrsafe.internal.sim.SimFixture.UNLISTED;
import static io.github.msrsafe.internal.sim.SimFixture.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.OpenFlags;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** /dev/cpu/msr_batch, rule by rule from docs/module-behaviour.md. */
class SimBatchTest {

    private final SimFixture sim = new SimFixture();
    private final BatchDevice device = sim.kernel.openBatch(OpenFlags.O_RDONLY);

    @AfterEach
    void closeDevice() {
        device.close();
    }

    @Test
    void descriptorNotOpenForReadingIsEbadfEvenForWrites() {
        try (BatchBuffer batch = new BatchBuffer(1);
             BatchDevice writeOnly = sim.kernel.openBatch(OpenFlags.O_WRONLY)) {
            batch.write(0, 0, MISC, 0x3);
            assertErrno(EBADF, batch.run(writeOnly));
            assertEquals(0x1, sim.kernel.peek(0, MISC));
        }
        try (BatchBuffer batch = new BatchBuffer(1);
             BatchDevice readWrite = sim.kernel.openBatch(OpenFlags.O_RDWR)) {
            batch.write(0, 0, MISC, 0x3);
            assertEquals(0, batch.run(readWrite));
            assertEquals(0x3, sim.kernel.peek(0, MISC));
        }
    }

    @Test
    void zeroOpsIsEinval() {
        try (BatchBuffer batch = new BatchBuffer(0)) {
            assertErrno(EINVAL, batch.run(device));
        }
    }

    @Test
    void moreOpsThanTheModuleCanAllocateIsE2big() {
        try (BatchBuffer batch = new BatchBuffer(1)) {
            MsrStructs.ARRAY_NUMOPS.set(batch.array, 0L, MsrStructs.MAX_OPS_PER_IOCTL + 1);
            assertErrno(E2BIG, batch.run(device));
            MsrStructs.ARRAY_NUMOPS.set(batch.array, 0L, -1); // 2^32-1 as the module's u32
            assertErrno(E2BIG, batch.run(device));
        }
    }

    @Test
    void theLargestBatchRuns() {
        int max = MsrStructs.MAX_OPS_PER_IOCTL;
        try (BatchBuffer batch = new BatchBuffer(max)) {
            for (int i = 0; i < max; i++) {
                batch.read(i, i % 2, PERF_CTL);
            }
            assertEquals(0, batch.run(device));
            assertEquals(0x1C00, batch.data(max - 1));
            assertEquals(0xFFFF, batch.wmask(max - 1));
        }
    }

    @Test
    void opsThatAreNotWhereTheArraySaysAreEfault() {
        try (BatchBuffer batch = new BatchBuffer(2); Arena arena = Arena.ofConfined()) {
            batch.read(0, 0, PERF_CTL).read(1, 0, PERF_CTL);
            // ops pointer names other memory
            MemorySegment elsewhere = arena.allocate(MsrStructs.BATCH_OP, 2);
            assertErrno(EFAULT, device.batch(batch.array, elsewhere));
            // ops shorter than numops
            assertErrno(EFAULT, device.batch(batch.array,
                    batch.ops.asSlice(0, MsrStructs.OP_SIZE)));
            // the ops on the Java heap: a kernel pointer can never name them
            MemorySegment heap = MemorySegment.ofArray(new long[8]);
            assertErrno(EFAULT, device.batch(batch.array, heap));
            // read-only memory: the results cannot be copied back
            assertErrno(EFAULT, device.batch(batch.array, batch.ops.asReadOnly()));
            // the array itself too short
            assertErrno(EFAULT, device.batch(batch.array.asSlice(0, 8), batch.ops));
            assertEquals(-99, batch.err(0), "nothing was looked at");
            // a longer ops segment than numops is fine: the module copies only numops ops
            MemorySegment roomy = arena.allocate(MsrStructs.BATCH_OP, 4);
            MemorySegment.copy(batch.ops, 0, roomy, 0, 2 * MsrStructs.OP_SIZE);
            MsrStructs.ARRAY_OPS.set(batch.array, 0L, roomy);
            assertEquals(0, device.batch(batch.array, roomy));
        }
    }

    @Test
    void validationRejectsTheWholeBatchWithTheLastFailingOpsError() {
        sim.nanos.addAndGet(1_000_000);
        try (BatchBuffer batch = new BatchBuffer(6)) {
            batch.read(0, 0, PERF_CTL)                  // fine
                    .read(1, OFFLINE_CPU, PERF_CTL)     // ENXIO
                    .read(2, 1, UNLISTED)               // EACCES
                    .write(3, 0, PERF_STATUS, 0x1800)   // EROFS: listed read-only
                    .write(4, 1, MISC, 0x3)             // fine, but must not run
                    .read(5, 0, PHANTOM);               // fine in validation (listed)
            assertErrno(EROFS, batch.run(device));

            assertEquals(0, batch.err(0));
            assertEquals(0xFFFF, batch.wmask(0), "validated ops get their write mask");
            assertEquals(UNTOUCHED, batch.data(0), "and did not run");
            assertEquals(-ENXIO.number(), batch.err(1));
            assertEquals(UNTOUCHED, batch.wmask(1), "a CPU failure comes before the allowlist lookup");
            assertEquals(-EACCES.number(), batch.err(2));
            assertEquals(UNTOUCHED, batch.wmask(2));
            assertEquals(-EROFS.number(), batch.err(3));
            assertEquals(0, batch.wmask(3));
            assertEquals(0x1800, batch.data(3));
            assertEquals(0, batch.err(4));
            assertEquals(-1L, batch.wmask(4));
            assertEquals(0x3, batch.data(4), "a write op's msrdata is left as set");
            assertEquals(0, batch.err(5), "a register fault is only found by running");
            assertEquals(0x1, sim.kernel.peek(1, MISC), "nothing ran");
        }
    }

    @Test
    void theLastFailureDecidesNotTheFirst() {
        try (BatchBuffer batch = new BatchBuffer(3)) {
            batch.write(0, 0, TSC, 5).read(1, 0, MISC).read(2, 9, MISC);
            assertErrno(ENXIO, batch.run(device), "CPU 9 does not exist");
        }
        try (BatchBuffer batch = new BatchBuffer(3)) {
            batch.read(0, 65535, MISC).read(1, 0, UNLISTED).write(2, 0, ENERGY, 1);
            assertErrno(EROFS, batch.run(device));
            assertEquals(-ENXIO.number(), batch.err(0));
            assertEquals(-EACCES.number(), batch.err(1));
        }
    }

    @Test
    void executionRunsEveryOpAndReturnsTheFirstFailure() {
        sim.kernel.poke(1, PERF_CTL, 0x1_0000_0000L);
        try (BatchBuffer batch = new BatchBuffer(6)) {
            batch.read(0, 0, MISC)                       // 0x1
                    .read(1, 0, PHANTOM)                 // EIO, msrdata untouched
                    .write(2, 0, MISC, 0x100)            // EIO: reserved bit
                    .write(3, 1, PERF_CTL, 0xFFFF_FFFF_0000_1A00L) // RMW under 0xFFFF
                    .write(4, 3, MISC, 0x80)             // fine
                    .read(5, 1, PERF_CTL);               // sees op 3's write
            assertErrno(EIO, batch.run(device));

            assertEquals(0, batch.err(0));
            assertEquals(0x1, batch.data(0));
            assertEquals(-EIO.number(), batch.err(1));
            assertEquals(UNTOUCHED, batch.data(1));
            assertEquals(-1L, batch.wmask(1));
            assertEquals(-EIO.number(), batch.err(2));
            assertEquals(0x1, sim.kernel.peek(0, MISC));
            assertEquals(0, batch.err(3));
            assertEquals(0xFFFF_FFFF_0000_1A00L, batch.data(3), "msrdata of a write is left as the caller set it");
            assertEquals(0x1_0000_1A00L, sim.kernel.peek(1, PERF_CTL));
            assertEquals(0, batch.err(4));
            assertEquals(0x80, sim.kernel.peek(3, MISC));
            assertEquals(0x1_0000_1A00L, batch.data(5));
        }
    }

    @Test
    void successReturnsZeroAndClearsStaleErrors() {
        sim.nanos.addAndGet(2_000_000_000L);
        try (BatchBuffer batch = new BatchBuffer(3)) {
            batch.read(0, 0, TSC).read(1, 3, ENERGY).write(2, 3, MISC, 0xFF);
            assertEquals(0, batch.run(device));
            assertEquals(2_000_000_000L, batch.data(0));
            assertEquals(2_000_000L, batch.data(1));
            for (int i = 0; i < 3; i++) {
                assertEquals(0, batch.err(i));
            }
            assertEquals(0xFF, sim.kernel.peek(3, MISC));
        }
    }

    @Test
    void aBatchRunsAtOneReadingOfTheClock() {
        java.util.concurrent.atomic.AtomicLong ticking = new java.util.concurrent.atomic.AtomicLong();
        SimKernel kernel = new SimKernel(1, 1, 1, new int[0],
                java.util.List.of(io.github.msrsafe.SimulatedRegister.writableCounter(0xE7, "MPERF",
                        io.github.msrsafe.registers.Register.Scope.THREAD, 1_000_000_000L, 64)),
                java.util.List.of(new io.github.msrsafe.allowlist.AllowlistEntry(0xE7, -1L)),
                () -> ticking.addAndGet(1_000)); // every look at the clock moves it 1 µs
        try (BatchBuffer batch = new BatchBuffer(3);
             BatchDevice file = kernel.openBatch(OpenFlags.O_RDONLY)) {
            batch.read(0, 0, 0xE7).write(1, 0, 0xE7, 5).read(2, 0, 0xE7);
            assertEquals(0, batch.run(file));
            assertEquals(5, batch.data(2), "the read after the write sees no time pass");
            assertEquals(1_000, batch.data(0), "built at 1 µs, run at 2 µs");
        }
    }

    @Test
    void theVersionFieldIsIgnored() {
        for (int version : new int[] {0, 0x0001_0800, 0x0002_0000, 0xDEAD_BEEF}) {
            try (BatchBuffer batch = new BatchBuffer(1)) {
                batch.read(0, 0, PERF_CTL);
                MsrStructs.ARRAY_VERSION.set(batch.array, 0L, version);
                assertEquals(0, batch.run(device), "version " + Integer.toHexString(version));
            }
        }
    }

    @Test
    void aClosedBatchDescriptorIsEbadf() {
        try (BatchBuffer batch = new BatchBuffer(1)) {
            batch.read(0, 0, PERF_CTL);
            device.close();
            assertErrno(EBADF, batch.run(device));
        }
    }
}
