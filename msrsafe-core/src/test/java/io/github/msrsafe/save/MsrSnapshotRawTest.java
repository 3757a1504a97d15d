package io.github.msrsafe.save;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.save.SnapshotException.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The raw msrsave format against files written by hand to the documented layout:
 * little-endian u64, index cpu * nmsr + i, a slot for every entry (read-only ones hold 0),
 * failed reads as ~mask or the cookie 0xFB6A58813AEA28CF for an all-ones mask.
 */
class MsrSnapshotRawTest {

    static final List<Integer> CPUS = List.of(0, 1);
    static final List<AllowlistEntry> ENTRIES = List.of(
            new AllowlistEntry(0xCE, 0),                      // read-only: slot holds 0
            new AllowlistEntry(0x199, 0xFFFF),
            new AllowlistEntry(0xE7, -1L),                    // all ones: failed read = cookie
            new AllowlistEntry(0x1A0, 0x0040_0000));

    /** The file, byte by byte: CPU 0's four slots, then CPU 1's. */
    static final String HAND_WRITTEN_HEX = ""
            + "0000000000000000"   // cpu 0, 0xCE  read-only: 0
            + "001C000000000000"   // cpu 0, 0x199 = 0x1C00
            + "8967452301000000"   // cpu 0, 0xE7  = 0x123456789
            + "FFFFBFFFFFFFFFFF"   // cpu 0, 0x1A0 failed: ~0x400000 = 0xFFFFFFFFFFBFFFFF
            + "0000000000000000"   // cpu 1, 0xCE  read-only: 0
            + "0000FFFFFFFFFFFF"   // cpu 1, 0x199 failed: ~0xFFFF = 0xFFFFFFFFFFFF0000
            + "CF28EA3A81586AFB"   // cpu 1, 0xE7  failed: cookie 0xFB6A58813AEA28CF
            + "0000400000000000";  // cpu 1, 0x1A0 = 0x400000

    static final byte[] HAND_WRITTEN = HexFormat.of().parseHex(HAND_WRITTEN_HEX);

    @TempDir
    Path dir;

    @Test
    void readsAHandWrittenFileSlotBySlot() throws IOException {
        Path file = Files.write(dir.resolve("msr.save"), HAND_WRITTEN);
        MsrSnapshot snapshot = MsrSnapshot.readRaw(file, CPUS, ENTRIES);

        assertEquals(0L, snapshot.slot(0, 0));
        assertEquals(0x1C00L, snapshot.slot(0, 1));
        assertEquals(0x1_2345_6789L, snapshot.slot(0, 2));
        assertEquals(0xFFFF_FFFF_FFBF_FFFFL, snapshot.slot(0, 3));
        assertEquals(0L, snapshot.slot(1, 0));
        assertEquals(0xFFFF_FFFF_FFFF_0000L, snapshot.slot(1, 1));
        assertEquals(0xFB6A_5881_3AEA_28CFL, snapshot.slot(1, 2));
        assertEquals(0x40_0000L, snapshot.slot(1, 3));

        assertEquals(OptionalLong.of(0x1C00), snapshot.value(0, 0x199));
        assertEquals(OptionalLong.of(0x1_2345_6789L), snapshot.value(0, 0xE7));
        assertEquals(OptionalLong.empty(), snapshot.value(0, 0x1A0), "~mask marks a failed read");
        assertEquals(OptionalLong.empty(), snapshot.value(1, 0x199), "~mask marks a failed read");
        assertEquals(OptionalLong.empty(), snapshot.value(1, 0xE7), "the cookie marks a failed read under an all-ones mask");
        assertEquals(OptionalLong.of(0x40_0000), snapshot.value(1, 0x1A0));
        assertEquals(OptionalLong.of(0), snapshot.value(1, 0xCE), "a read-only slot holds 0 and is not a failure");
        assertEquals(3, snapshot.failedReadCount());
        assertEquals(Files.getLastModifiedTime(file).toInstant(), snapshot.savedAt());
    }

