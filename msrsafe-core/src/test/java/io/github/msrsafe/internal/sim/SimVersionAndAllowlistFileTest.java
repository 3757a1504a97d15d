package io.github.msrsafe.internal.sim;

import static io.github.msrsafe.Errno.E2BIG;
import static io.github.msrsafe.Errno.EACCES;
import static io.github.msrsafe.Errno.EBADF;
import static io.github.msrsafe.Errno.EILSEQ;
import static io.github.msrsafe.Errno.EINVAL;
import static io.github.msrsafe.Errno.ENOMSG;
import static io.github.msrsafe.Errno.ENOTUNIQ;
import static io.github.msrsafe.Errno.ERANGE;
import static io.github.msrsafe.Errno.ESPIPE;
import static io.github.msrsafe.internal.sim.SimFixture.MISC;
import static io.github.msrsafe.internal.sim.SimFixture.PERF_CTL;
import static io.github.msrsafe.internal.sim.SimFixture.TSC;
import static io.github.msrsafe.internal.sim.SimFixture.assertErrno;
import static io.github.msrsafe.internal.sim.SimFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.internal.sys.OpenFlags;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** /dev/cpu/msr_safe_version and /dev/cpu/msr_allowlist, rule by rule from docs/module-behaviour.md. */
class SimVersionAndAllowlistFileTest {

    private final SimFixture sim = new SimFixture();
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void closeArena() {
        arena.close();
    }

    // ---- version ----

    @Test
    void versionIsOneReadOfTheStringAndItsNulThenEndOfFile() {
        try (OpenFile file = sim.open(DeviceNode.VERSION, OpenFlags.O_RDONLY)) {
            MemorySegment buffer = arena.allocate(64);
            assertEquals(6, file.read(buffer, 64));
            assertEquals("1.8.0\0", text(buffer, 6));
            assertEquals(0, file.read(buffer, 64));
            assertEquals(0, file.read(buffer, 64));
        }
    }

    @Test
    void aSmallBufferGetsATruncatedVersionWithoutError() {
        try (OpenFile file = sim.open(DeviceNode.VERSION, OpenFlags.O_RDONLY)) {
            MemorySegment buffer = arena.allocate(64);
            assertEquals(3, file.read(buffer, 3));
            assertEquals("1.8", text(buffer, 3));
            assertEquals(0, file.read(buffer, 64), "the rest is not delivered later");
        }
        try (OpenFile file = sim.open(DeviceNode.VERSION, OpenFlags.O_RDONLY)) {
            MemorySegment buffer = arena.allocate(64);
            assertEquals(5, file.read(buffer, 5));
            assertEquals("1.8.0", text(buffer, 5), "no NUL when exactly strlen bytes fit");
        }
    }

    @Test
    void eachOpenOfTheVersionFileReadsFromTheStart() {
        MemorySegment buffer = arena.allocate(16);
        for (int i = 0; i < 2; i++) {
            try (OpenFile file = sim.open(DeviceNode.VERSION, OpenFlags.O_RDONLY)) {
                assertEquals(6, file.read(buffer, 16));
            }
        }
    }

    @Test
    void versionFileIsNotWritable() {
        try (OpenFile readOnly = sim.open(DeviceNode.VERSION, OpenFlags.O_RDONLY);
             OpenFile writeOnly = sim.open(DeviceNode.VERSION, OpenFlags.O_WRONLY)) {
            MemorySegment buffer = arena.allocate(8);
            assertErrno(EBADF, readOnly.write(buffer, 8));
            assertErrno(EINVAL, writeOnly.write(buffer, 8));
            assertErrno(EBADF, writeOnly.read(buffer, 8));
        }
    }

    // ---- allowlist read ----

    @Test
    void allowlistReadsOneEntryPerReadWithTheHeaderFirstThenStartsOver() {
        sim.kernel.installAllowlist(io.github.msrsafe.allowlist.Allowlist.of(
                new AllowlistEntry(0x199, 0xFFFF), new AllowlistEntry(0x10, 0), new AllowlistEntry(0x611, 0)));
        try (OpenFile file = sim.open(DeviceNode.ALLOWLIST, OpenFlags.O_RDONLY)) {
            MemorySegment buffer = arena.allocate(4096);
            assertEquals(60, file.read(buffer, 4096));
            assertEquals("#MSR       Write mask        \n0x00000199 0x000000000000FFFF\n", text(buffer, 60));
            assertEquals(30, file.read(buffer, 4096));
            assertEquals("0x00000010 0x0000000000000000\n", text(buffer, 30));
            assertEquals(30, file.read(buffer, 4096));
            assertEquals("0x00000611 0x0000000000000000\n", text(buffer, 30));
            assertEquals(0, file.read(buffer, 4096));
            assertEquals(60, file.read(buffer, 4096), "after end of file the listing starts over");
            assertEquals("#MSR", text(buffer, 4));
        }
    }

