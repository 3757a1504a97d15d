package io.github.msrsafe.save;

import io.github.msrsafe.CpuRanges;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.save.SnapshotException.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-describing text format: a hand-written file, round trips and every kind of damage. */
class MsrSnapshotTextTest {

    /** The entries of {@link MsrSnapshotRawTest}; fingerprint from sha256sum of their kernel lines. */
    static final String FINGERPRINT = "sha256:e707b7468a23ea6e61335aa62675a9076b582454c283f281ce3f2f3fc5067b3a";

    static final String HAND_WRITTEN = """
            # written by hand for this test
            msrsafe-snapshot 1
            saved 2026-11-01T08:00:00Z
            allowlist %s entries 4
            cpus 0-1
            columns cpu msr mask value
            0 0x000000CE 0x0000000000000000 read-only
            0 0x00000199 0x000000000000FFFF 0x0000000000001C00
            0 0x000000E7 0xFFFFFFFFFFFFFFFF 0x0000000123456789
            0 0x000001A0 0x0000000000400000 failed
            1 0x000000CE 0x0000000000000000 read-only
            1 0x00000199 0x000000000000FFFF failed
            1 0x000000E7 0xFFFFFFFFFFFFFFFF failed
            1 0x000001A0 0x0000000000400000 0x0000000000400000
            end 8
            """.formatted(FINGERPRINT);

    @TempDir
    Path dir;

    @Test
    void readsAHandWrittenFile() throws IOException {
        Path file = Files.writeString(dir.resolve("state.txt"), HAND_WRITTEN);
        MsrSnapshot snapshot = MsrSnapshot.readText(file);
        assertEquals(List.of(0, 1), snapshot.cpus());
        assertEquals(MsrSnapshotRawTest.ENTRIES, snapshot.entries());
        assertEquals(Instant.parse("2026-11-01T08:00:00Z"), snapshot.savedAt());
        assertEquals(OptionalLong.of(0x1C00), snapshot.value(0, 0x199));
        assertEquals(OptionalLong.of(0x1_2345_6789L), snapshot.value(0, 0xE7));
        assertEquals(OptionalLong.empty(), snapshot.value(0, 0x1A0));
        assertEquals(OptionalLong.empty(), snapshot.value(1, 0xE7));
        assertEquals(OptionalLong.of(0x40_0000), snapshot.value(1, 0x1A0));
        // The same state as the hand-written raw file: the two formats hold the same slots.
        assertArrayEquals(MsrSnapshotRawTest.HAND_WRITTEN, snapshot.toRawBytes());
        assertEquals(FINGERPRINT, snapshot.allowlistFingerprint());
        assertEquals(SnapshotFormat.TEXT, SnapshotFormat.detect(file));
    }

    @Test
    void theWriterProducesTheDocumentedLines() throws IOException {
        MsrSnapshot snapshot = MsrSnapshot.readText(Files.writeString(dir.resolve("in.txt"), HAND_WRITTEN));
        String text = snapshot.toText();
        // Same data lines and header as the hand-written file; only the comments differ.
        assertEquals(withoutComments(HAND_WRITTEN), withoutComments(text));
        assertTrue(text.startsWith("# MSR state saved by msrsafe-java."), text);
        Path out = dir.resolve("out.txt");
        snapshot.writeText(out);
        assertEquals(snapshot, MsrSnapshot.readText(out));
        assertEquals(SnapshotFormat.TEXT, SnapshotFormat.detect(out));
    }

    private static List<String> withoutComments(String text) {
        return text.lines().filter(line -> !line.startsWith("#")).toList();
    }

    @Property(tries = 200)
    void everyCutBeforeTheEndLineIsRefused(@ForAll @IntRange(min = 0, max = 10_000) int cutSeed) {
        // Dropping only the final newline keeps the file whole; any shorter prefix loses data.
        int cut = cutSeed % (HAND_WRITTEN.length() - 1);
        String truncated = HAND_WRITTEN.substring(0, cut);
        SnapshotException e = assertThrows(SnapshotException.class, () -> MsrSnapshot.fromText(truncated, null),
                "cut at " + cut);
        assertTrue(Set.of(Problem.TRUNCATED, Problem.MALFORMED).contains(e.problem()), e.problem() + ": " + e.getMessage());
    }

    @Test
    void aFileCutAtALineBoundaryIsTruncated() {
        String truncated = HAND_WRITTEN.substring(0, HAND_WRITTEN.indexOf("1 0x00000199"));
        SnapshotException e = assertThrows(SnapshotException.class, () -> MsrSnapshot.fromText(truncated, null));
        assertEquals(Problem.TRUNCATED, e.problem());
        assertTrue(e.getMessage().contains("CPU 1, allowlist entry 2 of 4"), e.getMessage());
    }

