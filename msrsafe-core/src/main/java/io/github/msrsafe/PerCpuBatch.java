package io.github.msrsafe;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.ErrnoException;
import io.github.msrsafe.internal.sys.OpenFile;
import java.lang.foreign.MemorySegment;

/**
 * The batch device where there is none that answers the batch ioctl: the stock msr
 * driver, or msr_safe's per-CPU nodes without a working {@code msr_batch} (a directory of
 * plain files, as msrsave's tests use). Each op runs as one 8-byte pread or pwrite at
 * offset msr on its CPU's node, through the handle's own per-CPU files, which it opens on
 * first use and keeps.
 *
 * <p>Like msr_safe, each op gets its own err (-ENXIO when the CPU has no node, otherwise
 * -errno of its open, pread or pwrite; -EIO for a short transfer) and the call returns
 * the first failing op's err, or 0. Unlike msr_safe's batch there is no validation pass:
 * every op runs whatever the others do, and wmask reads all ones (the per-CPU device
 * reports no mask; on msr_safe it still applies the allowlist's to each write). The one
 * emulation of the batch ioctl, above the native layer. Allocates nothing per call.
 */
final class PerCpuBatch implements BatchDevice {

    private static final int ENOENT = Errno.ENOENT.number();
    private static final int ENXIO = Errno.ENXIO.number();
    private static final int EIO = Errno.EIO.number();
    private static final long ALL_ONES = -1L;

    private final MsrSafe owner;

    PerCpuBatch(MsrSafe owner) {
        this.owner = owner;
    }

    /** The caller holds a use of the owner, which keeps its per-CPU files open. */
    @Override
    public int batch(MemorySegment array, MemorySegment ops) {
        int refused = BatchDevice.checkArray(array, ops);
        if (refused != 0) {
            return refused;
        }
        long numops = Integer.toUnsignedLong((int) MsrStructs.ARRAY_NUMOPS.get(array, 0L));
        MemorySegment value = owner.registerBuffer();
        int firstError = 0;
        for (long op = 0; op < numops; op++) {
            int err = run(ops, op, value);
            MsrStructs.OP_ERR.set(ops, 0L, op, err);
            MsrStructs.OP_WMASK.set(ops, 0L, op, ALL_ONES);
            if (firstError == 0) {
                firstError = err;
            }
        }
        return firstError;
    }

    private int run(MemorySegment ops, long op, MemorySegment value) {
        int cpu = Short.toUnsignedInt((short) MsrStructs.OP_CPU.get(ops, 0L, op));
        OpenFile file;
        try {
            file = owner.cpuFileRaw(cpu);
        } catch (ErrnoException e) {
            // A CPU without a node is offline or beyond the CPU ids, as msr_safe reports it.
            return e.errno() == ENOENT ? -ENXIO : -e.errno();
        }
        long msr = Integer.toUnsignedLong((int) MsrStructs.OP_MSR.get(ops, 0L, op));
        long done;
        if ((short) MsrStructs.OP_ISRDMSR.get(ops, 0L, op) != 0) {
            done = file.pread(value, Long.BYTES, msr);
            if (done == Long.BYTES) {
                MsrStructs.OP_MSRDATA.set(ops, 0L, op, value.get(JAVA_LONG_UNALIGNED, 0));
            }
        } else {
            value.set(JAVA_LONG_UNALIGNED, 0, (long) MsrStructs.OP_MSRDATA.get(ops, 0L, op));
            done = file.pwrite(value, Long.BYTES, msr);
        }
        if (done < 0) {
            return (int) done;
        }
        return done == Long.BYTES ? 0 : -EIO;
    }

    /** Nothing of its own to close: the per-CPU files are the handle's. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "PerCpuBatch[" + owner.root() + "]";
    }
}
