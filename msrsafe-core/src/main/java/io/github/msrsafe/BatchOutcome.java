package io.github.msrsafe;

/**
 * What {@link MsrBatch#execute()} achieved as a whole. Every case is named, so a
 * {@code switch} over it without a {@code default} is complete; per op,
 * {@link MsrBatch#status(int)} says whether it ran, and {@link MsrBatch#value(int)}
 * throws for a read that did not succeed instead of returning 0.
 *
 * {@snippet lang=java :
 * try (MsrSafe msr = MsrSafe.open(); MsrBatch batch = msr.newBatch()) {
 *     batch.addRead(0, 0xE7);                             // IA32_MPERF
 *     batch.addRead(0, 0x3A);                             // not in the standard allowlist
 *     switch (batch.execute()) {
 *         case SUCCEEDED -> System.out.println("MPERF " + batch.value(0));
 *         case OPS_FAILED, PARTLY_REJECTED -> {           // some ops ran and took effect
 *             for (int op = 0; op < batch.size(); op++) {
 *                 System.out.println(op + ": " + batch.op(op).describe());
 *             }
 *         }
 *         case REJECTED -> System.out.println("nothing ran: " + batch.op(1).describe()); // the refused op
 *     }
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
     * Part of the batch ran and part did not: the module refused some ops (ENXIO, EACCES,
     * EROFS) and ran others. This happens when a batch larger than one ioctl
     * ({@link MsrBatch#maxOpsPerIoctl()} ops) is split and only some of its ioctls are refused,
     * and with {@link MsrBatch#executeSkippingRejected()}. Ops whose
     * {@link BatchOp.Status#ran()} is true took effect; some of them may have failed.
     */
    PARTLY_REJECTED,
    /**
     * The module refused the batch before running it: at least one op names an offline CPU
     * (ENXIO), an MSR that is not in the allowlist (EACCES) or writes a read-only MSR (EROFS),
     * and then NO op of the batch ran.
     */
    REJECTED;

    /** {@return whether some op ran (and took effect, unless it failed): every outcome but {@link #REJECTED}} */
    public boolean anyRan() {
        return this != REJECTED;
    }

    /** {@return whether every op ran: {@link #SUCCEEDED} or {@link #OPS_FAILED}} */
    public boolean allRan() {
        return this == SUCCEEDED || this == OPS_FAILED;
    }
}
