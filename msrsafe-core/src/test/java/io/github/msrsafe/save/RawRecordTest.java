package io.github.msrsafe.save;

import static io.github.msrsafe.save.MsrStateTest.ALLOWLIST;
import static io.github.msrsafe.save.MsrStateTest.MPERF;
import static io.github.msrsafe.save.MsrStateTest.PERF_CTL;
import static io.github.msrsafe.save.MsrStateTest.device;
import static io.github.msrsafe.save.MsrStateTest.distinctState;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.save.SnapshotException.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A raw (msrsave) file has no header: the record saved beside it is what tells restore which
 * allowlist and CPUs its slots belong to. Without it, the same entries in another order would
 * put every saved value into another register.
 */
class RawRecordTest {

    @TempDir
    Path dir;

    /** Every register's value on every CPU, to show that nothing at all was written. */
    private static List<Long> everything(SimulatedDevice device) {
        List<Long> values = new ArrayList<>();
        for (int cpu = 0; cpu < device.cpuCount(); cpu++) {
            for (long msr : List.of(MsrStateTest.PLATFORM_INFO, MPERF, PERF_CTL, MsrStateTest.MISC_ENABLE,
                    MsrStateTest.POWER_LIMIT)) {
                values.add(device.peek(cpu, msr));
            }
        }
        return values;
    }

