package io.github.msrsafe.save;

import io.github.msrsafe.BatchOp;
import io.github.msrsafe.CpuRanges;
import io.github.msrsafe.Errno;
import io.github.msrsafe.FailureKind;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.HandleAccess;
import io.github.msrsafe.save.RestoreReport.NotRestored;
import io.github.msrsafe.save.RestoreReport.Reason;
import io.github.msrsafe.save.RestoreReport.Restored;
import io.github.msrsafe.save.SnapshotException.Problem;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Saves the MSR state of a node and restores it later, as msr-safe's msrsave
 * tool does, but through the batch device: one ioctl (split at the kernel's
 * limit) reads every register on every CPU, instead of one pread per
 * register per CPU.
 *
 * <p>The typical use is a resource manager's job prolog and epilog, so that
 * one job's power limits or prefetcher settings do not leak into the next:
 * {@snippet lang=java :
 * try (MsrSafe msr = MsrSafe.open()) {
 *     MsrState.save(msr, Path.of("/run/msr-safe/state"));                    // prolog
 *     // ... the job runs and changes registers ...
 *     RestoreReport report = MsrState.restore(msr, Path.of("/run/msr-safe/state"),
 *             RestoreOptions.defaults());                                       // epilog
 *     report.msrsaveLines().forEach(System.out::println);
 *     if (!report.complete()) report.failures().forEach(f -> System.err.println(f.describe()));
 * }
 * }
 *
 * <p>Rules, from msrsave (see docs/save-restore.md):
 * <ul>
 *   <li>Save reads every allowlisted register whose write mask is not 0 on every online CPU
 *       and stores it ANDed with its mask. Read-only entries still get their slot in the raw
 *       file, holding 0, as msrsave's layout requires; they are not read, since they can
 *       never be restored. A failed read is stored as {@code ~mask} (the cookie
 *       0xFB6A58813AEA28CF for an all-ones mask) and listed in the result.</li>
 *   <li>Save writes, beside a raw file, its record ({@link MsrSnapshot#rawRecordFile(Path)}:
 *       the CPUs and the allowlist's fingerprint), since the raw file cannot show them.</li>
 *   <li>Restore refuses, before touching any register: anything but a regular file; a raw
 *       file whose size is not CPUs x entries x 8, or whose record names other CPUs or
 *       another allowlist (the same entries in another order included); a raw file without
 *       a record that is older than the allowlist, and (unless {@link RestoreOptions#force()})
 *       any raw file without a record; a text file taken on other CPUs or under another
 *       allowlist (by fingerprint); and a damaged file. It then
 *       reads the current values in one batch, skips stored failed reads, and for each
 *       register whose masked current value differs from the saved one writes
 *       {@code saved | (current & ~mask)}, all in one batch.</li>
 * </ul>
 *
 * <p>Save and restore refuse with {@link SnapshotException} when the module's write masks
 * (reported by each batch op) are not the allowlist's: the allowlist changed under them.
 */
public final class MsrState {

    private MsrState() {}

    // ---- save ----

    /**
     * {@link #save(MsrSafe, Path, SaveOptions)} with the defaults: msrsave's raw format, the installed allowlist.
     *
     * @param msr  the device handle
     * @param file the file to write
     * @return what was read
     * @throws SnapshotException if the allowlist is empty, does not match the module's, or a
     *                           register reads as the failed-read cookie
     * @throws IOException       if the device or the file fails
     */
    public static SaveResult save(MsrSafe msr, Path file) throws IOException {
        return save(msr, file, SaveOptions.defaults());
    }

    /**
     * Reads the state of every writable allowlisted register on every online CPU in one batch
     * and writes it to {@code file}: to a temporary file in the same directory, flushed, then
     * renamed over {@code file}. A raw file gets its record beside it
     * ({@link MsrSnapshot#rawRecordFile(Path)}), which restore needs. If anything fails,
     * {@code file} is left as it was.
     *
     * @throws SnapshotException if the allowlist is empty, does not match the module's, or a
     *                           register reads as the failed-read cookie
     * @throws MsrSafeException  if the batch device cannot be used at all
     * @throws IOException       if the file cannot be written, or names a directory, a device, a
     *                           pipe or a socket (checked before any register is read: renaming
     *                           the new file over such a node would remove it)
     * @param msr     the device handle
     * @param file    the file to write
     * @param options the format and the allowlist to save under
     * @return what was read
     */
    public static SaveResult save(MsrSafe msr, Path file, SaveOptions options) throws IOException {
        if (file.getFileName() == null || Files.isDirectory(file)) {
            // Found before the registers are read, not when the file is replaced.
            throw new FileSystemException(file.toString(), null, "it is a directory; name a file to save to");
        }
        AtomicFiles.requireReplaceable(file);
        if (options.format() == SnapshotFormat.RAW) {
            AtomicFiles.requireReplaceable(MsrSnapshot.rawRecordFile(file));
        }
        Allowlist allowlist = options.allowlist().isPresent() ? options.allowlist().get() : msr.allowlist();
        SaveResult result = capture(msr, allowlist.entries(), file);
        switch (options.format()) {
            case RAW -> result.snapshot().writeRaw(file);
            case TEXT -> result.snapshot().writeText(file);
            case AUTO -> throw new AssertionError("SaveOptions refuses AUTO");
        }
        return result;
    }

    /**
     * Reads the state as {@link #save} does, without writing a file. For reading the same
     * state again and again, {@link StateCapture} keeps its batch and allocates nothing per
     * register once warm.
     *
     * @param msr       the device handle
     * @param allowlist the allowlist in force
     * @return what was read
     * @throws SnapshotException if the allowlist is empty or does not match the module's
     * @throws IOException       if the device fails
     */
    public static SaveResult capture(MsrSafe msr, Allowlist allowlist) throws IOException {
        return capture(msr, allowlist.entries(), null);
    }

    private static SaveResult capture(MsrSafe msr, List<AllowlistEntry> entries, Path file) throws IOException {
        if (entries.isEmpty()) {
            throw new SnapshotException(Problem.EMPTY_ALLOWLIST, file,
                    "the allowlist is empty, so there is no register to save; install one first");
        }
        try (StateCapture state = new StateCapture(msr, entries)) {
            state.read(file);
            return state.result();
        }
    }

    // ---- restore ----

    /**
     * Restores the state saved in {@code file} (see the class comment for the rules). Every
     * check that can refuse the file runs before any register is written; a refusal writes
     * nothing.
     *
     * @param msr     the device handle
     * @param file    the saved state
     * @param options dry run, format, allowlist and verification
     * @return what was written and every register that was not restored, with the reason
     * @throws SnapshotException if the file does not fit this machine's CPUs or allowlist, is
     *                           damaged or not a regular file, or (raw, without its record) is older
     *                           than the allowlist or not forced
     * @throws MsrSafeException  if the batch device cannot be used at all
     * @throws IOException       if the file cannot be read
     */
    public static RestoreReport restore(MsrSafe msr, Path file, RestoreOptions options) throws IOException {
        Allowlist allowlist = options.allowlist().isPresent() ? options.allowlist().get() : msr.allowlist();
        List<AllowlistEntry> entries = allowlist.entries();
        // A device or a pipe is refused before anything is read: detecting the format would block on a pipe.
        StateFiles.requireRegular(file, "a saved state");
        SnapshotFormat format = options.format() == SnapshotFormat.AUTO ? SnapshotFormat.detect(file) : options.format();
        boolean ageChecked = false;
        boolean forced = false;
        MsrSnapshot snapshot;
        if (format == SnapshotFormat.RAW) {
            if (entries.isEmpty()) {
                throw new SnapshotException(Problem.EMPTY_ALLOWLIST, file,
                        "the allowlist is empty, so a raw file cannot be matched to any register");
            }
            // Every refusal that is certain (size, a record of another allowlist or other CPUs, age) comes
            // before the one that is not (no record), so --force is never asked for a file it cannot help.
            MsrSnapshot.RawFile raw = MsrSnapshot.readRawFile(file, msr.cpus(), entries);
            if (raw.record() != MsrSnapshot.RecordStatus.MATCHES) {
                Optional<Instant> allowlistTime = options.allowlistModified().or(() -> allowlistModified(msr));
                if (allowlistTime.isPresent()) {
                    checkNotOlderThanAllowlist(file, allowlistTime.get());
                    ageChecked = true;
                }
                if (!options.force()) {
                    throw unverified(file, raw.record());
                }
                forced = true;
            }
            snapshot = raw.snapshot();
        } else {
            snapshot = MsrSnapshot.readText(file, msr.cpus(), entries);
        }
        return apply(msr, snapshot, entries, file, format, options.dryRun(), options.verify(), ageChecked, forced);
    }

    private static SnapshotException unverified(Path file, MsrSnapshot.RecordStatus record) {
        Path recordFile = RawRecord.pathFor(file);
        String why = record == MsrSnapshot.RecordStatus.MISSING
                ? "it has no record of the allowlist it was saved under (no " + recordFile.getFileName() + " beside it:"
                        + " msrsave saved it, or it was copied without its record)"
                : "its record " + recordFile.getFileName() + " was written for other contents (the raw file was"
                        + " rewritten since, by msrsave or an interrupted save)";
        return new SnapshotException(Problem.UNVERIFIED, file, "this raw msrsave file cannot be matched to the installed"
                + " allowlist: " + why + ". A raw file is only values; under the same entries in another order each would"
                + " be written to another register. If you know it was saved under the installed allowlist on these"
                + " CPUs, restore it with --force (RestoreOptions.withForce); save with 'msrsafe save' (which writes the"
                + " record) or in the text format to avoid this. Nothing was restored.");
    }

    /**
     * Restores an in-memory snapshot under {@code options} (its format, allowlist time and
     * file-related settings do not apply). Refuses, writing nothing, a snapshot taken on other
     * CPUs or under another allowlist.
     *
     * @param msr      the device handle
     * @param snapshot the saved state
     * @param options  dry run, allowlist and verification
     * @return what was written and every register that was not restored, with the reason
     * @throws SnapshotException if the snapshot does not fit this machine's CPUs or allowlist
     * @throws IOException       if the device fails
     */
    public static RestoreReport restore(MsrSafe msr, MsrSnapshot snapshot, RestoreOptions options) throws IOException {
        Allowlist allowlist = options.allowlist().isPresent() ? options.allowlist().get() : msr.allowlist();
        return apply(msr, snapshot, allowlist.entries(), null, SnapshotFormat.AUTO, options.dryRun(), options.verify(), false,
                false);
    }

    /**
     * The modification time of the handle's {@code msr_allowlist}, if its device keeps one
     * (a file this process can see); the default time for msrsave's age check.
     *
     * @param msr the device handle
     * @return the time, or empty
     */
    public static Optional<Instant> allowlistModified(MsrSafe msr) {
        return HandleAccess.deviceFiles(msr).lastModified(DeviceNode.ALLOWLIST);
    }

    private static void checkNotOlderThanAllowlist(Path file, Instant allowlistModified) throws IOException {
        // msrsave compares st_mtime, whole seconds: a file saved in the same second is accepted.
        long fileSeconds = Files.getLastModifiedTime(file).to(TimeUnit.SECONDS);
        if (fileSeconds < allowlistModified.getEpochSecond()) {
            throw new SnapshotException(Problem.OLDER_THAN_ALLOWLIST, file, "the file was saved at "
                    + Instant.ofEpochSecond(fileSeconds) + ", before the allowlist was installed ("
                    + allowlistModified + "); a raw file cannot show which allowlist it was saved under, so it is"
                    + " refused, as msrsave does. Nothing was restored.");
        }
    }

    private static RestoreReport apply(MsrSafe msr, MsrSnapshot snapshot, List<AllowlistEntry> entries, Path file,
                                       SnapshotFormat format, boolean dryRun, boolean verify, boolean ageChecked,
                                       boolean forced) throws IOException {
        checkSnapshotFits(snapshot, msr.cpus(), entries, file);
        List<Integer> cpus = snapshot.cpus();
        int entryCount = entries.size();
        List<SlotNote> notRestored = new ArrayList<>();

        long[] saved = snapshot.slots();

        // 1. The current value of every writable register, in one batch. Registers whose saved read
        //    failed are read too, so that the module's masks are checked for every entry.
        int[] writable = writableSlots(cpus.size(), entries);
        BatchRunner.Results current = BatchRunner.run(msr, reads(writable, cpus, entries));
        checkModuleMasks(msr, current, writable, cpus, entries, file);

        // 2. What to write: registers saved successfully whose masked value changed, merged with
        //    the current bits outside the mask.
        List<Restored> planned = new ArrayList<>();
        List<Integer> plannedSlots = new ArrayList<>();
        int unchanged = 0;
        for (int op = 0; op < writable.length; op++) {
            int slot = writable[op];
            AllowlistEntry entry = entries.get(slot % entryCount);
            int cpu = cpus.get(slot / entryCount);
            long mask = entry.writeMask();
            if (MsrSnapshot.isFailedRead(saved[slot], mask)) {
                notRestored.add(note(slot, cpus, entries, Reason.SAVED_READ_FAILED, Optional.empty(),
                        "its read failed when the state was saved, so there is no value to restore"));
                continue;
            }
            if (!current.succeeded(op)) {
                notRestored.add(note(slot, cpus, entries, Reason.CURRENT_READ_FAILED, current.errno(op),
                        "its current value could not be read, so it was not written"));
                continue;
            }
            long read = current.values()[op];
            if ((read & mask) == saved[slot]) {
                unchanged++;
                continue;
            }
            planned.add(new Restored(cpu, entry.address(), mask, saved[slot], read, saved[slot] | (read & ~mask)));
            plannedSlots.add(slot);
        }
        if (dryRun) {
            return report(file, format, true, planned, notRestored, unchanged, ageChecked, forced);
        }

        // 3. The writes, in one batch.
        BatchRunner.Results writes = BatchRunner.run(msr, writes(planned));
        List<Restored> restored = new ArrayList<>(planned.size());
        List<Integer> restoredSlots = new ArrayList<>(planned.size());
        for (int op = 0; op < planned.size(); op++) {
            if (writes.succeeded(op)) {
                restored.add(planned.get(op));
                restoredSlots.add(plannedSlots.get(op));
            } else {
                notRestored.add(note(plannedSlots.get(op), cpus, entries, Reason.WRITE_FAILED, writes.errno(op),
                        String.format("the write of 0x%016X failed; the register keeps its current value",
                                planned.get(op).restored())));
            }
        }

        // 4. Read back what was written, in one batch. A register that reads back otherwise was
        // still written: it stays in the restored list (msrsave's lines show every write) and
        // is reported besides.
        if (verify && !restored.isEmpty()) {
            BatchRunner.Results check = BatchRunner.run(msr, reads(restoredSlots.stream().mapToInt(Integer::intValue).toArray(),
                    cpus, entries));
            for (int op = 0; op < restored.size(); op++) {
                Restored r = restored.get(op);
                int slot = restoredSlots.get(op);
                if (!check.succeeded(op)) {
                    notRestored.add(note(slot, cpus, entries, Reason.VERIFY_FAILED, check.errno(op), String.format(
                            "0x%016X was written but the register could not be read back", r.restored())));
                } else if ((check.values()[op] & r.writeMask()) != r.saved()) {
                    notRestored.add(note(slot, cpus, entries, Reason.VERIFY_FAILED, Optional.empty(), String.format(
                            "0x%016X was written but the register reads back 0x%016X, not the saved bits 0x%016X"
                                    + " (mask 0x%016X): a counter that keeps counting, or a processor that refused"
                                    + " the bits", r.restored(), check.values()[op],
                            r.saved(), r.writeMask())));
                }
            }
        }
        return report(file, format, false, restored, notRestored, unchanged, ageChecked, forced);
    }

    /** Refuses a snapshot taken on other CPUs or under another allowlist. */
    private static void checkSnapshotFits(MsrSnapshot snapshot, List<Integer> cpus, List<AllowlistEntry> entries,
                                          Path file) throws SnapshotException {
        if (!snapshot.cpus().equals(cpus)) {
            throw new SnapshotException(Problem.CPU_MISMATCH, file, "the state was saved on CPUs "
                    + CpuRanges.format(snapshot.cpus()) + " but CPUs " + CpuRanges.format(cpus)
                    + " are online now; bring the same CPUs online (or save again). Nothing was restored.");
        }
        if (!snapshot.entries().equals(entries)) {
            throw new SnapshotException(Problem.ALLOWLIST_MISMATCH, file, "the state was saved under allowlist "
                    + snapshot.allowlistFingerprint() + " (" + snapshot.entries().size() + " entries) but allowlist "
                    + MsrSnapshot.allowlistFingerprint(entries) + " (" + entries.size() + " entries) is installed: "
                    + AllowlistDifference.describe(snapshot.entries(), entries) + ". Nothing was restored.");
        }
    }

    /**
     * The module reports each op's write mask from ITS allowlist; an unlisted MSR (EACCES) or
     * a different mask means the allowlist we were given is not the one in force.
     */
    private static void checkModuleMasks(MsrSafe msr, BatchRunner.Results results, int[] slots, List<Integer> cpus,
                                         List<AllowlistEntry> entries, Path file)
            throws SnapshotException {
        if (msr.batchEmulated()) {
            return; // per-CPU calls report no masks (and the stock driver has no allowlist)
        }
        int entryCount = entries.size();
        for (int op = 0; op < slots.length; op++) {
            SnapshotException mismatch = maskMismatch(entries.get(slots[op] % entryCount),
                    cpus.get(slots[op] / entryCount), results.statuses()[op], results.kind(op), results.errno(op),
                    results.writeMasks()[op], "restore", "written", file);
            if (mismatch != null) {
                throw mismatch;
            }
        }
    }

    /**
     * Whether the module's answer for one op of a save or restore shows that the allowlist
     * used is not the one in force: it does not list the MSR (EACCES, EROFS), or it validated
     * the op with another write mask. Save and restore both ask this, with their words.
     *
     * @return the exception saying so, or null when the module agrees
     */
    static SnapshotException maskMismatch(AllowlistEntry entry, int cpu, BatchOp.Status status,
                                          Optional<FailureKind> kind, Optional<Errno> errno, long moduleMask,
                                          String action, String done, Path file) {
        boolean notListed = kind.filter(k -> k == FailureKind.NOT_ALLOWED || k == FailureKind.READ_ONLY).isPresent();
        boolean validated = status != BatchOp.Status.REJECTED; // the module reported its mask
        if (!notListed && !(validated && moduleMask != entry.writeMask())) {
            return null;
        }
        String found = notListed ? "the module does not list it (" + errno.map(Enum::name).orElse("") + ")"
                : String.format("the module's mask is 0x%016X", moduleMask);
        return new SnapshotException(Problem.ALLOWLIST_MISMATCH, file, String.format(
                "cannot %s: the allowlist used lists MSR 0x%X with write mask 0x%016X, but on CPU %d %s;"
                        + " the installed allowlist has changed. Nothing was %s.", action, entry.address(),
                entry.writeMask(), cpu, found, done));
    }

    /** Slots of entries whose write mask is not 0, in slot order. */
    private static int[] writableSlots(int cpuCount, List<AllowlistEntry> entries) {
        int writableEntries = (int) entries.stream().filter(e -> e.writeMask() != 0).count();
        int[] slots = new int[Math.multiplyExact(cpuCount, writableEntries)];
        int next = 0;
        for (int p = 0; p < cpuCount; p++) {
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).writeMask() != 0) {
                    slots[next++] = p * entries.size() + i;
                }
            }
        }
        return slots;
    }

    private static BatchRunner.Ops reads(int[] slots, List<Integer> cpus, List<AllowlistEntry> entries) {
        int entryCount = entries.size();
        return new BatchRunner.Ops() {
            public int count() { return slots.length; }
            public int cpu(int op) { return cpus.get(slots[op] / entryCount); }
            public long msr(int op) { return entries.get(slots[op] % entryCount).address(); }
            public boolean read(int op) { return true; }
            public long value(int op) { return 0; }
        };
    }

    private static BatchRunner.Ops writes(List<Restored> planned) {
        return new BatchRunner.Ops() {
            public int count() { return planned.size(); }
            public int cpu(int op) { return planned.get(op).cpu(); }
            public long msr(int op) { return planned.get(op).msr(); }
            public boolean read(int op) { return false; }
            public long value(int op) { return planned.get(op).restored(); }
        };
    }

    /** A NotRestored with its slot, so the report can list them in slot order. */
    private record SlotNote(int slot, NotRestored notRestored) {}

    private static SlotNote note(int slot, List<Integer> cpus, List<AllowlistEntry> entries, Reason reason, Optional<Errno> errno,
                                 String detail) {
        AllowlistEntry entry = entries.get(slot % entries.size());
        return new SlotNote(slot, new NotRestored(cpus.get(slot / entries.size()), entry.address(), reason, errno, detail));
    }

    private static RestoreReport report(Path file, SnapshotFormat format, boolean dryRun, List<Restored> restored,
                                        List<SlotNote> notes, int unchanged, boolean ageChecked, boolean forced) {
        List<NotRestored> notRestored = notes.stream().sorted(Comparator.comparingInt(SlotNote::slot))
                .map(SlotNote::notRestored).toList();
        return new RestoreReport(file, format, dryRun, restored, notRestored, unchanged, ageChecked, forced);
    }

    /** Describes how two allowlists differ, for messages. */
    static final class AllowlistDifference {
        private static final int MAX_LISTED = 5;

        private AllowlistDifference() {}

        static String describe(List<AllowlistEntry> saved, List<AllowlistEntry> installed) {
            Map<Long, Long> savedMasks = new HashMap<>();
            saved.forEach(e -> savedMasks.put(e.address(), e.writeMask()));
            Map<Long, Long> installedMasks = new HashMap<>();
            installed.forEach(e -> installedMasks.put(e.address(), e.writeMask()));
            List<String> differences = new ArrayList<>();
            for (AllowlistEntry e : saved) {
                Long now = installedMasks.get(e.address());
                if (now == null) {
                    differences.add(String.format("0x%X is no longer listed", e.address()));
                } else if (now != e.writeMask()) {
                    differences.add(String.format("0x%X mask 0x%X is now 0x%X", e.address(), e.writeMask(), now));
                }
            }
            for (AllowlistEntry e : installed) {
                if (!savedMasks.containsKey(e.address())) {
                    differences.add(String.format("0x%X is newly listed", e.address()));
                }
            }
            if (differences.isEmpty()) {
                return "the same entries in a different order";
            }
            String listed = String.join(", ", differences.subList(0, Math.min(MAX_LISTED, differences.size())));
            return differences.size() > MAX_LISTED ? listed + " and " + (differences.size() - MAX_LISTED) + " more" : listed;
        }
    }
}
