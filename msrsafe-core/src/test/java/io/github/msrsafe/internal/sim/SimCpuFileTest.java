package io.github.msrsafe.internal.sim;

import io.github.msrsafe.internal.abi.BatchBuffer;
import static io.github.msrsafe.Errno.EACCES;
import static io.github.msrsafe.Errno.EBADF;
import static io.github.msrsafe.Errno.EFAULT;
import static io.github.msrsafe.Errno.EINVAL;
import static io.github.msrsafe.Errno.EIO;
import static io.github.msrsafe.Errno.ENOENT;
import static io.github.msrsafe.Errno.ENOTTY;
import static io.github.msrsafe.Errno.ENXIO;
import static io.github.msrsafe.internal.sim.SimFixture.MISC;
import static io.github.msrsafe.internal.sim.SimFixture.PERF_CTL;
import static io.github.msrsafe.internal.sim.SimFixture.PERF_STATUS;
import static io.github.msrsafe.internal.sim.SimFixture.PHANTOM;
import static io.github.msrsafe.internal.sim.SimFixture.THERM_STATUS;
import static io.github.msrsafe.internal.sim.SimFixture.TSC;
import static io.github.msrsafe.internal.sim.SimFixture.UNLISTED;
import static io.github.msrsafe.internal.sim.SimFixture.assertErrno;
import static io.github.msrsafe.internal.sim.SimFixture.longBuffer;
import static io.github.msrsafe.internal.sim.SimFixture.valueOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.ErrnoException;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.internal.sys.OpenFlags;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** /dev/cpu/N/msr_safe, rule by rule from docs/module-behaviour.md. */
class SimCpuFileTest {

    private final SimFixture sim = new SimFixture();
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void closeArena() {
        arena.close();
    }

    @Test
    void openOfACpuBeyondTheIdsOrOfflineFindsNoNode() {
        ErrnoException beyond = assertThrows(ErrnoException.class,
                () -> sim.kernel.open(DeviceNode.cpu(SimFixture.CPUS), OpenFlags.O_RDWR));
        assertEquals(ENOENT.number(), beyond.errno());
        ErrnoException offline = assertThrows(ErrnoException.class,
                () -> sim.kernel.open(DeviceNode.cpu(SimFixture.OFFLINE_CPU), OpenFlags.O_RDONLY));
        assertEquals(ENOENT.number(), offline.errno());
        sim.kernel.setOnline(SimFixture.OFFLINE_CPU, true);
        try (OpenFile file = sim.openCpu(SimFixture.OFFLINE_CPU)) {
            assertEquals(8, file.pread(arena.allocate(8), 8, PERF_STATUS));
        }
    }

    @Test
    void preadReturnsTheRegisterAsEightNativeOrderBytes() {
        try (OpenFile file = sim.openCpu(1)) {
            MemorySegment buffer = arena.allocate(8);
            assertEquals(8, file.pread(buffer, 8, PERF_CTL));
            assertEquals(0x1C00, valueOf(buffer));
            sim.nanos.addAndGet(12_345);
            assertEquals(8, file.pread(buffer, 8, TSC));
            assertEquals(12_345, valueOf(buffer), "1 GHz counter started at build time");
        }
    }

    @Test
    void countOtherThanEightIsEinvalBeforeTheAllowlistIsConsulted() {
        try (OpenFile file = sim.openCpu(0)) {
            MemorySegment buffer = arena.allocate(16);
            for (long count : new long[] {0, 1, 4, 7, 9, 16}) {
                assertErrno(EINVAL, file.pread(buffer, count, PERF_CTL));
                assertErrno(EINVAL, file.pwrite(buffer, count, PERF_CTL));
                assertErrno(EINVAL, file.pread(buffer, count, UNLISTED));
            }
            assertEquals(0x1C00, sim.kernel.peek(0, PERF_CTL));
        }
    }

    @Test
    void unlistedRegisterIsEaccesForReadAndWrite() {
        try (OpenFile file = sim.openCpu(0)) {
            assertErrno(EACCES, file.pread(arena.allocate(8), 8, UNLISTED));
            assertErrno(EACCES, file.pwrite(longBuffer(arena, 1), 8, UNLISTED));
            assertEquals(0x42, sim.kernel.peek(0, UNLISTED));
        }
    }

    @Test
    void writeWithWriteMaskZeroIsEaccesNotErofs() {
        try (OpenFile file = sim.openCpu(0)) {
            assertErrno(EACCES, file.pwrite(longBuffer(arena, 0x1800), 8, PERF_STATUS));
            assertErrno(EACCES, file.pwrite(longBuffer(arena, 0), 8, TSC));
            assertEquals(0x1C00, sim.kernel.peek(0, PERF_STATUS));
        }
    }

    @Test
    void partialWriteMaskIsReadModifyWrite() {
        sim.kernel.poke(3, PERF_CTL, 0x1_0000_1C00L); // bit 32 set, outside the mask
        try (OpenFile file = sim.openCpu(3)) {
            assertEquals(8, file.pwrite(longBuffer(arena, 0x0000_0000_0000_ABCDL), 8, PERF_CTL));
            assertEquals(0x1_0000_ABCDL, sim.kernel.peek(3, PERF_CTL), "bits outside 0xFFFF keep their value");
            assertEquals(0x1C00, sim.kernel.peek(0, PERF_CTL), "thread-scope register: other CPUs untouched");
        }
    }