    @Test
    void theSameEntriesReinstalledInAnotherOrderAreRefusedAndNothingIsWritten() throws IOException {
        // The case that wrote 12 registers with other registers' values, silently: same length, same masks
        // per address, a device node whose time the module does not change.
        SimulatedDevice device = device(4);
        distinctState(device);
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file);
        }
        List<AllowlistEntry> reordered = new ArrayList<>(ALLOWLIST);
        Collections.reverse(reordered);
        device.installAllowlist(reordered);
        try (MsrSafe msr = device.open()) {
            msr.write(1, PERF_CTL, 0x2A00);
            List<Long> before = everything(device);
            for (RestoreOptions options : List.of(RestoreOptions.defaults(), RestoreOptions.defaults().withForce(true),
                    RestoreOptions.defaults().withDryRun(true))) {
                SnapshotException e = assertThrows(SnapshotException.class, () -> MsrState.restore(msr, file, options));
                assertEquals(Problem.ALLOWLIST_MISMATCH, e.problem(), e.getMessage());
                assertTrue(e.getMessage().contains("its record (msr.save.fingerprint) says it was saved under allowlist sha256:")
                        && e.getMessage().contains("(7 entries) is installed: the same length, so other entries, other"
                                + " masks or another order") && e.getMessage().endsWith("Nothing was restored."), e.getMessage());
                assertEquals(before, everything(device), "nothing written");
            }
        }
        // Put back in the order it was saved under, the file restores.
        device.installAllowlist(ALLOWLIST);
        try (MsrSafe msr = device.open()) {
            RestoreReport report = MsrState.restore(msr, file, RestoreOptions.defaults());
            assertFalse(report.forced());
            assertFalse(report.allowlistAgeChecked(), "the record proves the allowlist; the age rule is not needed");
            assertEquals(0x1001, device.peek(1, PERF_CTL));
        }
    }

    @Test
    void aRawFileWithoutItsRecordNeedsForceAndSaysWhy() throws IOException {
        SimulatedDevice device = device(2);
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file);
            Files.delete(MsrSnapshot.rawRecordFile(file));
            long saved = device.peek(0, MPERF);
            msr.write(0, MPERF, 5);
            SnapshotException e = assertThrows(SnapshotException.class, () -> MsrState.restore(msr, file,
                    RestoreOptions.defaults()));
            assertEquals(Problem.UNVERIFIED, e.problem());
            assertEquals(file + ": this raw msrsave file cannot be matched to the installed allowlist: it has no record of"
                    + " the allowlist it was saved under (no msr.save.fingerprint beside it: msrsave saved it, or it was"
                    + " copied without its record). A raw file is only values; under the same entries in another order each"
                    + " would be written to another register. If you know it was saved under the installed allowlist on"
                    + " these CPUs, restore it with --force (RestoreOptions.withForce); save with 'msrsafe save' (which"
                    + " writes the record) or in the text format to avoid this. Nothing was restored.", e.getMessage());
            assertEquals(5, device.peek(0, MPERF));

            RestoreReport forced = MsrState.restore(msr, file, RestoreOptions.defaults().withForce(true));
            assertTrue(forced.forced());
            assertEquals(saved, device.peek(0, MPERF), "restored on --force's word");
        }
    }

    @Test
    void aRecordOfOtherContentsDoesNotVouchForTheFile() throws IOException {
        // msrsave rewrote the file (or a save stopped between its two renames): the record is stale.
        SimulatedDevice device = device(2);
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file);
            byte[] raw = Files.readAllBytes(file);
            raw[9] ^= 1;
            Files.write(file, raw);
            SnapshotException e = assertThrows(SnapshotException.class, () -> MsrState.restore(msr, file,
                    RestoreOptions.defaults()));
            assertEquals(Problem.UNVERIFIED, e.problem());
            assertTrue(e.getMessage().contains("its record msr.save.fingerprint was written for other contents"), e.getMessage());
        }
    }

    @Test
    void aRecordOfOtherCpusIsRefusedEvenWhenForced() throws IOException {
        // Saved on CPUs 0-2; restored on CPUs 0,1,3: the same count, so the size cannot tell; the record can.
        SimulatedDevice device = device(4, 3);
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file);
        }
        device.setOnline(3, true);
        device.setOnline(2, false);
        try (MsrSafe msr = device.open()) {
            SnapshotException e = assertThrows(SnapshotException.class, () -> MsrState.restore(msr, file,
                    RestoreOptions.defaults().withForce(true)));
            assertEquals(Problem.CPU_MISMATCH, e.problem(), e.getMessage());
            assertEquals(file + ": its record (msr.save.fingerprint) says it was saved on CPUs 0-2 but CPUs 0-1,3 are"
                    + " online now; bring the same CPUs online (or save again). Nothing was restored.", e.getMessage());
        }
    }

    @Test
    void aDamagedRecordIsRefusedAsDamaged() throws IOException {
        SimulatedDevice device = device(2);
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file);
            Path record = MsrSnapshot.rawRecordFile(file);
            for (String damaged : List.of("", "msrsafe-raw-record 1\n", Files.readString(record).replace("entries 7", "entries 8"),
                    Files.readString(record).replace("cpus 0-1", "cpus 0-999999999"), "\u00ff\u00fe garbage")) {
                Files.writeString(record, damaged, java.nio.charset.StandardCharsets.ISO_8859_1);
                SnapshotException e = assertThrows(SnapshotException.class, () -> MsrState.restore(msr, file,
                        RestoreOptions.defaults().withForce(true)));
                assertEquals(Problem.MALFORMED, e.problem(), e.getMessage());
                assertTrue(e.getMessage().contains("its record " + record + " is damaged: ")
                        && e.getMessage().endsWith("remove the record and restore with --force (RestoreOptions.withForce)."
                                + " Nothing was restored."), e.getMessage());
            }
        }
    }

    @Test
    void theRawFileStaysMsrsavesBytesAndTheRecordIsWrittenWithIt() throws IOException {
        SimulatedDevice device = device(2);
        distinctState(device);
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file);
        }
        assertArrayEquals(MsrStateTest.expectedRawFile(device, List.of(0, 1)), Files.readAllBytes(file));
        List<String> record = Files.readAllLines(MsrSnapshot.rawRecordFile(file)).stream()
                .filter(line -> !line.startsWith("#")).toList();
        assertEquals(5, record.size(), record.toString());
        assertEquals("msrsafe-raw-record 1", record.get(0));
        assertTrue(record.get(1).matches("raw sha256:[0-9a-f]{64} bytes 112"), record.get(1));
        assertEquals("allowlist " + MsrSnapshot.allowlistFingerprint(ALLOWLIST) + " entries 7", record.get(3));
        assertEquals("cpus 0-1", record.get(4));
    }

    @Test
    void aDirectoryOrAnEmptyNameIsRefusedBeforeAnyRegisterIsRead() throws IOException {
        SimulatedDevice device = device(2);
        try (MsrSafe msr = device.open()) {
            for (Path target : List.of(Path.of("/"), Path.of(""), dir)) {
                IOException e = assertThrows(IOException.class, () -> MsrState.save(msr, target));
                assertTrue(e.getMessage().contains("it is a directory; name a file to save to"), e.getMessage());
            }
        }
    }
}
