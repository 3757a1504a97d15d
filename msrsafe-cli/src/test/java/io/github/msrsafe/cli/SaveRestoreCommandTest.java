package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.allowlist.AllowlistEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code msrsafe save} and {@code msrsafe restore} on one simulated device whose clock stands
 * still, so the counters change only when a test changes them.
 */
class SaveRestoreCommandTest {

    static final long MPERF = 0xE7;
    static final long APERF = 0xE8;
    static final long PERF_CTL = 0x199;
    static final long POWER_LIMIT = 0x610;
    /** The standard allowlist's entries in order: 14, of which 4 are writable (MPERF, APERF, PERF_CTL, POWER_LIMIT). */
    static final List<AllowlistEntry> ALLOWLIST = SimulatedDevice.standardAllowlist();

    private final Cli cli = Cli.standard(new AtomicLong(1_000_000_000L));
    private final SimulatedDevice device = cli.device();

    @TempDir
    Path dir;

    /** Distinct values per CPU, so that a register restored on the wrong CPU shows. */
    private void distinctState() {
        for (int cpu = 0; cpu < 4; cpu++) {
            device.poke(cpu, MPERF, 0x1_0000_0000L * (cpu + 1) + 7);
            device.poke(cpu, APERF, 0x2_0000_0000L * (cpu + 1) + 9);
            device.poke(cpu, PERF_CTL, 0x1C00 + cpu);
        }
    }

    private static long slot(byte[] raw, int cpuPosition, long msr) {
        int index = -1;
        for (int i = 0; i < ALLOWLIST.size(); i++) {
            if (ALLOWLIST.get(i).address() == msr) {
                index = i;
            }
        }
        return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(8 * (cpuPosition * ALLOWLIST.size() + index));
    }

    private static byte[] withSlot(byte[] raw, int cpuPosition, long msr, long value) {
        byte[] copy = raw.clone();
        int index = ALLOWLIST.stream().map(AllowlistEntry::address).toList().indexOf(msr);
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(8 * (cpuPosition * ALLOWLIST.size() + index), value);
        return copy;
    }

    @Test
    void saveWritesMsrsavesRawFileAndSaysWhatItSaved() throws IOException {
        distinctState();
        Path file = dir.resolve("state.msr");
        Cli.Result saved = cli.sim("save", file.toString()).ok();
        assertEquals(List.of("saved 16 registers on CPUs 0-3 to " + file + " (raw format, allowlist recorded in " + file
                + ".fingerprint)"), saved.lines());
        byte[] raw = Files.readAllBytes(file);
        assertEquals(4 * ALLOWLIST.size() * 8, raw.length, "CPUs x entries x 8 bytes, no header");
        for (int cpu = 0; cpu < 4; cpu++) {
            assertEquals(device.peek(cpu, MPERF), slot(raw, cpu, MPERF));
            assertEquals(device.peek(cpu, PERF_CTL) & 0xFFFF, slot(raw, cpu, PERF_CTL));
            assertEquals(device.peek(cpu, POWER_LIMIT) & 0x00FF_FFFF_00FF_FFFFL, slot(raw, cpu, POWER_LIMIT));
            assertEquals(0, slot(raw, cpu, 0xCE), "a read-only entry's slot holds 0");
        }
    }

