package io.github.msrsafe.save;

import io.github.msrsafe.BatchOp;
import io.github.msrsafe.Errno;
import io.github.msrsafe.FailureKind;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import java.util.Optional;

/**
 * Runs a list of reads or writes as one {@link MsrBatch} with
 * {@link MsrBatch#executeSkippingRejected()}, so that one op the module refuses costs one
 * more ioctl instead of the whole save or restore, and collects every op's result.
 */
final class BatchRunner {

    /** Per op: the status, the value read (or written; meaningful only when it succeeded), the module's write mask, the errno and its kind (null = none). */
    record Results(BatchOp.Status[] statuses, long[] values, long[] writeMasks, Errno[] errnos,
                   FailureKind[] kinds) {
        boolean succeeded(int op) {
            return statuses[op] == BatchOp.Status.SUCCEEDED;
        }

        /** The errno of op {@code op}, if it failed or was refused. */
        Optional<Errno> errno(int op) {
            return Optional.ofNullable(errnos[op]);
        }

        /** Why op {@code op} failed or was refused, if it did not succeed. */
        Optional<FailureKind> kind(int op) {
            return Optional.ofNullable(kinds[op]);
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
        BatchOp.Status[] statuses = new BatchOp.Status[count];
        long[] values = new long[count];
        long[] writeMasks = new long[count];
        Errno[] errnos = new Errno[count];
        FailureKind[] kinds = new FailureKind[count];
        try (MsrBatch batch = msr.newBatch()) {
            for (int op = 0; op < count; op++) {
                if (ops.read(op)) {
                    batch.addRead(ops.cpu(op), ops.msr(op));
                } else {
                    batch.addWrite(ops.cpu(op), ops.msr(op), ops.value(op));
                }
            }
            batch.executeSkippingRejected();
            // The accessors one by one rather than batch.op(op): no record per register.
            for (int op = 0; op < count; op++) {
                BatchOp.Status status = batch.status(op);
                statuses[op] = status;
                boolean read = batch.isRead(op);
                values[op] = !read ? batch.writeValue(op) : status == BatchOp.Status.SUCCEEDED ? batch.value(op) : 0;
                writeMasks[op] = status == BatchOp.Status.NOT_EXECUTED ? 0 : batch.writeMask(op);
                if (status == BatchOp.Status.FAILED || status == BatchOp.Status.REJECTED) {
                    errnos[op] = batch.error(op).orElse(null);
                    kinds[op] = batch.kind(op).orElse(null);
                }
            }
        }
        return new Results(statuses, values, writeMasks, errnos, kinds);
    }
}
