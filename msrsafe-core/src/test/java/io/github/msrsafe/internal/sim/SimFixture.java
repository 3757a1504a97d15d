package io.github.msrsafe.internal.sim;

import static io.github.msrsafe.registers.Register.Scope.PACKAGE;
import static io.github.msrsafe.registers.Register.Scope.THREAD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.msrsafe.SimulatedRegister;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.ErrnoException;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.internal.sys.OpenFlags;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The example device the rule tests share, and helpers for buffers. */
final class SimFixture {

    static final long TSC = 0x10;           // writable 64-bit counter at 1 GHz, listed read-only
    static final long PERF_STATUS = 0x198;  // read-only register, listed read-only
    static final long PERF_CTL = 0x199;     // read-write, bits 15:0 and 32 defined, listed 0xFFFF
    static final long THERM_STATUS = 0x19C; // read-only register that the list (wrongly) lets users write
    static final long MISC = 0x1A0;         // read-write, bits 7:0 defined, listed all ones
    static final long ENERGY = 0x611;       // 32-bit package counter at 1 MHz, listed read-only
    static final long PHANTOM = 0x777;      // listed all ones, but the processor has no such register
    static final long UNLISTED = 0x1B1;     // implemented, not listed

    static final int CPUS = 4;
    static final int OFFLINE_CPU = 2;

    final AtomicLong nanos = new AtomicLong(1_000);
    final SimKernel kernel;

    SimFixture() {
        this(SimKernel.DEFAULT_VERSION);
    }

    /** The same device playing module {@code version} (2.x: 88-byte ops, the version checked). */
    SimFixture(io.github.msrsafe.ModuleVersion version) {
        List<SimulatedRegister> registers = List.of(
                SimulatedRegister.writableCounter(TSC, "TSC", THREAD, 1_000_000_000L, 64),
                SimulatedRegister.readOnly(PERF_STATUS, "PERF_STATUS", THREAD, 0x1C00),
                SimulatedRegister.readWrite(PERF_CTL, "PERF_CTL", THREAD, 0x1C00, ~0x1_0000_FFFFL),
                SimulatedRegister.readOnly(THERM_STATUS, "THERM_STATUS", THREAD, 0x8839_0000L),
                SimulatedRegister.readWrite(MISC, "MISC", THREAD, 0x1, ~0xFFL),
                SimulatedRegister.counter(ENERGY, "ENERGY", PACKAGE, 1_000_000, 32),
                SimulatedRegister.readOnly(UNLISTED, "UNLISTED", PACKAGE, 0x42));
        List<AllowlistEntry> allowlist = List.of(
                new AllowlistEntry(TSC, 0),
                new AllowlistEntry(PERF_STATUS, 0),
                new AllowlistEntry(PERF_CTL, 0xFFFF),
                new AllowlistEntry(THERM_STATUS, 0xFF),
                new AllowlistEntry(MISC, -1L),
                new AllowlistEntry(ENERGY, 0),
                new AllowlistEntry(PHANTOM, -1L));
        kernel = new SimKernel(CPUS, 1, CPUS, new int[] {OFFLINE_CPU}, registers, allowlist, nanos::get, version);
    }

    OpenFile open(DeviceNode node, int flags) {
        try {
            return kernel.open(node, flags);
        } catch (ErrnoException e) {
            throw new AssertionError("open " + node + " failed: " + e.getMessage(), e);
        }
    }

    OpenFile openCpu(int cpu) {
        return open(DeviceNode.cpu(cpu), OpenFlags.O_RDWR);
    }

    static MemorySegment longBuffer(Arena arena, long value) {
        MemorySegment buffer = arena.allocate(ValueLayout.JAVA_LONG);
        buffer.set(ValueLayout.JAVA_LONG, 0, value);
        return buffer;
    }

    static long valueOf(MemorySegment buffer) {
        return buffer.get(ValueLayout.JAVA_LONG, 0);
    }

    static String text(MemorySegment buffer, long count) {
        return new String(buffer.asSlice(0, count).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.ISO_8859_1);
    }

    static void assertErrno(io.github.msrsafe.Errno expected, long actual) {
        assertErrno(expected, actual, "");
    }

    static void assertErrno(io.github.msrsafe.Errno expected, long actual, String why) {
        assertEquals(-expected.number(), actual, () -> "expected -" + expected + " but got " + actual
                + (actual < 0 ? " (-" + io.github.msrsafe.Errno.name((int) -actual) + ")" : "")
                + (why.isEmpty() ? "" : ": " + why));
    }
}