    @Test
    void fullWriteMaskStoresTheValue() {
        try (OpenFile file = sim.openCpu(0)) {
            assertEquals(8, file.pwrite(longBuffer(arena, 0xA5), 8, MISC));
            assertEquals(0xA5, sim.kernel.peek(0, MISC));
        }
    }

    @Test
    void registerTheProcessorLacksFaultsWithEioEvenWhenListed() {
        try (OpenFile file = sim.openCpu(0)) {
            MemorySegment buffer = longBuffer(arena, 77);
            assertErrno(EIO, file.pread(buffer, 8, PHANTOM));
            assertEquals(77, valueOf(buffer), "a failed read leaves the buffer alone");
            assertErrno(EIO, file.pwrite(buffer, 8, PHANTOM));
        }
    }

    @Test
    void writingReservedBitsOrAReadOnlyRegisterFaultsWithEio() {
        try (OpenFile file = sim.openCpu(0)) {
            assertErrno(EIO, file.pwrite(longBuffer(arena, 0x100), 8, MISC));
            assertErrno(EIO, file.pwrite(longBuffer(arena, 1L << 63), 8, MISC));
            assertEquals(0x1, sim.kernel.peek(0, MISC));
            assertErrno(EIO, file.pwrite(longBuffer(arena, 0x8839_0000L), 8, THERM_STATUS),
                    "listed with a mask, but the register is read-only");
        }
    }

    @Test
    void descriptorOfACpuThatWentOfflineGetsEnxioAndWorksWhenItReturns() {
        try (OpenFile file = sim.openCpu(1)) {
            sim.kernel.setOnline(1, false);
            assertErrno(ENXIO, file.pread(arena.allocate(8), 8, PERF_CTL));
            assertErrno(ENXIO, file.pwrite(longBuffer(arena, 5), 8, PERF_CTL));
            assertErrno(EACCES, file.pread(arena.allocate(8), 8, UNLISTED), "the allowlist is checked first");
            assertEquals(0x1C00, sim.kernel.peek(1, PERF_CTL));
            sim.kernel.setOnline(1, true);
            assertEquals(8, file.pwrite(longBuffer(arena, 5), 8, PERF_CTL));
            assertEquals(0x5, sim.kernel.peek(1, PERF_CTL));
        }
    }

    @Test
    void accessModesAreEnforced() {
        try (OpenFile readOnly = sim.open(DeviceNode.cpu(0), OpenFlags.O_RDONLY);
             OpenFile writeOnly = sim.open(DeviceNode.cpu(0), OpenFlags.O_WRONLY)) {
            assertErrno(EBADF, readOnly.pwrite(longBuffer(arena, 5), 8, PERF_CTL));
            assertErrno(EBADF, readOnly.write(longBuffer(arena, 5), 8));
            assertEquals(8, readOnly.pread(arena.allocate(8), 8, PERF_CTL));
            assertErrno(EBADF, writeOnly.pread(arena.allocate(8), 8, PERF_CTL));
            assertEquals(8, writeOnly.pwrite(longBuffer(arena, 5), 8, PERF_CTL));
            assertEquals(0x5, sim.kernel.peek(0, PERF_CTL));
        }
    }

    @Test
    void readAndWriteUseThePositionWithoutAdvancingIt() {
        sim.kernel.installAllowlist(io.github.msrsafe.allowlist.Allowlist.of(java.util.List.of(
                new io.github.msrsafe.allowlist.AllowlistEntry(0, -1L))));
        try (OpenFile file = sim.openCpu(0)) {
            MemorySegment buffer = arena.allocate(8);
            assertErrno(EIO, file.read(buffer, 8), "position 0: MSR 0, allowlisted, not implemented");
            assertErrno(EIO, file.write(longBuffer(arena, 0x1234), 8));
            assertErrno(EIO, file.read(buffer, 8), "still at MSR 0 after a read and a write");
        }
    }

    @Test
    void offsetIsTruncatedTo32Bits() {
        try (OpenFile file = sim.openCpu(0)) {
            MemorySegment buffer = arena.allocate(8);
            assertEquals(8, file.pread(buffer, 8, 0x1_0000_0000L | PERF_CTL));
            assertEquals(0x1C00, valueOf(buffer));
            assertEquals(8, file.pwrite(longBuffer(arena, 0x77), 8, 0x7FFF_FFFF_0000_0000L | MISC));
            assertEquals(0x77, sim.kernel.peek(0, MISC));
        }
    }

    @Test
    void bufferShorterThanTheCountIsEfault() {
        try (OpenFile file = sim.openCpu(0)) {
            MemorySegment small = arena.allocate(4);
            assertErrno(EFAULT, file.pread(small, 8, PERF_CTL));
            assertErrno(EFAULT, file.pwrite(small, 8, PERF_CTL));
            assertErrno(EFAULT, file.pread(arena.allocate(8).asReadOnly(), 8, PERF_CTL));
            assertEquals(0x1C00, sim.kernel.peek(0, PERF_CTL));
        }
    }

    @Test
    void everyCallOnAClosedDescriptorIsEbadf() {
        OpenFile file = sim.openCpu(0);
        file.close();
        file.close(); // idempotent
        assertErrno(EBADF, file.pread(arena.allocate(8), 8, PERF_CTL));
        assertErrno(EBADF, file.pwrite(longBuffer(arena, 1), 8, PERF_CTL));
        assertErrno(EBADF, file.read(arena.allocate(8), 8));
        assertEquals(0x1C00, sim.kernel.peek(0, PERF_CTL));
    }
}