    @Test
    void aShortBufferIsE2bigAndDoesNotMoveThePosition() {
        try (OpenFile file = sim.open(DeviceNode.ALLOWLIST, OpenFlags.O_RDONLY)) {
            MemorySegment buffer = arena.allocate(64);
            assertErrno(E2BIG, file.read(buffer, 59));
            assertEquals(60, file.read(buffer, 60));
            assertEquals("#MSR", text(buffer, 4), "still the first entry");
            assertErrno(E2BIG, file.read(buffer, 29));
            assertEquals(30, file.read(buffer, 30));
        }
    }

    @Test
    void wideAddressesPrintMoreDigits() {
        sim.kernel.installAllowlist(io.github.msrsafe.allowlist.Allowlist.of(
                new AllowlistEntry(0x10, 0), new AllowlistEntry(0x1_0000_0010L, -1L)));
        try (OpenFile file = sim.open(DeviceNode.ALLOWLIST, OpenFlags.O_RDONLY)) {
            MemorySegment buffer = arena.allocate(64);
            assertEquals(60, file.read(buffer, 64));
            assertErrno(E2BIG, file.read(buffer, 30));
            assertEquals(31, file.read(buffer, 64));
            assertEquals("0x100000010 0xFFFFFFFFFFFFFFFF\n", text(buffer, 31));
        }
    }

    @Test
    void anEmptyAllowlistReadsZeroBytes() {
        sim.kernel.installAllowlist(io.github.msrsafe.allowlist.Allowlist.EMPTY);
        try (OpenFile file = sim.open(DeviceNode.ALLOWLIST, OpenFlags.O_RDONLY)) {
            assertEquals(0, file.read(arena.allocate(64), 64));
        }
    }

    @Test
    void theAllowlistCannotSeek() {
        try (OpenFile file = sim.open(DeviceNode.ALLOWLIST, OpenFlags.O_RDWR)) {
            assertErrno(ESPIPE, file.pread(arena.allocate(64), 64, 0));
            assertErrno(ESPIPE, file.pwrite(bytes("0x10 0\n"), 7, 0));
        }
    }

    // ---- allowlist write ----

    @Test
    void aWriteReplacesTheListAndAccessFollowsIt() {
        try (OpenFile list = sim.open(DeviceNode.ALLOWLIST, OpenFlags.O_WRONLY);
             OpenFile cpu = sim.openCpu(0)) {
            String text = "# new list\n0x10 0xFFFFFFFFFFFFFFFF\n0x199 0\n";
            assertEquals(text.length(), list.write(bytes(text), text.length()));
            assertEquals(List.of(new AllowlistEntry(TSC, -1L), new AllowlistEntry(PERF_CTL, 0)),
                    sim.kernel.allowlist().entries());
            assertErrno(EACCES, cpu.pwrite(SimFixture.longBuffer(arena, 1), 8, PERF_CTL), "now read-only");
            assertErrno(EACCES, cpu.pread(arena.allocate(8), 8, MISC), "no longer listed");
            assertEquals(8, cpu.pwrite(SimFixture.longBuffer(arena, 1000), 8, TSC));
            assertEquals(1000, sim.kernel.peek(0, TSC));
        }
    }

    @Test
    void writesOfAtMostTwoBytesClearTheList() {
        for (String text : new String[] {"\n", "", "x\n", "ab"}) {
            sim.kernel.installAllowlist(io.github.msrsafe.allowlist.Allowlist.of(new AllowlistEntry(TSC, 0)));
            try (OpenFile list = sim.open(DeviceNode.ALLOWLIST, OpenFlags.O_WRONLY)) {
                assertEquals(text.length(), list.write(bytes(text), text.length()));
            }
            assertEquals(List.of(), sim.kernel.allowlist().entries(), () -> "after writing " + text.length() + " bytes");
        }
    }