    @Test
    void writesTheSameBytesAsTheHandWrittenFile() throws IOException {
        long[] slots = {
            0, 0x1C00, 0x1_2345_6789L, MsrSnapshot.failedReadMarker(0x40_0000),
            0, MsrSnapshot.failedReadMarker(0xFFFF), MsrSnapshot.failedReadMarker(-1L), 0x40_0000};
        MsrSnapshot snapshot = new MsrSnapshot(CPUS, ENTRIES, slots, Instant.EPOCH);
        Path file = dir.resolve("written.save");
        snapshot.writeRaw(file);
        assertArrayEquals(HAND_WRITTEN, Files.readAllBytes(file), "msrsave's bytes exactly; the record is beside them");
        assertArrayEquals(HAND_WRITTEN, snapshot.toRawBytes());
        assertEquals(dir.resolve("written.save.fingerprint"), MsrSnapshot.rawRecordFile(file));
        String record = Files.readString(MsrSnapshot.rawRecordFile(file));
        assertTrue(record.contains("\nmsrsafe-raw-record 1\nraw sha256:") && record.contains(" bytes 64\n")
                && record.contains("\nallowlist " + snapshot.allowlistFingerprint() + " entries 4\ncpus 0-1\n"), record);
    }

    @Test
    void theSlotIndexIsCpuMajor() {
        MsrSnapshot snapshot = new MsrSnapshot(List.of(0, 1, 2), ENTRIES, new long[12], Instant.EPOCH);
        assertEquals(0, snapshot.slotIndex(0, 0));
        assertEquals(3, snapshot.slotIndex(0, 3));
        assertEquals(4, snapshot.slotIndex(1, 0));
        assertEquals(2 * 4 + 1, snapshot.slotIndex(2, 1));
    }

    @Test
    void positionsMapToTheOnlineCpuNumbers() throws IOException {
        // msrsave numbers CPUs 0..n-1; with CPUs 0 and 2 online, position 1 is CPU 2.
        Path file = Files.write(dir.resolve("gap.save"), HAND_WRITTEN);
        MsrSnapshot snapshot = MsrSnapshot.readRaw(file, List.of(0, 2), ENTRIES);
        assertEquals(OptionalLong.of(0x40_0000), snapshot.value(2, 0x1A0));
        assertThrows(IllegalArgumentException.class, () -> snapshot.value(1, 0x1A0));
    }

    static Stream<byte[]> wrongSizes() {
        return Stream.of(
                new byte[0],
                Arrays.copyOf(HAND_WRITTEN, HAND_WRITTEN.length - 1),     // last byte lost
                Arrays.copyOf(HAND_WRITTEN, HAND_WRITTEN.length - 8),     // last value lost
                Arrays.copyOf(HAND_WRITTEN, HAND_WRITTEN.length + 1),     // one byte appended
                Arrays.copyOf(HAND_WRITTEN, HAND_WRITTEN.length + 32),    // a third CPU's worth
                Arrays.copyOf(HAND_WRITTEN, HAND_WRITTEN.length * 2));
    }

    @Test
    void refusesEveryFileThatIsNotExactlyCpusTimesEntriesTimesEight() throws IOException {
        for (byte[] content : wrongSizes().toList()) {
            Path file = Files.write(dir.resolve("wrong-" + content.length), content);
            SnapshotException e = assertThrows(SnapshotException.class, () -> MsrSnapshot.readRaw(file, CPUS, ENTRIES),
                    content.length + " bytes");
            // Not a whole number of values, or none, fits no node: the file is damaged (restore's status 12, not 11).
            boolean fitsSomething = content.length % 8 == 0 && content.length > 0;
            assertEquals(fitsSomething ? Problem.SIZE_MISMATCH : Problem.MALFORMED, e.problem(), e.getMessage());
            assertEquals(fitsSomething ? SnapshotException.Category.DOES_NOT_FIT
                    : SnapshotException.Category.DAMAGED, e.problem().category());
            assertEquals(Optional.of(file), e.file());
            assertTrue(e.getMessage().contains("must be exactly 64 bytes"), e.getMessage());
            assertTrue(e.getMessage().contains("has " + content.length + " bytes"), e.getMessage());
        }
    }