    @Test
    void restorePutsBackWhatChangedUnderTheMaskAndKeepsTheOtherBits() throws IOException {
        distinctState();
        Path file = dir.resolve("state.msr");
        cli.sim("save", file.toString()).ok();
        long mperf2 = device.peek(2, MPERF);

        // The job: PERF_CTL on CPU 1 inside the mask (bits 15:0) and outside it (bit 32), MPERF on CPU 2,
        // and the package power limit (package scope: every CPU sees it).
        device.poke(1, PERF_CTL, 0x1_0000_2200L);
        device.poke(2, MPERF, 5);
        long powerLimit = device.peek(0, POWER_LIMIT);
        device.poke(0, POWER_LIMIT, powerLimit ^ 0x0000_0010_0000_0010L);

        Cli.Result restored = cli.sim("restore", file.toString()).ok();
        // One batch reads every CPU before any write: all four CPUs of the package see the changed limit,
        // so each writes it back (msrsave, reading and writing register by register, would write it once).
        String limitLine = String.format("0x%016X, 0x%016X, 0x%016X", POWER_LIMIT, powerLimit ^ 0x0000_0010_0000_0010L,
                powerLimit);
        List<String> expected = List.of("offset, read, restored",
                limitLine,                                                          // CPU 0
                "0x0000000000000199, 0x0000000100002200, 0x0000000100001C01",       // CPU 1
                limitLine,
                String.format("0x%016X, 0x%016X, 0x%016X", MPERF, 5L, mperf2),    // CPU 2
                limitLine,
                limitLine);                                                         // CPU 3
        assertEquals(expected, restored.lines());
        assertEquals(0x1_0000_1C01L, device.peek(1, PERF_CTL), "saved bits under the mask, bit 32 kept");
        assertEquals(mperf2, device.peek(2, MPERF));
        assertEquals(powerLimit, device.peek(3, POWER_LIMIT));

        // Everything holds its saved value now: nothing to write, nothing printed.
        assertEquals("", cli.sim("restore", file.toString()).ok().out());
    }

    @Test
    void theTextFormatIsDetectedOnRestore() throws IOException {
        distinctState();
        Path file = dir.resolve("state.txt");
        cli.sim("save", "--format", "text", file.toString()).ok();
        String text = Files.readString(file);
        assertTrue(text.contains("\nmsrsafe-snapshot 1\n") && text.contains("\ncpus 0-3\n") && text.contains("\nend 56\n"), text);
        assertTrue(text.contains("\n1 0x00000199 0x000000000000FFFF 0x0000000000001C01\n"), text);

        device.poke(3, APERF, 0);
        Cli.Result restored = cli.sim("restore", file.toString()).ok();
        assertEquals(2, restored.lines().size(), restored.out());
        assertEquals(0x2_0000_0000L * 4 + 9, device.peek(3, APERF));
        // Given explicitly, the format is used as given: a text file is not a raw one.
        String refused = cli.sim("restore", "--format", "raw", file.toString()).failure(ExitCode.STATE_DAMAGED);
        assertTrue(refused.startsWith("cannot restore: " + file + ": a raw msrsave file for 4 CPUs")
                && refused.contains("that is not a whole number of 8-byte values"), refused);
    }

    @Test
    void aDryRunShowsThePlanPerCpuAndWritesNothing() throws IOException {
        distinctState();
        Path file = dir.resolve("state.msr");
        cli.sim("save", file.toString()).ok();
        device.poke(1, PERF_CTL, 0x1_0000_2200L);
        device.poke(3, MPERF, 5);

        Cli.Result plan = cli.sim("restore", "--dry-run", file.toString()).ok();
        assertEquals(List.of(
                "CPU  MSR                  MASK                SAVED               CURRENT             WOULD WRITE",
                "  1  0x199 IA32_PERF_CTL  0x000000000000FFFF  0x0000000000001C01  0x0000000100002200  0x0000000100001C01",
                "  3  0xE7 IA32_MPERF      0xFFFFFFFFFFFFFFFF  0x0000000400000007  0x0000000000000005  0x0000000400000007",
                "dry run: 2 registers would be written, 14 already hold their saved value; nothing was written"),
                plan.lines().stream().map(String::stripTrailing).toList());
        assertEquals(0x1_0000_2200L, device.peek(1, PERF_CTL));
        assertEquals(5, device.peek(3, MPERF));

        // -n is the same, and the real restore then writes exactly those two.
        assertEquals(plan.out(), cli.sim("restore", "-n", file.toString()).ok().out());
        assertEquals(3, cli.sim("restore", file.toString()).ok().lines().size());
        assertEquals(0x1_0000_1C01L, device.peek(1, PERF_CTL));
        assertEquals(0x4_0000_0007L, device.peek(3, MPERF));
    }

