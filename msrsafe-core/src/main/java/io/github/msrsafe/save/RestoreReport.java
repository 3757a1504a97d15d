package io.github.msrsafe.save;

import io.github.msrsafe.Errno;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@link MsrState#restore} did (or, for a dry run, would do).
 *
 * @param file                the snapshot file, or null for an in-memory snapshot
 * @param format              its format ({@link SnapshotFormat#AUTO} for an in-memory snapshot)
 * @param dryRun              true if nothing was written
 * @param restored            the registers written (for a dry run: that would be written), in
 *                            slot order (CPU by CPU, allowlist order)
 * @param notRestored         every register that was not restored, with the reason, in slot order
 * @param unchanged           how many registers already held their saved value and were not written
 * @param allowlistAgeChecked whether msrsave's "file older than the allowlist" check was made
 *                            (raw files without their record, when the allowlist's time is known)
 * @param forced              true when a raw file that cannot show which allowlist it was saved
 *                            under was restored on {@link RestoreOptions#force()}; false when the file
 *                            (text, or raw with its record) proved it, or the snapshot was in memory
 */
public record RestoreReport(Path file, SnapshotFormat format, boolean dryRun, List<Restored> restored,
                            List<NotRestored> notRestored, int unchanged, boolean allowlistAgeChecked,
                            boolean forced) {

    /** The header msrsave prints before its first restored register. */
    public static final String MSRSAVE_HEADER = "offset, read, restored";

    /** Copies the lists. */
    public RestoreReport {
        restored = List.copyOf(restored);
        notRestored = List.copyOf(notRestored);
    }

    /**
     * True when every register that was saved was restored or already held its value: the
     * only registers not restored are those whose saved read had failed (msrsave skips them
     * silently too). A command-line tool should exit non-zero when this is false.
     *
     * @return whether the restore is complete
     */
    public boolean complete() {
        return failures().isEmpty();
    }

    /** {@return the registers not restored for a reason other than a failed read at save time} */
    public List<NotRestored> failures() {
        return notRestored.stream().filter(n -> n.reason() != Reason.SAVED_READ_FAILED).toList();
    }

    /**
     * msrsave's output: {@value #MSRSAVE_HEADER} and one {@code 0x%016X, 0x%016X, 0x%016X} line
     * per restored register (address, value read before, value written); empty when nothing
     * was written.
     *
     * @return the lines, without line ends
     */
    public List<String> msrsaveLines() {
        List<String> lines = new ArrayList<>(restored.size() + 1);
        if (!restored.isEmpty()) {
            lines.add(MSRSAVE_HEADER);
            restored.forEach(r -> lines.add(r.msrsaveLine()));
        }
        return lines;
    }

    /**
     * A register that was written.
     *
     * @param cpu       the CPU
     * @param msr       the MSR address
     * @param writeMask its write mask
     * @param saved     the saved (masked) value
     * @param read      the whole value read before writing
     * @param restored  the value written: {@code saved | (read & ~writeMask)}
     */
    public record Restored(int cpu, long msr, long writeMask, long saved, long read, long restored) {
        /** {@return msrsave's line: {@code 0x%016X, 0x%016X, 0x%016X} of address, read, restored} */
        public String msrsaveLine() {
            return String.format(Locale.ROOT, "0x%016X, 0x%016X, 0x%016X", msr, read, restored);
        }
    }

    /** Why a register was not restored. */
    public enum Reason {
        /** Its read failed when the file was saved, so there is no value to restore. */
        SAVED_READ_FAILED,
        /** Its current value could not be read (errno: EIO fault, ENXIO CPU offline). */
        CURRENT_READ_FAILED,
        /** The write failed (errno: EIO when the processor refuses the value). */
        WRITE_FAILED,
        /** The write succeeded, but the register reads back a different masked value, or could not be read back. */
        VERIFY_FAILED
    }

    /**
     * A register that was not restored.
     *
     * @param cpu    the CPU
     * @param msr    the MSR address
     * @param reason why
     * @param errno  the errno of the failed call; empty when no call failed (a read-back that differs,
     *               a read that had failed at save time)
     * @param detail the same in plain words
     */
    public record NotRestored(int cpu, long msr, Reason reason, Optional<Errno> errno, String detail) {
        /** {@return the register and why, e.g. "CPU 3 MSR 0x1A0: WRITE_FAILED (EIO): ..."} */
        public String describe() {
            return String.format(Locale.ROOT, "CPU %d MSR 0x%X: %s%s: %s", cpu, msr, reason,
                    errno.map(e -> " (" + e.name() + ")").orElse(""), detail);
        }
    }
}
