package io.github.msrsafe.save;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.msrsafe.AllocationMeter;
import io.github.msrsafe.AllocationMeter.Work;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.save.SnapshotException.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * State files a damaged disk, an interrupted copy or a mistyped path can produce. Each is
 * answered with a {@link SnapshotException} saying what is wrong, at a cost bounded by the
 * file's size and the node's, never by a count its header claims: the bounds are on the
 * calling thread's CPU time and allocation (which load does not inflate), and a preemptive
 * timeout guards against the hangs these inputs once caused.
 */
class HostileStateFilesTest {

    /** Far more than a refusal needs; far less than allocating what the headers claim. */
    static final long CPU_NANOS = 1_000_000_000L;
    static final long BYTES = 120L << 20;

    static final String ZEROS = "sha256:" + "0".repeat(64);

    @TempDir
    Path dir;

    static String header(String cpus, String entries) {
        return "msrsafe-snapshot 1\nsaved 2026-01-01T00:00:00Z\nallowlist " + ZEROS + " entries " + entries + "\ncpus "
                + cpus + "\ncolumns cpu msr mask value\n";
    }

    /** Parses within the bounds; returns what was thrown (null if it parsed). */
    static Throwable parseBounded(String text) {
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Work work = AllocationMeter.work(() -> MsrSnapshot.fromText(text, null));
            assertTrue(work.cpuNanos() < CPU_NANOS && work.allocatedBytes() < BYTES + 4L * text.length(), work::toString);
            assertTrue(work.thrown() == null || work.thrown() instanceof SnapshotException, work::toString);
            return work.thrown();
        });
    }

    @ParameterizedTest
    @CsvSource({"0-3, 2147483647", "0-3, 100000000", "0-65535, 32768", "none, 2147483647"})
    void aHeaderClaimingMoreLinesThanTheFileHoldsIsRefusedBeforeAnythingIsAllocated(String cpus, String entries) {
        // entries 2147483647 crashed restore with an OutOfMemoryError: the lists were allocated from the header.
        Throwable thrown = parseBounded(header(cpus, entries) + "0 0x00000010 0x0000000000000000 read-only\n");
        SnapshotException e = assertInstanceOf(SnapshotException.class, thrown);
        // With no CPUs the header promises no line, so the stray one is what is refused.
        assertEquals(cpus.equals("none") ? Problem.MALFORMED : Problem.TRUNCATED, e.problem(), e.getMessage());
    }

    @Test
    void theHeaderCheckSaysWhatItFound() {
        SnapshotException e = (SnapshotException) parseBounded(header("0-3", "2147483647") + "end 0\n");
        assertEquals("the header promises 8589934588 data lines (4 CPUs x 2147483647 entries) of at least 14 bytes each,"
                + " but only 6 bytes follow it: the file is truncated or its header was edited", e.getMessage());
    }

    @Test
    void aCpuRangeOfABillionIsRefusedBeforeItIsExpanded() {
        SnapshotException e = (SnapshotException) parseBounded(header("0-999999999", "1"));
        assertEquals(Problem.MALFORMED, e.problem());
        assertEquals("line 4: CPU list '0-999999999': CPU 999999999 is above 65535, the largest CPU number msr_safe can"
                + " address", e.getMessage());
    }

    @Test
    void tenMegabytesOfOneLineOrOfCommentsAreAnsweredAtOnce() {
        SnapshotException line = (SnapshotException) parseBounded("msrsafe-snapshot 1" + "x".repeat(10 << 20));
        assertEquals(Problem.MALFORMED, line.problem());
        assertTrue(line.getMessage().startsWith("line 1 is 10485778 characters long, more than any line of a snapshot"),
                line.getMessage());
        SnapshotException comments = (SnapshotException) parseBounded("# note\n".repeat((10 << 20) / 7));
        assertEquals(Problem.TRUNCATED, comments.problem());
    }

    @Test
    void tenMegabytesOfRawFileAreRefusedByTheirSizeWithoutBeingRead() throws Exception {
        Path file = Files.write(dir.resolve("big.msr"), new byte[10 << 20]);
        Work work = AllocationMeter.work(() -> MsrSnapshot.readRaw(file, List.of(0, 1), ENTRIES));
        assertTrue(work.cpuNanos() < CPU_NANOS && work.allocatedBytes() < (1L << 20), work::toString);
        SnapshotException e = assertInstanceOf(SnapshotException.class, work.thrown());
        assertEquals(Problem.SIZE_MISMATCH, e.problem());
        assertTrue(e.getMessage().contains("must be exactly 64 bytes (CPUs x entries x 8), but this one has 10485760 bytes"),
                e.getMessage());
    }

    @Test
    void aDeviceOrAPipeIsRefusedWithoutReadingIt() throws Exception {
        // restore --format text /dev/zero ran 88 s to 5.3 GB.
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.isReadable(zero), "no /dev/zero here");
        Path fifo = dir.resolve("fifo");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "no mkfifo here");
        SimulatedDevice device = MsrStateTest.device(2);
        try (MsrSafe msr = device.open()) {
            for (Path notAFile : List.of(zero, fifo, dir)) {
                for (SnapshotFormat format : SnapshotFormat.values()) {
                    SnapshotException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> org.junit.jupiter.api.Assertions
                            .assertThrows(SnapshotException.class, () -> MsrState.restore(msr, notAFile,
                                    RestoreOptions.defaults().withFormat(format))));
                    assertEquals(Problem.MALFORMED, e.problem(), e.getMessage());
                    assertTrue(e.getMessage().contains(", not a regular file; a saved state is a regular file"), e.getMessage());
                }
            }
            SnapshotException text = org.junit.jupiter.api.Assertions.assertThrows(SnapshotException.class,
                    () -> MsrSnapshot.readText(zero));
            assertEquals(Problem.MALFORMED, text.problem());
        }
    }

    @Test
    void restoreRefusesAHeaderForOtherCpusBeforeReadingTheLines() throws IOException {
        SimulatedDevice device = MsrStateTest.device(2);
        Path file = Files.writeString(dir.resolve("state.txt"), header("0-65535", "7") + "garbage\n");
        try (MsrSafe msr = device.open()) {
            SnapshotException e = org.junit.jupiter.api.Assertions.assertThrows(SnapshotException.class,
                    () -> MsrState.restore(msr, file, RestoreOptions.defaults()));
            assertEquals(Problem.CPU_MISMATCH, e.problem(), e.getMessage());
            Files.writeString(file, header("0-1", "70000") + "garbage\n");
            e = org.junit.jupiter.api.Assertions.assertThrows(SnapshotException.class,
                    () -> MsrState.restore(msr, file, RestoreOptions.defaults()));
            assertEquals(Problem.ALLOWLIST_MISMATCH, e.problem(), e.getMessage());
            assertTrue(e.getMessage().contains("(70000 entries) but allowlist sha256:"), e.getMessage());
        }
    }

    // ---- properties: any damage to a valid file, any bytes for a raw file

    private static final List<AllowlistEntry> ENTRIES = MsrSnapshotRawTest.ENTRIES;

    static String validText(long a, long b) {
        long[] slots = {0, a & 0xFFFF, b, MsrSnapshot.failedReadMarker(0x40_0000), 0, MsrSnapshot.failedReadMarker(0xFFFF),
            b == MsrSnapshot.FAILED_READ_COOKIE ? 0 : b, 0x40_0000};
        return new MsrSnapshot(List.of(0, 1), ENTRIES, slots, Instant.parse("2026-11-01T08:00:00Z")).toText();
    }

    @Provide
    Arbitrary<String> damagedTexts() {
        Arbitrary<String> valid = Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(HostileStateFilesTest::validText);
        Arbitrary<String> junk = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of("\n", "entries 2147483647", "cpus 0-999999999", "end 99999999999", "0x", "failed",
                        "read-only", "# c\n", "\r\n", "\u0000", "end 8\n", "cpus 0-65535\n", "99999999999999999999"));
        return Combinators.combine(valid, Arbitraries.integers().between(0, 100_000), junk,
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 200)).as((text, at, piece, how, cut) -> {
            int position = at % (text.length() + 1);
            return switch (how) {
                case 0 -> text.substring(0, position) + piece + text.substring(position);          // insert
                case 1 -> text.substring(0, position) + piece
                        + text.substring(Math.min(text.length(), position + piece.length()));      // overwrite
                case 2 -> text.substring(0, position) + text.substring(Math.min(text.length(), position + cut)); // delete
                default -> text.substring(0, position);                                             // truncate
            };
        });
    }

    @Property(tries = 2000)
    void anyDamageToATextFileIsRefusedWithinBoundsOrStillParses(@ForAll("damagedTexts") String text) {
        Throwable thrown = parseBounded(text);
        if (thrown != null) {
            String message = thrown.getMessage();
            assertTrue(message != null && !message.isBlank() && message.length() < 1000, message);
        }
    }

    @Property(tries = 300)
    void aRawFileOfAnyLengthIsReadOrRefusedWithinBounds(@ForAll @IntRange(max = 200) int length, @ForAll byte fill,
                                                        @ForAll boolean withRecord) throws Exception {
        // jqwik runs properties outside JUnit's lifecycle: no @TempDir here.
        Path file = Files.createTempFile("msrsafe-raw-", ".msr");
        Path record = MsrSnapshot.rawRecordFile(file);
        try {
            readRawWithinBounds(file, record, length, fill, withRecord);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(record);
        }
    }

    private static void readRawWithinBounds(Path file, Path record, int length, byte fill, boolean withRecord)
            throws Exception {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, fill);
        Files.write(file, bytes);
        if (withRecord) {
            Files.writeString(record, "msrsafe-raw-record 1\nraw " + ZEROS + " bytes " + length
                    + "\nsaved 2026-01-01T00:00:00Z\nallowlist " + ZEROS + " entries 4\ncpus 0-1\n", StandardCharsets.US_ASCII);
        }
        Work work = AllocationMeter.work(() -> MsrSnapshot.readRaw(file, List.of(0, 1), ENTRIES));
        assertTrue(work.cpuNanos() < CPU_NANOS && work.allocatedBytes() < BYTES, work::toString);
        if (length == 64 && !withRecord) {
            assertNull(work.thrown(), work::toString);
        } else {
            // A wrong size, or a record (here: of other bytes or of a malformed count) that does not vouch for it.
            assertTrue(work.thrown() == null || work.thrown() instanceof SnapshotException, work::toString);
        }
    }
}