    @Test
    void aRawFileFromAnotherCpuCountIsRefusedAndNothingIsWritten() throws IOException {
        Path file = dir.resolve("state.msr");
        cli.sim("save", file.toString()).ok();
        device.poke(0, PERF_CTL, 0x2200);
        device.setOnline(3, false);

        String refused = cli.sim("restore", file.toString()).failure(ExitCode.STATE_MISMATCH);
        assertEquals("cannot restore: " + file + ": a raw msrsave file for 3 CPUs and 14 allowlist entries must be"
                + " exactly 336 bytes (CPUs x entries x 8), but this one has 448 bytes; it fits 4 CPUs with this"
                + " allowlist (was it saved with another number of CPUs online?). Nothing was restored.", refused);
        assertEquals(0x2200, device.peek(0, PERF_CTL), "nothing written");
        // A dry run is refused the same way.
        cli.sim("restore", "--dry-run", file.toString()).failure(ExitCode.STATE_MISMATCH);
    }

    @Test
    void aTextFileIsRefusedOnOtherCpusOrUnderAnotherAllowlist() throws IOException {
        Path file = dir.resolve("state.txt");
        cli.sim("save", "--format", "text", file.toString()).ok();
        device.poke(0, PERF_CTL, 0x2200);

        device.setOnline(2, false);
        String cpus = cli.sim("restore", file.toString()).failure(ExitCode.STATE_MISMATCH);
        assertTrue(cpus.startsWith("cannot restore: " + file + ": the state was saved on CPUs 0-3 but CPUs 0-1,3"), cpus);
        device.setOnline(2, true);

        // Same length, one mask changed: the size of a raw file could not tell, the fingerprint does.
        List<AllowlistEntry> changed = new ArrayList<>(ALLOWLIST);
        int perfCtl = changed.stream().map(AllowlistEntry::address).toList().indexOf(PERF_CTL);
        changed.set(perfCtl, new AllowlistEntry(PERF_CTL, 0xFF));
        device.installAllowlist(changed);
        String allowlist = cli.sim("restore", file.toString()).failure(ExitCode.STATE_MISMATCH);
        assertTrue(allowlist.contains("the state was saved under allowlist sha256:") && allowlist.endsWith("Nothing was restored."),
                allowlist);
        assertEquals(0x2200, device.peek(0, PERF_CTL), "nothing written");
    }

    @Test
    void aDamagedTextFileIsRefusedAsDamaged() throws IOException {
        Path file = dir.resolve("state.txt");
        cli.sim("save", "--format", "text", file.toString()).ok();
        String text = Files.readString(file);
        device.poke(0, PERF_CTL, 0x2200);

        Files.writeString(file, text.substring(0, text.indexOf("\n2 ")));
        String truncated = cli.sim("restore", file.toString()).failure(ExitCode.STATE_DAMAGED);
        assertTrue(truncated.startsWith("cannot restore: " + file + ": the file ends before")
                && truncated.endsWith("; nothing was restored"), truncated);

        // A mask edited: the entries no longer hash to the file's allowlist fingerprint.
        Files.writeString(file, text.replace("\n0 0x00000199 0x000000000000FFFF ", "\n0 0x00000199 0x00000000FFFFFFFF ")
                .replace("\n1 0x00000199 0x000000000000FFFF ", "\n1 0x00000199 0x00000000FFFFFFFF ")
                .replace("\n2 0x00000199 0x000000000000FFFF ", "\n2 0x00000199 0x00000000FFFFFFFF ")
                .replace("\n3 0x00000199 0x000000000000FFFF ", "\n3 0x00000199 0x00000000FFFFFFFF "));
        String edited = cli.sim("restore", file.toString()).failure(ExitCode.STATE_DAMAGED);
        assertTrue(edited.endsWith("; nothing was restored"), edited);

        Files.writeString(file, text + "0 0x000000E7 0xFFFFFFFFFFFFFFFF 0x0000000000000000\n");
        cli.sim("restore", file.toString()).failure(ExitCode.STATE_DAMAGED);
        assertEquals(0x2200, device.peek(0, PERF_CTL), "nothing written");
    }

