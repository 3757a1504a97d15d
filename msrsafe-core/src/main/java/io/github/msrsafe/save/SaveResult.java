package io.github.msrsafe.save;

import io.github.msrsafe.Errno;
import java.util.List;
import java.util.Locale;

/**
 * What {@link MsrState#save} or {@link MsrState#capture} read.
 *
 * @param snapshot     the state, as saved
 * @param registersRead how many reads the batch carried (CPUs x entries with a non-zero write mask)
 * @param failedReads  the registers that could not be read, stored as failed-read markers, in slot order
 */
public record SaveResult(MsrSnapshot snapshot, int registersRead, List<FailedRead> failedReads) {

    /** Copies the list. */
    public SaveResult {
        failedReads = List.copyOf(failedReads);
    }

    /**
     * A register that could not be read while saving.
     *
     * @param cpu   the CPU
     * @param msr   the MSR address
     * @param errno why: EIO when the processor does not implement the MSR,
     *              ENXIO when the CPU went offline
     */
    public record FailedRead(int cpu, long msr, Errno errno) {
        /** {@return msrsave's warning, with the errno: "failed to read MSR 0x1A0 on CPU 3: EIO"} */
        public String describe() {
            return String.format(Locale.ROOT, "failed to read MSR 0x%X on CPU %d: %s", msr, cpu, errno.name());
        }
    }
}
