package io.github.msrsafe.save;

import io.github.msrsafe.BatchOp;
import io.github.msrsafe.Errno;
import io.github.msrsafe.FailureKind;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.save.SnapshotException.Problem;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The state {@link MsrState#capture} reads, read again and again: every allowlisted
 * register with a non-zero write mask on every CPU online when it was made, in one batch
 * that is built once and kept. Each {@link #read()} runs that batch and refreshes the
 * slots in place, so once warm a read allocates nothing per register (and no batch, so no
 * off-heap memory is freed per read): for a daemon that saves or compares the state of a
 * node on a schedule. The slots follow {@link MsrSnapshot}'s layout (CPU position x entry
 * index; 0 for a read-only entry, the failed-read marker for a read that failed), and
 * {@link #snapshot()} makes an immutable copy when one is needed.
 *
 * <p>Not thread-safe: one thread at a time. Closing it (or its {@link MsrSafe}) from
 * another thread is safe, as for any {@link MsrBatch}.
 *
 * {@snippet lang=java :
 * try (StateCapture state = StateCapture.of(msr, msr.allowlist())) {
 *     for (int round = 0; round < 3; round++) {        // say, once a minute
 *         int failed = state.read();                    // one batch; nothing allocated per register
 *         long firstSlot = state.slot(0, 0);            // CPU position 0, allowlist entry 0
 *     }
 *     MsrSnapshot last = state.snapshot();              // an immutable copy, to write or compare
 * }
 * }
 */
public final class StateCapture implements AutoCloseable {

    private final List<Integer> cpus;
    private final List<AllowlistEntry> entries;
    private final long[] masks;            // by entry
    private final int[] writableEntries;   // the entries read, in allowlist order
    private final boolean masksReported;   // false for per-CPU batches, which report no masks
    private final MsrBatch batch;          // op = cpu position * writableEntries.length + k
    private final long[] slots;
    private List<SaveResult.FailedRead> failedReads = List.of();
    private Instant readAt;
    private boolean valid;

    StateCapture(MsrSafe msr, List<AllowlistEntry> entries) throws SnapshotException {
        if (entries.isEmpty()) {
            throw new SnapshotException(Problem.EMPTY_ALLOWLIST, null,
                    "the allowlist is empty, so there is no register to save; install one first");
        }
        this.cpus = msr.cpus();
        this.entries = List.copyOf(entries);
        this.masks = new long[entries.size()];
        int writable = 0;
        for (int e = 0; e < masks.length; e++) {
            masks[e] = entries.get(e).writeMask();
            if (masks[e] != 0) {
                writable++;
            }
        }
        this.writableEntries = new int[writable];
        for (int e = 0, k = 0; e < masks.length; e++) {
            if (masks[e] != 0) {
                writableEntries[k++] = e;
            }
        }
        this.slots = new long[Math.multiplyExact(cpus.size(), masks.length)];
        this.masksReported = !msr.batchEmulated();
        this.batch = msr.newBatch();
        try {
            for (int cpu : cpus) {
                for (int e : writableEntries) {
                    batch.addRead(cpu, entries.get(e).address());
                }
            }
        } catch (RuntimeException e) {
            batch.close();
            throw e;
        }
    }

    /**
     * Prepares to read the state of every register {@code allowlist} lists with a non-zero
     * write mask, on every CPU online now.
     *
     * @param msr       the device handle
     * @param allowlist the allowlist in force (usually {@link MsrSafe#allowlist()})
     * @return a capture that has not read yet; close it to free its batch
     * @throws SnapshotException     if the allowlist is empty
     * @throws IllegalStateException if {@code msr} is closed
     */
    public static StateCapture of(MsrSafe msr, Allowlist allowlist) throws SnapshotException {
        Objects.requireNonNull(msr, "msr");
        return new StateCapture(msr, Objects.requireNonNull(allowlist, "allowlist").entries());
    }

    /**
     * Reads every register now, in one batch (split at the module's limit), and refreshes
     * the slots. A register that cannot be read (EIO: the processor does not implement it;
     * ENXIO: its CPU went offline) gets the failed-read marker and is listed in
     * {@link #failedReads()}; the others are read in any case.
     *
     * @return how many registers could not be read
     * @throws SnapshotException if the module's write masks are not the allowlist's (it was
     *                           changed), or a register holds the failed-read cookie; the
     *                           slots then hold no state until the next read succeeds
     * @throws MsrSafeException  if the batch device cannot be used at all
     */
    public int read() throws IOException {
        return read(null);
    }

    /** {@link #read()}, naming {@code file} in its exceptions (null: none). */
    int read(Path file) throws IOException {
        valid = false;
        Instant at = Instant.now();
        batch.executeSkippingRejected();
        int entryCount = masks.length;
        int perCpu = writableEntries.length;
        if (masksReported) {
            // Every mask first: a changed allowlist is the finding, whatever the values are.
            for (int p = 0, op = 0; p < cpus.size(); p++) {
                for (int k = 0; k < perCpu; k++, op++) {
                    checkMask(op, batch.status(op), writableEntries[k], p, file);
                }
            }
        }
        List<SaveResult.FailedRead> failed = null;
        int op = 0;
        for (int p = 0; p < cpus.size(); p++) {
            int firstSlot = p * entryCount;
            for (int k = 0; k < perCpu; k++, op++) {
                int e = writableEntries[k];
                long mask = masks[e];
                BatchOp.Status status = batch.status(op);
                if (status == BatchOp.Status.SUCCEEDED) {
                    long value = batch.value(op) & mask;
                    if (mask == -1L && value == MsrSnapshot.FAILED_READ_COOKIE) {
                        throw new SnapshotException(Problem.VALUE_IS_FAILED_READ_COOKIE, file, String.format(
                                "MSR 0x%X on CPU %d holds 0x%016X, the value the msrsave format reserves for a"
                                        + " failed read; it cannot be saved faithfully, so nothing was saved",
                                entries.get(e).address(), cpus.get(p), MsrSnapshot.FAILED_READ_COOKIE));
                    }
                    slots[firstSlot + e] = value;
                } else {
                    slots[firstSlot + e] = MsrSnapshot.failedReadMarker(mask);
                    if (failed == null) {
                        failed = new ArrayList<>();
                    }
                    failed.add(new SaveResult.FailedRead(cpus.get(p), entries.get(e).address(),
                            batch.error(op).orElse(Errno.EAGAIN)));
                }
            }
        }
        failedReads = failed == null ? List.of() : List.copyOf(failed);
        readAt = at;
        valid = true;
        return failedReads.size();
    }

    /** The module must report the allowlist's mask for every register it looked at. */
    private void checkMask(int op, BatchOp.Status status, int e, int cpuPosition, Path file) throws SnapshotException {
        if (status == BatchOp.Status.SUCCEEDED && batch.writeMask(op) == masks[e]) {
            return; // the common case, decided without the failure's details
        }
        SnapshotException mismatch = MsrState.maskMismatch(entries.get(e), cpus.get(cpuPosition), status,
                batch.kind(op), batch.error(op), batch.writeMask(op), "save", "saved", file);
        if (mismatch != null) {
            throw mismatch;
        }
    }

    /** {@return the CPUs, ascending, one slot group each (those online when this capture was made)} */
    public List<Integer> cpus() {
        return cpus;
    }

    /** {@return the allowlist's entries in allowlist order, one slot per CPU each} */
    public List<AllowlistEntry> entries() {
        return entries;
    }

    /** {@return the number of registers each read reads: CPUs x entries with a non-zero write mask} */
    public int registersRead() {
        return batch.size();
    }

    /** {@return the number of slots: CPUs x entries} */
    public int slotCount() {
        return slots.length;
    }

    /**
     * {@return the slot of entry {@code entryIndex} on the CPU at {@code cpuPosition} as the last
     * read left it: the value ANDed with the write mask, or the failed-read marker}
     *
     * @param cpuPosition the CPU's position in {@link #cpus()}
     * @param entryIndex  the entry's index in {@link #entries()}
     * @throws IndexOutOfBoundsException if either is out of range
     * @throws IllegalStateException     if there has been no successful read
     */
    public long slot(int cpuPosition, int entryIndex) {
        requireRead();
        Objects.checkIndex(cpuPosition, cpus.size());
        Objects.checkIndex(entryIndex, masks.length);
        return slots[cpuPosition * masks.length + entryIndex];
    }

    /**
     * Copies every slot of the last read into {@code into}, in {@link MsrSnapshot}'s order.
     *
     * @param into an array of at least {@link #slotCount()} values
     * @throws IndexOutOfBoundsException if {@code into} is too short
     * @throws IllegalStateException     if there has been no successful read
     */
    public void copySlots(long[] into) {
        requireRead();
        System.arraycopy(slots, 0, into, 0, slots.length);
    }

    /**
     * {@return the registers the last read could not read, in slot order}
     *
     * @throws IllegalStateException if there has been no successful read
     */
    public List<SaveResult.FailedRead> failedReads() {
        requireRead();
        return failedReads;
    }

    /**
     * {@return when the last read started}
     *
     * @throws IllegalStateException if there has been no successful read
     */
    public Instant readAt() {
        requireRead();
        return readAt;
    }

    /**
     * {@return the state of the last read as an immutable snapshot (a copy)}
     *
     * @throws IllegalStateException if there has been no successful read
     */
    public MsrSnapshot snapshot() {
        requireRead();
        return new MsrSnapshot(cpus, entries, slots, readAt);
    }

    /**
     * {@return the last read as {@link MsrState#capture} reports it: the snapshot, the count of
     * registers read and the failed reads}
     *
     * @throws IllegalStateException if there has been no successful read
     */
    public SaveResult result() {
        return new SaveResult(snapshot(), registersRead(), failedReads);
    }

    /** Frees the batch. Idempotent; safe from another thread while a read runs. */
    @Override
    public void close() {
        batch.close();
    }

    @Override
    public String toString() {
        return "StateCapture[" + cpus.size() + " CPUs x " + masks.length + " entries, " + registersRead()
                + " registers read" + (valid ? ", read at " + readAt : "") + "]";
    }

    private void requireRead() {
        if (!valid) {
            throw new IllegalStateException("the state has not been read (or the last read failed): call read() first");
        }
    }
}