    @Test
    void aRegisterThatCannotBeWrittenBackIsNamedAndTheStatusIs3() throws IOException {
        // PERF_CTL writable in all 64 bits; bit 33 is reserved on this processor, so writing it faults.
        List<AllowlistEntry> wide = new ArrayList<>(ALLOWLIST);
        wide.set(wide.stream().map(AllowlistEntry::address).toList().indexOf(PERF_CTL), new AllowlistEntry(PERF_CTL, -1L));
        device.installAllowlist(wide);
        Path file = dir.resolve("state.msr");
        cli.sim("save", file.toString()).ok();
        // An edited raw file no longer matches its record: only --force restores it.
        Files.write(file, withSlot(Files.readAllBytes(file), 1, PERF_CTL, 0x2_0000_1A00L));
        device.poke(2, PERF_CTL, 0x1A00);

        Cli.Result result = cli.sim("restore", "--force", file.toString());
        assertEquals(ExitCode.OPS_FAILED.status(), result.status(), result.err());
        // CPU 2's register was restored; CPU 1's could not be.
        assertEquals(List.of("offset, read, restored", "0x0000000000000199, 0x0000000000001A00, 0x0000000000001C00"),
                result.lines());
        assertEquals(0x1C00, device.peek(2, PERF_CTL));
        assertEquals(0x1C00, device.peek(1, PERF_CTL));
        assertEquals(List.of(
                "msrsafe: warning: " + file + " cannot show which allowlist it was saved under; restored on --force's"
                        + " word that it fits the installed one",
                "msrsafe: not restored: CPU 1 MSR 0x199: WRITE_FAILED (EIO): the write of 0x0000000200001A00 failed; the register keeps its current value",
                "msrsafe: 1 register was not restored or not confirmed"), result.err().lines().toList());
    }

    @Test
    void aRunningCounterRestoresAndOnlyAnAskedForReadBackReportsIt() throws IOException {
        // A clock that moves at every reading: the counters advance between every two ioctls.
        AtomicLong nanos = new AtomicLong();
        Cli ticking = new Cli(SimulatedDevice.builder().cpus(2).registers(SimulatedDevice.standardRegisters())
                .allowlist(ALLOWLIST).clock(() -> nanos.addAndGet(1_000_000)).build());
        Path file = dir.resolve("state.msr");
        ticking.sim("save", file.toString()).ok();

        // As msrsave: the writes happen and are listed; nothing reads them back.
        Cli.Result unverified = ticking.sim("restore", file.toString()).ok();
        assertEquals(5, unverified.lines().size(), unverified.out());
        assertEquals("offset, read, restored", unverified.lines().get(0));

        Cli.Result verified = ticking.sim("restore", "--verify", file.toString());
        assertEquals(ExitCode.OPS_FAILED.status(), verified.status(), verified.err());
        // MPERF and APERF on 2 CPUs were written (msrsave's lines list every write), but none reads
        // back as written: stderr names each.
        assertEquals(5, verified.lines().size(), verified.out());
        List<String> errors = verified.err().lines().toList();
        assertEquals(5, errors.size(), verified.err());
        assertTrue(errors.get(0).startsWith("msrsafe: not confirmed: CPU 0 MSR 0xE7: VERIFY_FAILED: 0x"), errors.get(0));
        assertEquals("msrsafe: 4 registers were not restored or not confirmed", errors.get(4));
    }

