package io.github.msrsafe.save;

import static io.github.msrsafe.registers.Register.Scope.PACKAGE;
import static io.github.msrsafe.registers.Register.Scope.THREAD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.Errno;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.SimulatedRegister;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.save.RestoreReport.NotRestored;
import io.github.msrsafe.save.RestoreReport.Reason;
import io.github.msrsafe.save.RestoreReport.Restored;
import io.github.msrsafe.save.SnapshotException.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Save and restore on the simulated device, checked against the registers themselves (peek/poke). */
class MsrStateTest {

    static final long PERF_CTL = 0x199;
    static final long MISC_ENABLE = 0x1A0;
    static final long POWER_LIMIT = 0x610;
    static final long MPERF = 0xE7;
    static final long PLATFORM_INFO = 0xCE;
    static final long UNIMPLEMENTED = 0x1AD;          // allowlisted, not implemented: EIO
    static final long UNIMPLEMENTED_FULL = 0x1B0;     // the same with an all-ones mask

    static final List<AllowlistEntry> ALLOWLIST = List.of(
            new AllowlistEntry(PLATFORM_INFO, 0),                       // read-only
            new AllowlistEntry(MPERF, -1L),                             // all ones
            new AllowlistEntry(PERF_CTL, 0xFFFF),
            new AllowlistEntry(MISC_ENABLE, 0x0040_0000),               // one bit
            new AllowlistEntry(POWER_LIMIT, 0x00FF_FFFF_00FF_FFFFL),    // package scope
            new AllowlistEntry(UNIMPLEMENTED, 0xFF),
            new AllowlistEntry(UNIMPLEMENTED_FULL, -1L));

    @TempDir
    Path dir;

    static SimulatedDevice device(int cpus, int... offline) {
        return SimulatedDevice.builder().cpus(cpus).offline(offline)
                .register(SimulatedRegister.readOnly(PLATFORM_INFO, "MSR_PLATFORM_INFO", PACKAGE, 0x0000_0800_0000_1800L))
                .register(SimulatedRegister.writableCounter(MPERF, "IA32_MPERF", THREAD, 1_000_000, 64))
                .register(SimulatedRegister.readWrite(PERF_CTL, "IA32_PERF_CTL", THREAD, 0x1C00, ~0x1_0000_FFFFL))
                .register(SimulatedRegister.readWrite(MISC_ENABLE, "IA32_MISC_ENABLE", THREAD, 0x0085_0089L,
                        ~0x0000_0004_00C5_1889L))
                .register(SimulatedRegister.readWrite(POWER_LIMIT, "MSR_PKG_POWER_LIMIT", PACKAGE,
                        0x00DD_84E0_00DD_83E8L, 0x7F00_0000_FF00_0000L))
                .allowlist(ALLOWLIST)
                .clock(() -> 0L) // counters stand still, so a restore has exactly the changes the test made
                .build();
    }

    /** Sets every writable register to a distinct value per CPU, so that mix-ups show. */
    static void distinctState(SimulatedDevice device) {
        for (int cpu = 0; cpu < device.cpuCount(); cpu++) {
            device.poke(cpu, PERF_CTL, 0x1000 + cpu);
            device.poke(cpu, MPERF, 0x1_0000_0000L * (cpu + 1) + 7);
            device.poke(cpu, MISC_ENABLE, cpu % 2 == 0 ? 0x0085_0089L : 0x00C5_0089L);
        }
    }

    /** msrsave's file for the device as it is now, computed from peek and assembled byte by byte. */
    static byte[] expectedRawFile(SimulatedDevice device, List<Integer> cpus) {
        byte[] bytes = new byte[cpus.size() * ALLOWLIST.size() * 8];
        int offset = 0;
        for (int cpu : cpus) {
            for (AllowlistEntry entry : ALLOWLIST) {
                long mask = entry.writeMask();
                long slot;
                if (mask == 0) {
                    slot = 0;
                } else if (entry.address() == UNIMPLEMENTED || entry.address() == UNIMPLEMENTED_FULL) {
                    slot = mask == -1L ? 0xFB6A58813AEA28CFL : ~mask;
                } else {
                    slot = device.peek(cpu, entry.address()) & mask;
                }
                for (int b = 0; b < 8; b++) {
                    bytes[offset++] = (byte) (slot >>> (8 * b));
                }
            }
        }
        return bytes;
    }

