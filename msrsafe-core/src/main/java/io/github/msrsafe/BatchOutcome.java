package io.github.msrsafe;

/**
 * What {@link MsrBatch#execute()} achieved as a whole; per-op detail is on the batch.
 *
 * {@snippet lang=java :
 * switch (batch.execute()) {
 *     case SUCCEEDED -> use(batch);
 *     case OPS_FAILED -> batch.failures().forEach(op -> log(op.describe()));   // the others took effect
 *     case REJECTED -> throw new IllegalStateException(batch.failures().toString()); // nothing ran
 * }
 * }
 */
public enum BatchOutcome {
    /** Every op ran and none failed. */
    SUCCEEDED,
    /**
     * Every op ran, and at least one failed as it ran (a fault, EIO; with the stock msr
     * driver any per-op error). The others took effect.
     */
    OPS_FAILED,
    /**
     * The module rejected the batch before running it: at least one op names an offline
     * CPU (ENXIO), an MSR that is not in the allowlist (EACCES) or writes a read-only MSR
     * (EROFS), and then NO op of that ioctl runs. If the batch was larger than one ioctl
     * can carry, other parts may have run: {@link MsrBatch#ran(int)} tells per op.
     */
    REJECTED
}