    @Test
    void writesOver128KibAreE2bigAndKeepTheList() {
        List<AllowlistEntry> before = sim.kernel.allowlist().entries();
        byte[] big = new byte[131_073];
        java.util.Arrays.fill(big, (byte) '\n');
        byte[] first = "0x10 0\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(first, 0, big, 0, first.length);
        try (OpenFile list = sim.open(DeviceNode.ALLOWLIST, OpenFlags.O_WRONLY)) {
            MemorySegment buffer = arena.allocate(big.length);
            MemorySegment.copy(MemorySegment.ofArray(big), 0, buffer, 0, big.length);
            assertErrno(E2BIG, list.write(buffer, big.length));
            assertEquals(before, sim.kernel.allowlist().entries());
            assertEquals(131_072, list.write(buffer, 131_072), "exactly 128 KiB is accepted");
            assertEquals(List.of(new AllowlistEntry(TSC, 0)), sim.kernel.allowlist().entries());
        }
    }

    @Test
    void aNulByteEndsTheInput() {
        String text = "0x10 0\n0x199 0xFF\n\0 this is not parsed 0x611";
        try (OpenFile list = sim.open(DeviceNode.ALLOWLIST, OpenFlags.O_WRONLY)) {
            assertEquals(text.length(), list.write(bytes(text), text.length()));
        }
        assertEquals(List.of(new AllowlistEntry(TSC, 0), new AllowlistEntry(PERF_CTL, 0xFF)),
                sim.kernel.allowlist().entries());
    }

    @Test
    void firstPassErrorsReturnTheErrnoAndKeepTheList() {
        List<AllowlistEntry> before = sim.kernel.allowlist().entries();
        record Case(String text, io.github.msrsafe.Errno errno) {}
        for (Case c : List.of(
                new Case("0x10 zz\n", EINVAL),
                new Case("0x10 0x10000000000000000\n", ERANGE),
                new Case("0x10 0", EILSEQ),
                new Case("# only a comment\n", ENOMSG),
                new Case("0x10 0\n0x199\n", EILSEQ))) {
            try (OpenFile list = sim.open(DeviceNode.ALLOWLIST, OpenFlags.O_WRONLY)) {
                assertErrno(c.errno(), list.write(bytes(c.text()), c.text().length()));
            }
            assertEquals(before, sim.kernel.allowlist().entries(), c.text());
        }
    }

    @Test
    void aDuplicateAddressIsEnotuniqAndLeavesTheListEmpty() {
        String text = "0x10 0\n0x199 0xFFFF\n0x10 0\n";
        try (OpenFile list = sim.open(DeviceNode.ALLOWLIST, OpenFlags.O_WRONLY);
             OpenFile cpu = sim.openCpu(0)) {
            assertErrno(ENOTUNIQ, list.write(bytes(text), text.length()));
            assertEquals(List.of(), sim.kernel.allowlist().entries());
            assertErrno(EACCES, cpu.pread(arena.allocate(8), 8, PERF_CTL));
        }
    }

    @Test
    void anAddressAbove32BitsIsStoredButUnreachable() {
        String text = "0x100000199 0xFFFF\n";
        try (OpenFile list = sim.open(DeviceNode.ALLOWLIST, OpenFlags.O_WRONLY);
             OpenFile cpu = sim.openCpu(0)) {
            assertEquals(text.length(), list.write(bytes(text), text.length()));
            assertEquals(List.of(new AllowlistEntry(0x1_0000_0199L, 0xFFFF)), sim.kernel.allowlist().entries());
            assertErrno(EACCES, cpu.pread(arena.allocate(8), 8, 0x1_0000_0199L), "the offset truncates to 0x199");
        }
    }

    @Test
    void accessModesOfTheAllowlistFile() {
        try (OpenFile readOnly = sim.open(DeviceNode.ALLOWLIST, OpenFlags.O_RDONLY);
             OpenFile writeOnly = sim.open(DeviceNode.ALLOWLIST, OpenFlags.O_WRONLY)) {
            assertErrno(EBADF, readOnly.write(bytes("0x10 0\n"), 7));
            assertErrno(EBADF, writeOnly.read(arena.allocate(64), 64));
            assertEquals(7, sim.kernel.allowlist().size());
        }
    }

    private MemorySegment bytes(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        MemorySegment buffer = arena.allocate(Math.max(1, bytes.length));
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, buffer, 0, bytes.length);
        return buffer;
    }
}