    @Test
    void failedReadsAreWarningsOnSaveAndSkippedOnRestore() throws IOException {
        // 0x1AD is allowlisted but the processor does not implement it: every read faults (EIO).
        List<AllowlistEntry> withMissing = new ArrayList<>(ALLOWLIST);
        withMissing.add(new AllowlistEntry(0x1AD, 0xFF));
        device.installAllowlist(withMissing);
        Path file = dir.resolve("state.msr");

        Cli.Result saved = cli.sim("save", file.toString());
        assertEquals(0, saved.status(), saved.err());
        assertEquals(List.of("msrsafe: warning: failed to read MSR 0x1AD on CPU 0: EIO",
                "msrsafe: warning: failed to read MSR 0x1AD on CPU 1: EIO",
                "msrsafe: warning: failed to read MSR 0x1AD on CPU 2: EIO",
                "msrsafe: warning: failed to read MSR 0x1AD on CPU 3: EIO"), saved.err().lines().toList());
        assertEquals("saved 20 registers on CPUs 0-3 to " + file + " (raw format, allowlist recorded in " + file
                + ".fingerprint); 4 could not be read and will not be restored\n", saved.out());
        byte[] raw = Files.readAllBytes(file);
        assertEquals(~0xFFL, ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(8 * ALLOWLIST.size()),
                "msrsave's failed-read marker: ~mask");

        Cli.Result restored = cli.sim("restore", file.toString());
        assertEquals(0, restored.status(), restored.err());
        assertEquals("", restored.out());
        assertEquals(4, restored.err().lines().filter(line -> line.startsWith("msrsafe: skipped: CPU ")
                && line.contains(" MSR 0x1AD: SAVED_READ_FAILED: ")).count(), restored.err());
    }

    @Test
    void aFailedSaveLeavesTheOldFileAlone() throws IOException {
        Path file = dir.resolve("state.msr");
        Files.writeString(file, "the previous state");
        device.installAllowlist(List.of());
        String empty = cli.sim("save", file.toString()).failure(ExitCode.SAVE_FAILED);
        assertTrue(empty.startsWith("cannot save: " + file + ": the allowlist is empty"), empty);
        assertEquals("the previous state", Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }

        device.installAllowlist(ALLOWLIST);
        Path nowhere = dir.resolve("no-such-dir").resolve("state.msr");
        String missingDir = cli.sim("save", nowhere.toString()).failure(ExitCode.SAVE_FAILED);
        assertTrue(missingDir.startsWith("cannot write " + nowhere + ": ") && missingDir.endsWith("; an existing file is unchanged"),
                missingDir);
        assertFalse(Files.exists(nowhere));
    }

    @Test
    void missingFilesAndBadFormatsAreUsageErrors() {
        Path missing = dir.resolve("missing.msr");
        assertEquals("cannot read state file " + missing + ": no such file or directory; nothing was restored",
                cli.sim("restore", missing.toString()).failure(ExitCode.USAGE));
        assertEquals("--format: unknown snapshot format 'json': use raw (msrsave's), text or auto",
                cli.sim("restore", "--format", "json", missing.toString()).failure(ExitCode.USAGE));
        assertEquals("--format auto is for restore; save writes raw (msrsave's) or text",
                cli.sim("save", "--format", "auto", dir.resolve("x").toString()).failure(ExitCode.USAGE));
        assertFalse(Files.exists(dir.resolve("x")));
        assertTrue(cli.sim("save").failure(ExitCode.USAGE).contains("Missing required parameter: 'FILE'"));
    }

    @Test
    void msrsaveFormatNamesAreAccepted() throws IOException {
        Path file = dir.resolve("state.msr");
        cli.sim("save", "--format", "msrsave", file.toString()).ok();
        byte[] raw = Files.readAllBytes(file);
        cli.sim("save", "--format", "RAW", file.toString()).ok();
        assertArrayEquals(raw, Files.readAllBytes(file), "the clock stands still: the same state, the same bytes");
        assertFalse(new String(raw, StandardCharsets.ISO_8859_1).contains("msrsafe-snapshot"));
    }

