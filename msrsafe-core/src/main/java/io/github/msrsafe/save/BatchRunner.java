package io.github.msrsafe.save;

import io.github.msrsafe.BatchOutcome;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;

/**
 * Runs a list of reads or writes as one {@link MsrBatch} (the batch splits itself at the
 * kernel's limit) and collects every op's outcome.
 *
 * <p>msr_safe validates a whole ioctl before running any of it: one op naming an offline
 * CPU or an unlisted MSR makes the module run none. Those ops come back with their errno;
 * the innocent ones come back unrun. They are then run again without the refused ops, so
 * one bad op costs one more ioctl, not the whole save or restore.
 */
final class BatchRunner {

    /** Per op: the value read (or written), the module's write mask and the errno (0 = ok). */
    record Results(long[] values, long[] writeMasks, int[] errnos) {
        boolean succeeded(int op) {
            return errnos[op] == 0;
        }
    }

    /** The ops to run, by index. */
    interface Ops {
        int count();

        int cpu(int op);

        long msr(int op);

        boolean read(int op);

        long value(int op);
    }

    private BatchRunner() {}

    static Results run(MsrSafe msr, Ops ops) throws MsrSafeException {
        int count = ops.count();
        long[] values = new long[count];
        long[] writeMasks = new long[count];
        int[] errnos = new int[count];
        int[] pending = new int[count];
        for (int op = 0; op < count; op++) {
            pending[op] = op;
        }
        int pendingCount = count;
        try (MsrBatch batch = msr.newBatch()) {
            while (pendingCount > 0) {
                batch.clear();
                for (int k = 0; k < pendingCount; k++) {
                    int op = pending[k];
                    if (ops.read(op)) {
                        batch.addRead(ops.cpu(op), ops.msr(op));
                    } else {
                        batch.addWrite(ops.cpu(op), ops.msr(op), ops.value(op));
                    }
                }
                BatchOutcome outcome = batch.execute();
                int stillPending = 0;
                for (int k = 0; k < pendingCount; k++) {
                    int op = pending[k];
                    if (batch.ran(k) || batch.errno(k) != 0) {
                        values[op] = batch.value(k);
                        writeMasks[op] = batch.writeMask(k);
                        errnos[op] = batch.errno(k);
                    } else {
                        pending[stillPending++] = op; // refused only because another op was
                    }
                }
                if (stillPending == pendingCount) {
                    throw new IllegalStateException("batch " + outcome + " but no op ran or failed; this is a bug");
                }
                pendingCount = stillPending;
            }
        }
        return new Results(values, writeMasks, errnos);
    }
}
