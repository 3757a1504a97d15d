package io.github.msrsafe.save;

import io.github.msrsafe.CpuRanges;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.internal.text.Hex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The saved state of every allowlisted MSR on every CPU, laid out as msrsave's
 * file: one slot per (CPU, allowlist entry), CPU-major
 * ({@code slot = cpuPosition * entries.size() + entryIndex}), each slot the
 * register's value ANDed with its write mask.
 *
 * <p>Slots follow msrsave's conventions exactly, so a snapshot converts to and
 * from its raw file without loss:
 * <ul>
 *   <li>a read-only entry (write mask 0) holds 0; it can never be restored;</li>
 *   <li>a failed read holds {@link #failedReadMarker(long) ~mask}, or
 *       {@link #FAILED_READ_COOKIE} when the mask is all ones. A slot is a failed
 *       read when it has bits outside the mask (or is the cookie for an all-ones
 *       mask), which a masked value never has: {@link #isFailedRead(long, long)}.</li>
 * </ul>
 *
 * <p>{@code cpus} are CPU numbers, ascending; the raw file numbers them only by
 * position (msrsave writes CPUs 0..n-1), so position {@code p} holds
 * {@code cpus.get(p)}. The {@code slots} array is copied in and out.
 *
 * {@snippet lang=java :
 * MsrSnapshot snapshot = MsrSnapshot.readRaw(Path.of("/var/run/msr.save"), msr.cpus(), msr.allowlist());
 * OptionalLong powerLimit = snapshot.value(0, 0x610);   // empty if the saved read failed
 * snapshot.writeText(Path.of("/tmp/msr.txt"));          // the same state, self-describing
 * }
 *
 * @param cpus    the CPU numbers, ascending, one slot group each
 * @param entries the allowlist entries in allowlist order, one slot per CPU each
 * @param slots   {@code cpus.size() * entries.size()} slot values
 * @param savedAt when the state was read (for a raw file: its modification time)
 */
public record MsrSnapshot(List<Integer> cpus, List<AllowlistEntry> entries, long[] slots, Instant savedAt) {

    /** What msrsave stores for a failed read of a register whose write mask is all ones. */
    public static final long FAILED_READ_COOKIE = 0xFB6A58813AEA28CFL;

    /** Bytes per slot in the raw file: one little-endian u64. */
    public static final int RAW_SLOT_BYTES = Long.BYTES;

    /** The largest raw file: as many slots as a Java array holds. */
    private static final long MAX_RAW_BYTES = (long) (Integer.MAX_VALUE - 8) / RAW_SLOT_BYTES * RAW_SLOT_BYTES;

    /** Validates the shape and copies the lists and the array. */
    public MsrSnapshot {
        cpus = List.copyOf(Objects.requireNonNull(cpus, "cpus"));
        entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
        Objects.requireNonNull(slots, "slots");
        Objects.requireNonNull(savedAt, "savedAt");
        int previous = -1;
        for (int cpu : cpus) {
            if (cpu <= previous) {
                throw new IllegalArgumentException("CPU numbers must be non-negative and ascending, without repeats: " + cpus);
            }
            previous = cpu;
        }
        Set<Long> addresses = new HashSet<>();
        for (AllowlistEntry entry : entries) {
            if (!addresses.add(entry.address())) {
                throw new IllegalArgumentException("allowlist address " + Hex.of(entry.address()) + " is listed twice");
            }
        }
        long expected = (long) cpus.size() * entries.size();
        if (slots.length != expected) {
            throw new IllegalArgumentException(cpus.size() + " CPUs x " + entries.size() + " entries need "
                    + expected + " slots, not " + slots.length);
        }
        slots = slots.clone();
    }

    /** {@return the slot values, a copy} */
    @Override
    public long[] slots() {
        return slots.clone();
    }

    /** {@return the number of slots: CPUs x entries} */
    public int slotCount() {
        return slots.length;
    }

    /**
     * {@return the slot index of entry {@code entryIndex} on the CPU at position {@code cpuPosition}}
     *
     * @param cpuPosition the CPU's position in {@link #cpus()}
     * @param entryIndex  the entry's index in {@link #entries()}
     * @throws IndexOutOfBoundsException if either is out of range
     */
    public int slotIndex(int cpuPosition, int entryIndex) {
        Objects.checkIndex(cpuPosition, cpus.size());
        Objects.checkIndex(entryIndex, entries.size());
        return cpuPosition * entries.size() + entryIndex;
    }

    /**
     * {@return the stored slot (masked value or failed-read marker) of entry {@code entryIndex} on the CPU at
     * {@code cpuPosition}}
     *
     * @param cpuPosition the CPU's position in {@link #cpus()}
     * @param entryIndex  the entry's index in {@link #entries()}
     * @throws IndexOutOfBoundsException if either is out of range
     */
    public long slot(int cpuPosition, int entryIndex) {
        return slots[slotIndex(cpuPosition, entryIndex)];
    }

    /**
     * {@return whether that slot records a failed read (see {@link #isFailedRead(long, long)})}
     *
     * @param cpuPosition the CPU's position in {@link #cpus()}
     * @param entryIndex  the entry's index in {@link #entries()}
     * @throws IndexOutOfBoundsException if either is out of range
     */
    public boolean failedRead(int cpuPosition, int entryIndex) {
        return isFailedRead(slot(cpuPosition, entryIndex), entries.get(entryIndex).writeMask());
    }

    /**
     * The saved (masked) value of {@code msr} on CPU number {@code cpu}; empty if the saved
     * read failed.
     *
     * @param cpu the CPU number
     * @param msr the MSR address
     * @return the saved value, or empty
     * @throws IllegalArgumentException if the CPU or the MSR is not in this snapshot
     */
    public OptionalLong value(int cpu, long msr) {
        int cpuPosition = cpus.indexOf(cpu);
        if (cpuPosition < 0) {
            throw new IllegalArgumentException("CPU " + cpu + " is not in this snapshot (CPUs " + CpuRanges.format(cpus) + ")");
        }
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).address() == msr) {
                return failedRead(cpuPosition, i) ? OptionalLong.empty() : OptionalLong.of(slot(cpuPosition, i));
            }
        }
        throw new IllegalArgumentException("MSR " + Hex.of(msr) + " is not in this snapshot's allowlist");
    }

    /** {@return the number of slots that record a failed read} */
    public int failedReadCount() {
        int count = 0;
        for (int p = 0; p < cpus.size(); p++) {
            for (int i = 0; i < entries.size(); i++) {
                count += failedRead(p, i) ? 1 : 0;
            }
        }
        return count;
    }

    /** {@return the fingerprint of this snapshot's allowlist: {@link #allowlistFingerprint(List)}} */
    public String allowlistFingerprint() {
        return allowlistFingerprint(entries);
    }

    // ---- msrsave's conventions ----

    /**
     * {@return what a failed read of a register with this write mask is stored as: {@code ~mask}, or the
     * cookie for an all-ones mask}
     *
     * @param writeMask the entry's write mask
     */
    public static long failedReadMarker(long writeMask) {
        return writeMask == -1L ? FAILED_READ_COOKIE : ~writeMask;
    }

    /**
     * Whether a stored slot is a failed read, by msrsave's rule: for an all-ones mask, the
     * slot is the cookie; otherwise the slot has bits outside the mask (a masked value never
     * does). A read-only entry's slot is a failed read unless it is 0.
     *
     * @param stored    the stored slot
     * @param writeMask the entry's write mask
     * @return whether the slot records a failed read
     */
    public static boolean isFailedRead(long stored, long writeMask) {
        return writeMask == -1L ? stored == FAILED_READ_COOKIE : (stored & ~writeMask) != 0;
    }

    /**
     * A short, stable fingerprint of an allowlist: {@code "sha256:"} and the lower-case hex
     * SHA-256 of the entries in the kernel's read-back format without its header, i.e. of
     * the concatenated lines {@code printf("0x%08llX 0x%016llX\n", address, mask)}. Two
     * allowlists have the same fingerprint when they hold the same entries in the same order.
     *
     * @param entries the allowlist's entries, in order
     * @return the fingerprint, e.g. {@code sha256:3f0a...}
     */
    public static String allowlistFingerprint(List<AllowlistEntry> entries) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        for (AllowlistEntry entry : entries) {
            sha256.update(entry.kernelLine().getBytes(StandardCharsets.US_ASCII));
        }
        return "sha256:" + HexFormat.of().formatHex(sha256.digest());
    }

    // ---- raw msrsave file ----

    /** {@return the raw file's bytes: each slot as a little-endian u64, in slot order} */
    public byte[] toRawBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(Math.multiplyExact(slots.length, RAW_SLOT_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(slots);
        return buffer.array();
    }

    /**
     * Writes the raw msrsave file, and beside it the record of what it was saved against
     * ({@link #rawRecordFile(Path) FILE.fingerprint}: the CPUs, the allowlist's fingerprint and
     * the raw bytes' SHA-256), which restore needs to know that the file fits the installed
     * allowlist: the raw file has no header, so the same entries in another order would give
     * each register another's value. The raw file stays msrsave's exact bytes. Both are
     * written to temporary files in the same directory and flushed to disk before either is
     * renamed into place, so an existing file survives any failure to write them.
     *
     * @param file the file to write
     * @throws IOException if it cannot be written, or if it or its record exists and is not a
     *                     regular file (a directory, a device, a pipe or a socket: the rename would
     *                     remove that node)
     */
    public void writeRaw(Path file) throws IOException {
        Path recordFile = RawRecord.pathFor(file);
        AtomicFiles.requireReplaceable(file);
        AtomicFiles.requireReplaceable(recordFile);
        byte[] raw = toRawBytes();
        AtomicFiles.Pending rawPending = AtomicFiles.prepare(file, raw);
        try {
            AtomicFiles.Pending recordPending = AtomicFiles.prepare(recordFile,
                    RawRecord.of(this, raw).toText().getBytes(StandardCharsets.US_ASCII));
            try {
                rawPending.commit();
                try {
                    recordPending.commit();
                } catch (IOException e) {
                    throw new IOException(file + " was written but its record " + recordFile + " could not be ("
                            + e.getMessage() + "); restore will refuse the file until it is saved again", e);
                }
            } finally {
                recordPending.discard();
            }
        } finally {
            rawPending.discard();
        }
    }

    /**
     * {@return the file beside a raw state file that records what it was saved against: {@code FILE.fingerprint}}
     * Scripts that remove a raw state file should remove this one too.
     *
     * @param rawFile the raw state file
     * @throws IllegalArgumentException if {@code rawFile} names no file (a root directory)
     */
    public static Path rawRecordFile(Path rawFile) {
        return RawRecord.pathFor(rawFile);
    }

    /**
     * Parses raw msrsave bytes saved on these CPUs under this allowlist.
     *
     * @param raw     the file's bytes
     * @param cpus    the CPUs online when it was saved, ascending
     * @param entries the allowlist's entries when it was saved
     * @param savedAt when it was saved
     * @param source  named in messages, may be null
     * @return the snapshot
     * @throws SnapshotException ({@link SnapshotException.Problem#SIZE_MISMATCH}) unless the
     *                           length is exactly cpus x entries x 8
     *                           ({@link SnapshotException.Problem#MALFORMED} if it is not a whole
     *                           number of 8-byte values)
     */
    public static MsrSnapshot fromRawBytes(byte[] raw, List<Integer> cpus, List<AllowlistEntry> entries,
                                           Instant savedAt, Path source) throws SnapshotException {
        checkRawSize(raw.length, cpus.size(), entries.size(), source);
        long[] slots = new long[raw.length / RAW_SLOT_BYTES];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(slots);
        return new MsrSnapshot(cpus, entries, slots, savedAt);
    }

    /**
     * Reads a raw msrsave file saved on these CPUs under this allowlist. The raw file carries
     * no CPU list or allowlist of its own; its size is checked before it is read (a file that
     * is not exactly {@code cpus.size() * entries.size() * 8} bytes is refused), and if its
     * record ({@link #rawRecordFile(Path)}) is beside it and describes these bytes, a record
     * of other CPUs or another allowlist is refused. Without a record the caller vouches for
     * the allowlist: {@link MsrState#restore(io.github.msrsafe.MsrSafe, Path, RestoreOptions)}
     * refuses such a file unless forced. {@link #savedAt()} is the file's modification time.
     *
     * @param file    the raw file
     * @param cpus    the CPUs online when it was saved, ascending
     * @param entries the allowlist's entries when it was saved
     * @return the snapshot
     * @throws SnapshotException     if the size or the record does not match, or it is not a regular file
     * @throws NoSuchFileException   if there is no such file
     * @throws IOException           if the file cannot be read
     */
    public static MsrSnapshot readRaw(Path file, List<Integer> cpus, List<AllowlistEntry> entries) throws IOException {
        return readRawFile(file, cpus, entries).snapshot();
    }

    /** Whether a raw file's record vouches for it. */
    enum RecordStatus {
        /** The record describes these bytes, these CPUs and this allowlist. */
        MATCHES,
        /** There is no record beside the file (msrsave's file, or copied without it). */
        MISSING,
        /** The record describes other bytes: the file was rewritten since (by msrsave?). */
        STALE
    }

    /** A raw file read and checked, and what its record says. */
    record RawFile(MsrSnapshot snapshot, RecordStatus record) {}

    /**
     * Reads a raw file: refuses anything but a regular file, checks its size before reading
     * it, then checks its record if there is one that describes these bytes.
     */
    static RawFile readRawFile(Path file, List<Integer> cpus, List<AllowlistEntry> entries) throws IOException {
        long size = StateFiles.requireRegular(file, "a saved state").size();
        checkRawSize(size, cpus.size(), entries.size(), file);
        Instant modified = Files.getLastModifiedTime(file).toInstant();
        // Read after the size check so a huge file is never loaded; the length is checked again in case it changed.
        byte[] raw = StateFiles.readRegular(file, size, "a raw msrsave file for these CPUs and this allowlist");
        MsrSnapshot snapshot = fromRawBytes(raw, cpus, entries, modified, file);
        Optional<RawRecord> record = RawRecord.read(file);
        if (record.isEmpty()) {
            return new RawFile(snapshot, RecordStatus.MISSING);
        }
        if (!record.get().describes(raw)) {
            return new RawFile(snapshot, RecordStatus.STALE);
        }
        record.get().check(cpus, entries, file);
        return new RawFile(snapshot, RecordStatus.MATCHES);
    }

    /**
     * {@link #readRaw(Path, List, List)} with an {@link Allowlist}'s entries.
     *
     * @param file      the raw file
     * @param cpus      the CPUs online when it was saved, ascending
     * @param allowlist the allowlist when it was saved
     * @return the snapshot
     * @throws IOException if the file cannot be read or its size does not match (SnapshotException)
     */
    public static MsrSnapshot readRaw(Path file, List<Integer> cpus, Allowlist allowlist) throws IOException {
        return readRaw(file, cpus, allowlist.entries());
    }

    private static void checkRawSize(long actualBytes, int cpuCount, int entryCount, Path source) throws SnapshotException {
        long expectedBytes = (long) cpuCount * entryCount * RAW_SLOT_BYTES;
        if (actualBytes == expectedBytes && expectedBytes <= MAX_RAW_BYTES) {
            return;
        }
        if (expectedBytes > MAX_RAW_BYTES) {
            throw new SnapshotException(SnapshotException.Problem.SIZE_MISMATCH, source, cpuCount + " CPUs x "
                    + entryCount + " allowlist entries make more slots than a snapshot holds. Nothing was restored.");
        }
        StringBuilder reason = new StringBuilder("a raw msrsave file for ").append(cpuCount).append(" CPUs and ")
                .append(entryCount).append(" allowlist entries must be exactly ").append(expectedBytes)
                .append(" bytes (CPUs x entries x 8), but this one has ").append(actualBytes).append(" bytes");
        long perCpu = (long) entryCount * RAW_SLOT_BYTES;
        long perEntry = (long) cpuCount * RAW_SLOT_BYTES;
        if (actualBytes == 0) {
            // Not a fit question either: a save always writes at least one value.
            throw new SnapshotException(SnapshotException.Problem.MALFORMED, source, reason
                    .append("; an empty file is not a saved state (was the save interrupted, or the file"
                            + " emptied?). Nothing was restored.").toString());
        } else if (actualBytes % RAW_SLOT_BYTES != 0) {
            // Not a fit question: no CPU count or allowlist makes such a file.
            reason.append("; that is not a whole number of 8-byte values, so the file is damaged (truncated or"
                    + " appended to) or is not a raw state file. Nothing was restored.");
            throw new SnapshotException(SnapshotException.Problem.MALFORMED, source, reason.toString());
        } else if (perCpu > 0 && actualBytes % perCpu == 0) {
            reason.append("; it fits ").append(actualBytes / perCpu)
                    .append(" CPUs with this allowlist (was it saved with another number of CPUs online?)");
        } else if (perEntry > 0 && actualBytes % perEntry == 0) {
            reason.append("; it fits ").append(actualBytes / perEntry)
                    .append(" allowlist entries on these CPUs (was it saved under another allowlist?)");
        } else {
            reason.append(actualBytes < expectedBytes ? "; it is too short (truncated?)" : "; it is too long");
            reason.append(" or was saved with another allowlist or CPU count");
        }
        reason.append(". Nothing was restored.");
        throw new SnapshotException(SnapshotException.Problem.SIZE_MISMATCH, source, reason.toString());
    }

    // ---- self-describing text file ----

    /** {@return the self-describing text form (see {@code docs/save-restore.md})} */
    public String toText() {
        return TextSnapshot.format(this);
    }

    /**
     * Parses the self-describing text form, checking its structure, its line count and that
     * its allowlist fingerprint matches the entries it lists.
     *
     * @param text   the text
     * @param source named in messages, may be null
     * @return the snapshot
     * @throws SnapshotException if the text is not a well-formed snapshot, saying where
     */
    public static MsrSnapshot fromText(String text, Path source) throws SnapshotException {
        return TextSnapshot.parse(text, source);
    }

    /**
     * Writes the text form atomically, as {@link #writeRaw(Path)} does.
     *
     * @param file the file to write
     * @throws IOException if it cannot be written, or if it exists and is not a regular file
     *                     (a directory, a device, a pipe or a socket)
     */
    public void writeText(Path file) throws IOException {
        AtomicFiles.write(file, toText().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a text snapshot file: a regular file of at most 256 MiB (more than 4096 CPUs x
     * 1024 allowlist entries take), whose header is checked against its size before any slot
     * is allocated.
     *
     * @param file the file
     * @return the snapshot
     * @throws SnapshotException if the file is not a well-formed text snapshot, or not a regular file
     * @throws IOException       if it cannot be read
     */
    public static MsrSnapshot readText(Path file) throws IOException {
        return TextSnapshot.parse(decode(file, TextSnapshot.MAX_BYTES), file);
    }

    /**
     * Reads a text snapshot meant for a node with these CPUs and this allowlist: a file larger
     * than such a snapshot can be, or whose header names other CPUs or an allowlist of another
     * length, is refused before its data lines are read.
     */
    static MsrSnapshot readText(Path file, List<Integer> cpus, List<AllowlistEntry> entries) throws IOException {
        long slots = (long) cpus.size() * entries.size();
        long largest = Math.min(TextSnapshot.MAX_BYTES, TextSnapshot.MAX_HEADER_AND_COMMENTS
                + slots * TextSnapshot.MAX_DATA_LINE_BYTES);
        return TextSnapshot.parse(decode(file, largest), file, cpus, entries);
    }

    private static String decode(Path file, long largest) throws IOException {
        byte[] bytes = StateFiles.readRegular(file, largest, "a text snapshot for this node");
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SnapshotException(SnapshotException.Problem.MALFORMED, file,
                    "this is not a text snapshot (it is not UTF-8 text); is it a raw msrsave file?");
        }
    }

    // ---- value semantics over the array ----

    @Override
    public boolean equals(Object other) {
        return other instanceof MsrSnapshot that && cpus.equals(that.cpus) && entries.equals(that.entries)
                && Arrays.equals(slots, that.slots) && savedAt.equals(that.savedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cpus, entries, Arrays.hashCode(slots), savedAt);
    }

    @Override
    public String toString() {
        return "MsrSnapshot[CPUs " + CpuRanges.format(cpus) + ", " + entries.size() + " allowlist entries, "
                + failedReadCount() + " failed reads, saved " + savedAt + "]";
    }

}