    @Test
    void aRawFileRestoredUnderTheSameEntriesInAnotherOrderIsRefusedAndNothingIsWritten() throws IOException {
        // Wrote 12 registers with other registers' values, silently: a raw file has no header, and the
        // allowlist's time (msrsave's only guard) does not change when the module installs one.
        distinctState();
        Path file = dir.resolve("state.msr");
        cli.sim("save", file.toString()).ok();
        List<AllowlistEntry> reordered = new ArrayList<>(ALLOWLIST);
        java.util.Collections.reverse(reordered);
        device.installAllowlist(reordered);
        device.poke(1, PERF_CTL, 0x2200);
        long[] before = new long[4];
        for (int cpu = 0; cpu < 4; cpu++) {
            before[cpu] = device.peek(cpu, MPERF) ^ device.peek(cpu, APERF) * 31 ^ device.peek(cpu, PERF_CTL) * 961;
        }
        for (String[] args : List.of(new String[] {"restore", file.toString()}, new String[] {"restore", "--force",
                file.toString()})) {
            String refused = cli.sim(args).failure(ExitCode.STATE_MISMATCH);
            assertTrue(refused.startsWith("cannot restore: " + file + ": its record (state.msr.fingerprint) says it was"
                    + " saved under allowlist sha256:") && refused.endsWith("Nothing was restored."), refused);
        }
        for (int cpu = 0; cpu < 4; cpu++) {
            assertEquals(before[cpu], device.peek(cpu, MPERF) ^ device.peek(cpu, APERF) * 31 ^ device.peek(cpu, PERF_CTL) * 961,
                    "CPU " + cpu + ": nothing written");
        }
    }

    @Test
    void msrsavesFileNeedsForceWithItsOwnStatus() throws IOException {
        distinctState();
        Path file = dir.resolve("state.msr");
        cli.sim("save", file.toString()).ok();
        Files.delete(dir.resolve("state.msr.fingerprint")); // as msrsave writes it: values only
        device.poke(1, PERF_CTL, 0x2200);
        String refused = cli.sim("restore", file.toString()).failure(ExitCode.STATE_UNVERIFIED);
        assertTrue(refused.startsWith("cannot restore: " + file + ": this raw msrsave file cannot be matched to the"
                + " installed allowlist: it has no record") && refused.contains("restore it with --force"), refused);
        assertEquals(0x2200, device.peek(1, PERF_CTL));
        Cli.Result forced = cli.sim("restore", "--force", file.toString());
        assertEquals(0, forced.status(), forced.err());
        assertEquals(0x1C01, device.peek(1, PERF_CTL));
        assertTrue(forced.err().startsWith("msrsafe: warning: " + file + " cannot show which allowlist"), forced.err());
    }

    @Test
    void aRawFileThatIsNotWholeValuesIsDamagedNotAMismatch() throws IOException {
        // Said "damaged" but exited 11 ("does not fit this node"); the epilog script tells the two apart.
        Path file = dir.resolve("state.msr");
        cli.sim("save", file.toString()).ok();
        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 4 * ALLOWLIST.size() * 8 - 3));
        String damaged = cli.sim("restore", file.toString()).failure(ExitCode.STATE_DAMAGED);
        assertTrue(damaged.contains("that is not a whole number of 8-byte values, so the file is damaged"), damaged);
    }

    @Test
    void aDirectoryOrAnEmptyNameIsAUsageErrorNotAnInternalOne() {
        // save / printed "internal error: java.lang.NullPointerException" (exit 70); save '' said "cannot write : ... Is a directory".
        assertEquals("cannot save to /: it is a directory; name a file in it, e.g. /state.msr",
                cli.sim("save", "/").failure(ExitCode.USAGE));
        assertEquals("cannot save to '': the file name is empty; name the state file",
                cli.sim("save", "").failure(ExitCode.USAGE));
        assertEquals("cannot restore from '': the file name is empty; name the state file",
                cli.sim("restore", "").failure(ExitCode.USAGE));
        assertEquals("cannot restore: " + dir + ": this is a directory, not a regular file; a saved state is a regular"
                + " file (name the file 'msrsafe save' wrote). Nothing was restored.",
                cli.sim("restore", dir.toString()).failure(ExitCode.STATE_DAMAGED));
    }
}