    @Test
    void saveWritesMsrsavesFileByteForByte() throws IOException {
        SimulatedDevice device = device(4);
        distinctState(device);
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = device.open()) {
            SaveResult result = MsrState.save(msr, file);
            assertArrayEquals(expectedRawFile(device, List.of(0, 1, 2, 3)), Files.readAllBytes(file));
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            }
            // 6 writable entries on 4 CPUs; the read-only one is not read.
            assertEquals(4 * 6, result.registersRead());
            List<String> failures = result.failedReads().stream().map(SaveResult.FailedRead::describe).toList();
            assertEquals(8, failures.size(), failures.toString());
            assertEquals("failed to read MSR 0x1AD on CPU 0: EIO", failures.get(0));
            assertEquals("failed to read MSR 0x1B0 on CPU 3: EIO", failures.get(7));
            assertEquals(8, result.snapshot().failedReadCount());
        }
    }

    @Test
    void restoreUndoesChangesInsideTheMasksAndKeepsBitsOutsideThem() throws IOException {
        SimulatedDevice device = device(4);
        distinctState(device);
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file);
            long powerLimit = device.peek(0, POWER_LIMIT);

            // The job changes registers inside their masks...
            msr.write(1, PERF_CTL, 0x2A00);
            msr.write(2, MPERF, 5);
            msr.write(0, POWER_LIMIT, 0x0000_0000_0000_0100L);     // package scope: every CPU sees it
            msr.write(3, MISC_ENABLE, 0);                             // bit 22 cleared on CPU 3 (was set)
            // ...and outside them (only root could): bit 32 of PERF_CTL, reserved to the allowlist.
            device.poke(2, PERF_CTL, device.peek(2, PERF_CTL) | 0x1_0000_0000L);

            RestoreReport report = MsrState.restore(msr, file, RestoreOptions.defaults());

            assertEquals(0x1001, device.peek(1, PERF_CTL));
            assertEquals(0x3_0000_0007L, device.peek(2, MPERF));
            assertEquals(powerLimit, device.peek(0, POWER_LIMIT));
            assertEquals(0x00C5_0089L, device.peek(3, MISC_ENABLE));
            assertEquals(0x1_0000_1002L, device.peek(2, PERF_CTL), "bits outside the mask are kept, not restored");

            // Written: PERF_CTL on CPU 1, MPERF on CPU 2, MISC_ENABLE on CPU 3, POWER_LIMIT on all 4 CPUs.
            List<String> written = report.restored().stream().map(r -> r.cpu() + ":" + Long.toHexString(r.msr())).toList();
            assertEquals(List.of("0:610", "1:199", "1:610", "2:e7", "2:610", "3:1a0", "3:610"), written);
            Restored perfCtl = report.restored().get(1);
            assertEquals(0x2A00, perfCtl.read());
            assertEquals(0x1001, perfCtl.restored());
            assertEquals(List.of(
                    "offset, read, restored",
                    "0x0000000000000610, 0x0000000000000100, 0x" + String.format("%016X", powerLimit),
                    "0x0000000000000199, 0x0000000000002A00, 0x0000000000001001"),
                    report.msrsaveLines().subList(0, 3));
            assertEquals(4 * 4 - 7, report.unchanged(), "the other writable, readable registers were left alone");
            assertTrue(report.complete(), report.failures().toString());
            // The 8 failed reads of the save are reported, not restored, and do not make the restore fail.
            assertEquals(8, report.notRestored().size());
            assertTrue(report.notRestored().stream().allMatch(n -> n.reason() == Reason.SAVED_READ_FAILED));
            assertFalse(report.dryRun());
        }
    }

    @Test
    void restoreWhenNothingChangedWritesNothing() throws IOException {
        SimulatedDevice device = device(2);
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file);
            RestoreReport report = MsrState.restore(msr, file, RestoreOptions.defaults());
            assertEquals(List.of(), report.restored());
            assertEquals(List.of(), report.msrsaveLines(), "msrsave prints no header when it writes nothing");
            assertEquals(2 * 4, report.unchanged());
        }
    }

    @Test
    void aHandWrittenMsrsaveFileIsRestored() throws IOException {
        // As msrsave would have written it on 2 CPUs: read-only slot 0, failed reads as ~mask and the cookie.
        SimulatedDevice device = device(2);
        byte[] file = new byte[2 * 7 * 8];
        long[] slots = {
            0, 0x0000_0000_0000_1234L, 0x1A00, 0x0040_0000, 0x00DD_8000_00DD_8000L, ~0xFFL, 0xFB6A58813AEA28CFL,
            0, 0xFB6A58813AEA28CFL, ~0xFFFFL, 0, 0x00DD_8000_00DD_8000L, 0x42, 0xFB6A58813AEA28CFL};
        for (int i = 0; i < slots.length; i++) {
            for (int b = 0; b < 8; b++) {
                file[i * 8 + b] = (byte) (slots[i] >>> (8 * b));
            }
        }
        Path path = Files.write(dir.resolve("from-msrsave"), file);
        try (MsrSafe msr = device.open()) {
            // msrsave keeps no record of the allowlist: without --force the file is refused, nothing written.
            long mperf = device.peek(0, MPERF);
            SnapshotException unverified = assertThrows(SnapshotException.class,
                    () -> MsrState.restore(msr, path, RestoreOptions.defaults()));
            assertEquals(Problem.UNVERIFIED, unverified.problem());
            assertEquals(mperf, device.peek(0, MPERF));

            RestoreReport report = MsrState.restore(msr, path, RestoreOptions.defaults().withForce(true));
            assertTrue(report.forced());
            assertEquals(SnapshotFormat.RAW, report.format());
            assertEquals(0x1234, device.peek(0, MPERF));
            assertEquals(0x1A00, device.peek(0, PERF_CTL));
            assertEquals(0x00C5_0089L, device.peek(0, MISC_ENABLE));
            assertEquals(0x00DD_8000_00DD_8000L, device.peek(0, POWER_LIMIT));
            assertEquals(0, device.peek(1, MPERF), "a failed read (cookie) is skipped");
            assertEquals(0x1C00, device.peek(1, PERF_CTL), "a failed read (~mask) is skipped");
            assertEquals(0x0085_0089L, device.peek(1, MISC_ENABLE));
            // 0x42 for the unimplemented 0x1AD on CPU 1: the current read fails, so it is reported.
            List<NotRestored> failures = report.failures();
            assertEquals(1, failures.size(), failures.toString());
            assertEquals(Reason.CURRENT_READ_FAILED, failures.get(0).reason());
            assertEquals(Optional.of(Errno.EIO), failures.get(0).errno());
            assertEquals(1, failures.get(0).cpu());
            assertEquals(UNIMPLEMENTED, failures.get(0).msr());
            assertFalse(report.complete());
        }
    }

    @Test
    void theTextFormatRoundTripsAndIsDetected() throws IOException {
        SimulatedDevice device = device(3);
        distinctState(device);
        Path file = dir.resolve("msr.txt");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file, SaveOptions.defaults().withFormat(SnapshotFormat.TEXT));
            String text = Files.readString(file);
            assertTrue(text.contains("\n2 0x00000199 0x000000000000FFFF 0x0000000000001002\n"), text);
            assertTrue(text.contains("\n0 0x000001AD 0x00000000000000FF failed\n"), text);
            assertTrue(text.contains("\n1 0x000000CE 0x0000000000000000 read-only\n"), text);
            msr.write(2, PERF_CTL, 0x7777);
            RestoreReport report = MsrState.restore(msr, file, RestoreOptions.defaults());
            assertEquals(SnapshotFormat.TEXT, report.format());
            assertEquals(0x1002, device.peek(2, PERF_CTL));
            assertEquals(1, report.restored().size());
            assertFalse(report.allowlistAgeChecked(), "the text format is checked by fingerprint instead");
        }
    }

    @Test
    void aDryRunReportsTheWritesAndWritesNothing() throws IOException {
        SimulatedDevice device = device(2);
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file);
            msr.write(0, PERF_CTL, 0x2A00);
            msr.write(1, MPERF, 99);
            RestoreReport report = MsrState.restore(msr, file, RestoreOptions.defaults().withDryRun(true));
            assertTrue(report.dryRun());
            assertEquals(List.of(
                    "offset, read, restored",
                    "0x0000000000000199, 0x0000000000002A00, 0x0000000000001C00",
                    "0x00000000000000E7, 0x0000000000000063, 0x0000000000000000"), report.msrsaveLines());
            assertEquals(0x2A00, device.peek(0, PERF_CTL), "a dry run writes nothing");
            assertEquals(99, device.peek(1, MPERF), "a dry run writes nothing");
            // The real run then does exactly what the dry run said.
            RestoreReport real = MsrState.restore(msr, file, RestoreOptions.defaults());
            assertEquals(report.msrsaveLines(), real.msrsaveLines());
            assertEquals(0x1C00, device.peek(0, PERF_CTL));
        }
    }

    @Test
    void aWriteTheProcessorRefusesIsReported() throws IOException {
        // Bit 1 of MISC_ENABLE is reserved (writing it faults) but this allowlist lets it be written.
        List<AllowlistEntry> entries = List.of(new AllowlistEntry(MISC_ENABLE, 0x0040_0002L), new AllowlistEntry(PERF_CTL, 0xFFFF));
        SimulatedDevice device = device(2);
        device.installAllowlist(entries);
        device.poke(0, MISC_ENABLE, 0x0085_0089L | 0x2);     // root set it behind the allowlist's back
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file);
            device.poke(0, MISC_ENABLE, 0x0085_0089L);
            msr.write(1, PERF_CTL, 0x1D00);
            RestoreReport report = MsrState.restore(msr, file, RestoreOptions.defaults());
            assertEquals(0x1C00, device.peek(1, PERF_CTL), "the other write still happened");
            assertEquals(0x0085_0089L, device.peek(0, MISC_ENABLE));
            assertFalse(report.complete());
            NotRestored failure = report.failures().get(0);
            assertEquals(Reason.WRITE_FAILED, failure.reason());
            assertEquals(Optional.of(Errno.EIO), failure.errno());
            assertEquals("CPU 0 MSR 0x1A0: WRITE_FAILED (EIO): the write of 0x000000000085008B failed; the register keeps its current value", failure.describe());
            assertEquals(List.of(new Restored(1, PERF_CTL, 0xFFFF, 0x1C00, 0x1D00, 0x1C00)), report.restored());
        }
    }

    @Test
    void aFileSavedWithMoreCpusIsRefusedAndNothingIsWritten() throws IOException {
        SimulatedDevice device = device(4);
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file);
        }
        device.setOnline(3, false);
        try (MsrSafe msr = device.open()) {
            msr.write(0, PERF_CTL, 0x2A00);
            SnapshotException e = assertThrows(SnapshotException.class,
                    () -> MsrState.restore(msr, file, RestoreOptions.defaults()));
            assertEquals(Problem.SIZE_MISMATCH, e.problem());
            assertTrue(e.getMessage().contains("fits 4 CPUs"), e.getMessage());
            assertTrue(e.getMessage().contains("Nothing was restored"), e.getMessage());
            assertEquals(0x2A00, device.peek(0, PERF_CTL));
        }
    }

    @Test
    void aTextFileSavedOnOtherCpusIsRefusedAndNothingIsWritten() throws IOException {
        SimulatedDevice device = device(4);
        Path file = dir.resolve("msr.txt");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file, SaveOptions.defaults().withFormat(SnapshotFormat.TEXT));
        }
        device.setOnline(2, false);
        try (MsrSafe msr = device.open()) {
            msr.write(0, PERF_CTL, 0x2A00);
            SnapshotException e = assertThrows(SnapshotException.class,
                    () -> MsrState.restore(msr, file, RestoreOptions.defaults()));
            assertEquals(Problem.CPU_MISMATCH, e.problem());
            assertTrue(e.getMessage().contains("saved on CPUs 0-3 but CPUs 0-1,3 are online"), e.getMessage());
            assertEquals(0x2A00, device.peek(0, PERF_CTL));
        }
    }

    @Test
    void aTextFileSavedUnderAnotherAllowlistIsRefusedAndNothingIsWritten() throws IOException {
        SimulatedDevice device = device(2);
        Path file = dir.resolve("msr.txt");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file, SaveOptions.defaults().withFormat(SnapshotFormat.TEXT));
        }
        List<AllowlistEntry> changed = new ArrayList<>(ALLOWLIST);
        changed.set(2, new AllowlistEntry(PERF_CTL, 0xFF));   // same size, narrower mask
        device.installAllowlist(changed);
        try (MsrSafe msr = device.open()) {
            msr.write(0, PERF_CTL, 0x1C2A);
            SnapshotException e = assertThrows(SnapshotException.class,
                    () -> MsrState.restore(msr, file, RestoreOptions.defaults()));
            assertEquals(Problem.ALLOWLIST_MISMATCH, e.problem());
            assertTrue(e.getMessage().contains("0x199 mask 0xFFFF is now 0xFF"), e.getMessage());
            assertEquals(0x1C2A, device.peek(0, PERF_CTL));
        }
    }

    @Test
    void aRawFileUnderAnAllowlistOfAnotherSizeIsRefused() throws IOException {
        SimulatedDevice device = device(2);
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file);
        }
        List<AllowlistEntry> longer = new ArrayList<>(ALLOWLIST);
        longer.add(new AllowlistEntry(0x1B1, 0));
        device.installAllowlist(longer);
        try (MsrSafe msr = device.open()) {
            msr.write(0, PERF_CTL, 0x2A00);
            SnapshotException e = assertThrows(SnapshotException.class,
                    () -> MsrState.restore(msr, file, RestoreOptions.defaults()));
            assertEquals(Problem.SIZE_MISMATCH, e.problem());
            assertTrue(e.getMessage().contains("fits 7 allowlist entries"), e.getMessage());
            assertEquals(0x2A00, device.peek(0, PERF_CTL));
        }
    }

    @Test
    void aRawFileOlderThanTheAllowlistIsRefused() throws IOException {
        SimulatedDevice device = device(2);
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file);
            Files.delete(MsrSnapshot.rawRecordFile(file)); // as msrsave leaves it: the age is all there is
            Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
            msr.write(0, PERF_CTL, 0x2A00);
            RestoreOptions options = RestoreOptions.defaults().withAllowlistModified(Instant.parse("2026-01-01T00:00:01Z"))
                    .withForce(true);
            SnapshotException e = assertThrows(SnapshotException.class, () -> MsrState.restore(msr, file, options));
            assertEquals(Problem.OLDER_THAN_ALLOWLIST, e.problem(), "--force does not override a certain refusal");
            assertEquals(0x2A00, device.peek(0, PERF_CTL));

            // The same second is accepted, as msrsave compares whole seconds.
            RestoreReport report = MsrState.restore(msr, file,
                    options.withAllowlistModified(Instant.parse("2026-01-01T00:00:00.900Z")));
            assertTrue(report.allowlistAgeChecked());
            assertEquals(0x1C00, device.peek(0, PERF_CTL));
        }
    }

    @Test
    void anAllowlistGivenByTheCallerIsCheckedAgainstTheModulesMasks() throws IOException {
        // Same size, so the raw file's size cannot tell; the masks the batch reports can.
        SimulatedDevice device = device(2);
        Path file = dir.resolve("msr.save");
        List<AllowlistEntry> stale = new ArrayList<>(ALLOWLIST);
        stale.set(2, new AllowlistEntry(PERF_CTL, 0xFF));
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file);
            msr.write(0, PERF_CTL, 0x2A00);
            // With its record, the file itself shows the stale allowlist is not the one it was saved under.
            SnapshotException recorded = assertThrows(SnapshotException.class, () -> MsrState.restore(msr, file,
                    RestoreOptions.defaults().withAllowlist(Allowlist.of(stale))));
            assertEquals(Problem.ALLOWLIST_MISMATCH, recorded.problem());
            // Without it, even on --force's word, the masks the module reports show it.
            Files.delete(MsrSnapshot.rawRecordFile(file));
            SnapshotException e = assertThrows(SnapshotException.class, () -> MsrState.restore(msr, file,
                    RestoreOptions.defaults().withAllowlist(Allowlist.of(stale)).withForce(true)));
            assertEquals(Problem.ALLOWLIST_MISMATCH, e.problem());
            assertTrue(e.getMessage().contains("MSR 0x199 with write mask 0x00000000000000FF"), e.getMessage());
            assertTrue(e.getMessage().contains("the module's mask is 0x000000000000FFFF"), e.getMessage());
            assertEquals(0x2A00, device.peek(0, PERF_CTL));

            SnapshotException onSave = assertThrows(SnapshotException.class, () -> MsrState.save(msr, file,
                    SaveOptions.defaults().withAllowlist(Allowlist.of(stale))));
            assertEquals(Problem.ALLOWLIST_MISMATCH, onSave.problem());
        }
    }

    @ParameterizedTest
    @EnumSource(value = SnapshotFormat.class, names = {"RAW", "TEXT"})
    void truncatedAndOversizedFilesAreRefusedAndNothingIsWritten(SnapshotFormat format) throws IOException {
        SimulatedDevice device = device(2);
        Path file = dir.resolve("msr." + format);
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file, SaveOptions.defaults().withFormat(format));
            byte[] whole = Files.readAllBytes(file);
            msr.write(0, PERF_CTL, 0x2A00);
            for (byte[] damaged : List.of(
                    Arrays.copyOf(whole, whole.length - 8), Arrays.copyOf(whole, whole.length - 3),
                    Arrays.copyOf(whole, whole.length / 2), Arrays.copyOf(whole, whole.length + 8),
                    concat(whole, whole))) {
                Path bad = Files.write(dir.resolve("bad"), damaged);
                SnapshotException e = assertThrows(SnapshotException.class,
                        () -> MsrState.restore(msr, bad, RestoreOptions.defaults().withFormat(format)),
                        damaged.length + " of " + whole.length + " bytes");
                assertTrue(Problem.SIZE_MISMATCH == e.problem() || Problem.MALFORMED == e.problem()
                        || format == SnapshotFormat.TEXT, e.getMessage());
                assertEquals(0x2A00, device.peek(0, PERF_CTL), e.getMessage());
            }
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void aCpuThatGoesOfflineIsReportedAndTheOthersAreStillSavedAndRestored() throws IOException {
        SimulatedDevice device = device(4);
        distinctState(device);
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = device.open()) {
            device.setOnline(2, false);                        // after the handle listed CPUs 0-3
            SaveResult saved = MsrState.save(msr, file);
            // CPU 2's six writable registers fail validation (ENXIO); the batch is rerun without them.
            List<SaveResult.FailedRead> enxio = saved.failedReads().stream()
                    .filter(f -> f.errno() == Errno.ENXIO).toList();
            assertEquals(6, enxio.size(), saved.failedReads().toString());
            assertTrue(enxio.stream().allMatch(f -> f.cpu() == 2));
            assertEquals(0x1003 & 0xFFFF, saved.snapshot().value(3, PERF_CTL).getAsLong());
            assertTrue(saved.snapshot().value(2, PERF_CTL).isEmpty());

            device.setOnline(2, true);
            msr.write(3, PERF_CTL, 0x2A00);
            msr.write(2, PERF_CTL, 0x2A00);
            device.setOnline(1, false);
            msr.write(0, PERF_CTL, 0x2A00);
            RestoreReport report = MsrState.restore(msr, file, RestoreOptions.defaults());
            assertEquals(0x1003, device.peek(3, PERF_CTL));
            assertEquals(0x1000, device.peek(0, PERF_CTL));
            assertEquals(0x2A00, device.peek(2, PERF_CTL), "not saved, so not restored");
            List<NotRestored> failures = report.failures();
            assertTrue(failures.stream().allMatch(f -> f.cpu() == 1 && f.reason() == Reason.CURRENT_READ_FAILED
                    && f.errno().equals(Optional.of(Errno.ENXIO))), failures.toString());
            assertEquals(4, failures.size(), "CPU 1's readable writable registers: " + failures);
        }
    }

    @Test
    void aFailedSaveLeavesThePreviousFileAsItWas() throws IOException {
        SimulatedDevice device = device(2);
        Path file = dir.resolve("msr.save");
        try (MsrSafe msr = device.open()) {
            MsrState.save(msr, file);
            byte[] before = Files.readAllBytes(file);
            FileTime modified = Files.getLastModifiedTime(file);
            List<AllowlistEntry> stale = new ArrayList<>(ALLOWLIST);
            stale.set(3, new AllowlistEntry(MISC_ENABLE, 0xFF));
            assertThrows(SnapshotException.class, () -> MsrState.save(msr, file,
                    SaveOptions.defaults().withAllowlist(Allowlist.of(stale))));
            assertThrows(SnapshotException.class, () -> MsrState.save(msr, file,
                    SaveOptions.defaults().withAllowlist(Allowlist.EMPTY)));
            assertArrayEquals(before, Files.readAllBytes(file));
            assertEquals(modified, Files.getLastModifiedTime(file));
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(file, MsrSnapshot.rawRecordFile(file)), files.sorted().toList(),
                        "no temporary file is left behind");
            }
        }
    }

    @Test
    void aFailedWriteOfTheFileLeavesNoTemporaryFile() throws IOException {
        SimulatedDevice device = device(2);
        Path occupied = Files.createDirectories(dir.resolve("occupied"));
        Files.writeString(occupied.resolve("keep"), "x");   // a non-empty directory cannot be replaced
        try (MsrSafe msr = device.open()) {
            assertThrows(IOException.class, () -> MsrState.save(msr, occupied));
        }
        assertEquals("x", Files.readString(occupied.resolve("keep")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(occupied), files.toList());
        }
    }

    @Test
    void anInMemorySnapshotIsRestoredAndCheckedLikeAFile() throws IOException {
        SimulatedDevice device = device(2);
        try (MsrSafe msr = device.open()) {
            SaveResult saved = MsrState.capture(msr, msr.allowlist());
            msr.write(1, PERF_CTL, 0x2A00);
            RestoreReport report = MsrState.restore(msr, saved.snapshot(), RestoreOptions.defaults());
            assertEquals(0x1C00, device.peek(1, PERF_CTL));
            assertEquals(1, report.restored().size());
            device.setOnline(1, false);
            try (MsrSafe fewer = device.open()) {
                SnapshotException e = assertThrows(SnapshotException.class,
                        () -> MsrState.restore(fewer, saved.snapshot(), RestoreOptions.defaults()));
                assertEquals(Problem.CPU_MISMATCH, e.problem());
            }
        }
    }

    @Test
    void saveOptionsRefuseAuto() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SaveOptions.defaults().withFormat(SnapshotFormat.AUTO));
        assertTrue(e.getMessage().contains("AUTO"), e.getMessage());
    }
}