    @Test
    void theSizeMessageSaysWhichCpuCountOrAllowlistWouldFit() throws IOException {
        Path threeCpus = Files.write(dir.resolve("three"), new byte[3 * 4 * 8]);
        SnapshotException cpus = assertThrows(SnapshotException.class, () -> MsrSnapshot.readRaw(threeCpus, CPUS, ENTRIES));
        assertTrue(cpus.getMessage().contains("fits 3 CPUs"), cpus.getMessage());

        Path fiveEntries = Files.write(dir.resolve("five"), new byte[2 * 5 * 8]);
        SnapshotException entries = assertThrows(SnapshotException.class, () -> MsrSnapshot.readRaw(fiveEntries, CPUS, ENTRIES));
        assertTrue(entries.getMessage().contains("fits 5 allowlist entries"), entries.getMessage());

        Path odd = Files.write(dir.resolve("odd"), new byte[61]);
        SnapshotException damaged = assertThrows(SnapshotException.class, () -> MsrSnapshot.readRaw(odd, CPUS, ENTRIES));
        assertTrue(damaged.getMessage().contains("not a whole number of 8-byte values"), damaged.getMessage());

        // An empty file fitted "0 CPUs" and was a CPU-count mismatch (status 11): it is damaged.
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        SnapshotException none = assertThrows(SnapshotException.class, () -> MsrSnapshot.readRaw(empty, CPUS, ENTRIES));
        assertEquals(Problem.MALFORMED, none.problem());
        assertTrue(none.getMessage().contains("an empty file is not a saved state"), none.getMessage());
    }

    @Property
    void aMaskedValueIsNeverAFailedReadExceptTheCookie(@ForAll long value, @ForAll long mask) {
        boolean failed = MsrSnapshot.isFailedRead(value & mask, mask);
        assertEquals(mask == -1L && value == MsrSnapshot.FAILED_READ_COOKIE, failed);
    }

    @Property
    void theMarkerOfAnyMaskIsAFailedRead(@ForAll long mask) {
        long marker = MsrSnapshot.failedReadMarker(mask);
        assertTrue(MsrSnapshot.isFailedRead(marker, mask));
        assertEquals(mask == -1L ? 0xFB6A58813AEA28CFL : ~mask, marker);
    }

    @Property
    void rawBytesRoundTrip(@ForAll long a, @ForAll long b, @ForAll long c, @ForAll long d) throws SnapshotException {
        List<AllowlistEntry> entries = List.of(new AllowlistEntry(0x10, -1L), new AllowlistEntry(0x11, -1L));
        MsrSnapshot snapshot = new MsrSnapshot(List.of(0, 1), entries, new long[] {a, b, c, d}, Instant.EPOCH);
        byte[] raw = snapshot.toRawBytes();
        // Little-endian: the first byte is the low byte of the first slot.
        assertEquals((byte) a, raw[0]);
        assertEquals((byte) (a >>> 56), raw[7]);
        assertEquals((byte) d, raw[24]);
        assertEquals(snapshot, MsrSnapshot.fromRawBytes(raw, List.of(0, 1), entries, Instant.EPOCH, null));
    }

    @Test
    void aSnapshotCopiesItsArrayAndChecksItsShape() {
        long[] slots = new long[8];
        MsrSnapshot snapshot = new MsrSnapshot(CPUS, ENTRIES, slots, Instant.EPOCH);
        slots[1] = 42;
        assertEquals(0, snapshot.slot(0, 1));
        snapshot.slots()[1] = 42;
        assertEquals(0, snapshot.slot(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new MsrSnapshot(CPUS, ENTRIES, new long[7], Instant.EPOCH));
        assertThrows(IllegalArgumentException.class, () -> new MsrSnapshot(List.of(1, 0), ENTRIES, new long[8], Instant.EPOCH));
        assertThrows(IllegalArgumentException.class, () -> new MsrSnapshot(CPUS,
                List.of(new AllowlistEntry(0x10, 0), new AllowlistEntry(0x10, 1)), new long[4], Instant.EPOCH));
    }

    @Test
    void theFingerprintIsTheSha256OfTheKernelReadBackLines() {
        // printf "0x00000010 0xFFFFFFFFFFFFFFFF\n0x00000199 0x000000000000FFFF\n" | sha256sum
        List<AllowlistEntry> entries = List.of(new AllowlistEntry(0x10, -1L), new AllowlistEntry(0x199, 0xFFFF));
        assertEquals("sha256:bce3e302cfe555af375c285eef9d0bb3bdce3d5f00a116890891c6071489900b",
                MsrSnapshot.allowlistFingerprint(entries));
        assertFalse(MsrSnapshot.allowlistFingerprint(entries).equals(
                MsrSnapshot.allowlistFingerprint(List.of(entries.get(1), entries.get(0)))), "order matters");
    }
}
