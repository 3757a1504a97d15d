package io.github.msrsafe;

import java.util.Optional;

/**
 * One op of an executed {@link MsrBatch}, copied out of the batch's off-heap array.
 *
 * @param index     position in the batch
 * @param cpu       the CPU it addresses
 * @param msr       the MSR address
 * @param read      true for a read, false for a write
 * @param value     the value read, or for a write the value the caller asked to write
 * @param writeMask the allowlist write mask the module reported (0 if the op never reached validation)
 * @param errno     0, or the positive errno of this op
 * @param ran       whether the op was executed (false when the module rejected its ioctl in validation)
 */
public record BatchOp(int index, int cpu, long msr, boolean read, long value, long writeMask, int errno, boolean ran) {

    /** {@return true when the op ran without error} */
    public boolean succeeded() {
        return ran && errno == 0;
    }

    /** {@return the op's error as a constant, if it has one} */
    public Optional<Errno> error() {
        return Errno.of(errno);
    }

    /** {@return the error in plain words, "ok", or why the op did not run} */
    public String describe() {
        return errno == 0 ? (ran ? "ok" : "not run: another op of the batch was rejected")
                : Errno.name(errno) + ": " + Failures.batchOpReason(errno, cpu, msr, read);
    }
}