    @Test
    void anythingAfterTheEndLineIsRefused() {
        for (String extra : List.of("0 0x00000010 0x0000000000000000 read-only\n", "end 8\n", "# appended\n", "x")) {
            SnapshotException e = assertThrows(SnapshotException.class, () -> MsrSnapshot.fromText(HAND_WRITTEN + extra, null));
            assertEquals(Problem.TRAILING_DATA, e.problem(), extra);
        }
        // Blank lines at the end are harmless.
        assertEquals(8, assertDoesNotThrow(HAND_WRITTEN + "\n\n").slotCount());
    }

    @Test
    void aMaskEditedOnEveryCpuNoLongerMatchesTheFingerprint() {
        String edited = HAND_WRITTEN.replace("0x00000199 0x000000000000FFFF", "0x00000199 0x00000000FFFFFFFF");
        SnapshotException e = assertThrows(SnapshotException.class, () -> MsrSnapshot.fromText(edited, null));
        assertEquals(Problem.MALFORMED, e.problem());
        assertTrue(e.getMessage().contains("fingerprint"), e.getMessage());
    }

    @Test
    void aMaskEditedOnOneCpuIsRefused() {
        String edited = HAND_WRITTEN.replace("1 0x00000199 0x000000000000FFFF", "1 0x00000199 0x00000000000000FF");
        SnapshotException e = assertThrows(SnapshotException.class, () -> MsrSnapshot.fromText(edited, null));
        assertEquals(Problem.MALFORMED, e.problem());
        assertTrue(e.getMessage().contains("where CPU 0 listed"), e.getMessage());
    }

    @Test
    void damagedLinesAreRefusedWithTheirLineNumber() {
        record Damage(String from, String to, String expected) {}
        for (Damage damage : List.of(
                new Damage("0x0000000000001C00", "0x0000000000011C00", "outside its write mask"),
                new Damage("0 0x00000199 0x000000000000FFFF 0x0000000000001C00", "0 0x00000199 0x000000000000FFFF",
                        "expected \"cpu msr mask value\""),
                new Damage("1 0x000000CE", "2 0x000000CE", "expected CPU 1"),
                new Damage("0x0000000123456789", "0xFB6A58813AEA28CF", "failed-read cookie"),
                new Damage("0 0x000000CE 0x0000000000000000 read-only", "0 0x000000CE 0x0000000000000000 0x0", "read-only"),
                new Damage("end 8", "end 9", "the end line counts 9"),
                new Damage("saved 2026-11-01T08:00:00Z", "saved yesterday", "ISO-8601"),
                new Damage("msrsafe-snapshot 1", "msrsafe-snapshot 2", "not a msrsafe-java text snapshot"),
                new Damage("cpus 0-1", "cpus 1-0", "ascending"),
                new Damage("0x000000E7 0xFFFFFFFFFFFFFFFF failed", "0x000000E7 0xFFFFFFFFFFFFFFFF 0xZZ", "hex digits"))) {
            String damaged = HAND_WRITTEN.replace(damage.from(), damage.to());
            assertNotEquals(HAND_WRITTEN, damaged, damage.from());
            SnapshotException e = assertThrows(SnapshotException.class, () -> MsrSnapshot.fromText(damaged, null),
                    damage.to());
            assertEquals(Problem.MALFORMED, e.problem(), e.getMessage());
            assertTrue(e.getMessage().contains(damage.expected()), damage.expected() + " in: " + e.getMessage());
        }
    }

    @Test
    void aRawFileIsNotMistakenForText() throws IOException {
        Path raw = Files.write(dir.resolve("raw"), MsrSnapshotRawTest.HAND_WRITTEN);
        assertEquals(SnapshotFormat.RAW, SnapshotFormat.detect(raw));
        SnapshotException e = assertThrows(SnapshotException.class, () -> MsrSnapshot.readText(raw));
        assertEquals(Problem.MALFORMED, e.problem());
    }

    @Test
    void formatNamesParse() {
        assertEquals(SnapshotFormat.RAW, SnapshotFormat.parse("raw"));
        assertEquals(SnapshotFormat.RAW, SnapshotFormat.parse("MSRSAVE"));
        assertEquals(SnapshotFormat.TEXT, SnapshotFormat.parse("Text"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SnapshotFormat.parse("json"));
        assertTrue(e.getMessage().contains("'json'"), e.getMessage());
    }

    @Test
    void cpuRangesRoundTrip() {
        List<Integer> cpus = List.of(0, 1, 2, 3, 5, 8, 9, 10, 11);
        assertEquals("0-3,5,8-11", CpuRanges.format(cpus));
        assertEquals(cpus, CpuRanges.parse("0-3,5,8-11"));
        assertEquals(List.of(), CpuRanges.parse(CpuRanges.format(List.of())));
        assertThrows(IllegalArgumentException.class, () -> CpuRanges.parse("3,1"));
        assertThrows(IllegalArgumentException.class, () -> CpuRanges.parse("a-b"));
    }

    private static MsrSnapshot assertDoesNotThrow(String text) {
        try {
            return MsrSnapshot.fromText(text, null);
        } catch (SnapshotException e) {
            throw new AssertionError(e);
        }
    }
}
