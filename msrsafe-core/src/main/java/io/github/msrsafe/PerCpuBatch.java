package io.github.msrsafe;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.github.msrsafe.internal.abi.BatchAbi;
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
 *
 * <p>The ops are in the handle's layout. With msr-safe 2.x's, the op flags are done as the
 * module does them, in user space: a poll re-reads with pread until the value changes or
 * poll_max is used up, and each timestamp is a pread after the op (which the allowlist must
 * permit; a failed one fails the op with its errno).
 */
final class PerCpuBatch implements BatchDevice {

    private static final int ENOENT = Errno.ENOENT.number();
    private static final int ENXIO = Errno.ENXIO.number();
    private static final int EIO = Errno.EIO.number();
    private static final long ALL_ONES = -1L;
    private static final Timestamp[] TIMESTAMPS = Timestamp.values();

    private final MsrSafe owner;
    private final BatchAbi abi;

    PerCpuBatch(MsrSafe owner) {
        this.owner = owner;
        this.abi = owner.batchAbi();
    }

    /** The caller holds a use of the owner, which keeps its per-CPU files open. */
    @Override
    public boolean emulated() {
        return true;
    }

    @Override
    public int batch(MemorySegment array, MemorySegment ops) {
        int refused = BatchDevice.checkArray(array, ops, abi);
        if (refused != 0) {
            return refused;
        }
        long numops = BatchDevice.numops(array);
        MemorySegment value = owner.registerBuffer();
        int firstError = 0;
        for (long op = 0; op < numops; op++) {
            int err = abi == BatchAbi.V1 ? run(ops, op, value) : runV2(ops, op, value);
            abi.setErr(ops, op, err);
            abi.setWmask(ops, op, ALL_ONES);
            if (firstError == 0) {
                firstError = err;
            }
        }
        return firstError;
    }

    /** A 1.x op: isrdmsr non-zero reads, zero writes. */
    private int run(MemorySegment ops, long op, MemorySegment value) {
        OpenFile file;
        try {
            file = owner.cpuFileRaw(abi.cpu(ops, op));
        } catch (ErrnoException e) {
            return cpuMissing(e);
        }
        long msr = abi.msr(ops, op);
        if (abi.opWord(ops, op) != 0) {
            long done = file.pread(value, Long.BYTES, msr);
            if (done == Long.BYTES) {
                abi.setMsrdata(ops, op, value.get(JAVA_LONG_UNALIGNED, 0));
            }
            return transferred(done);
        }
        value.set(JAVA_LONG_UNALIGNED, 0, abi.msrdata(ops, op));
        return transferred(file.pwrite(value, Long.BYTES, msr));
    }

    /** A 2.x op, its flags as the module does them; the library has refused combinations it would mishandle. */
    private int runV2(MemorySegment ops, long op, MemorySegment value) {
        OpenFile file;
        try {
            file = owner.cpuFileRaw(abi.cpu(ops, op));
        } catch (ErrnoException e) {
            return cpuMissing(e);
        }
        int flags = abi.opWord(ops, op);
        long msr = abi.msr(ops, op);
        if ((flags & (MsrStructs.OP_FLAG_READ | MsrStructs.OP_FLAG_POLL)) != 0) {
            int err = transferred(file.pread(value, Long.BYTES, msr));
            if (err != 0) {
                return err;
            }
            long first = value.get(JAVA_LONG_UNALIGNED, 0);
            abi.setMsrdata(ops, op, first);
            if ((flags & MsrStructs.OP_FLAG_POLL) != 0) {
                err = poll(file, ops, op, msr, first, value);
                if (err != 0) {
                    return err;
                }
            }
        } else if ((flags & MsrStructs.OP_FLAG_WRITE) != 0) {
            value.set(JAVA_LONG_UNALIGNED, 0, abi.msrdata(ops, op));
            int err = transferred(file.pwrite(value, Long.BYTES, msr));
            if (err != 0) {
                return err;
            }
        }
        for (Timestamp stamp : TIMESTAMPS) {
            int flag = flagOf(stamp);
            if ((flags & flag) != 0) {
                int err = transferred(file.pread(value, Long.BYTES, stamp.msr()));
                if (err != 0) {
                    return err;
                }
                setStamp(ops, op, stamp, value.get(JAVA_LONG_UNALIGNED, 0));
            }
        }
        return 0;
    }

    /** Re-reads until the value differs from {@code first} or poll_max runs out, counting it down. */
    private static int poll(OpenFile file, MemorySegment ops, long op, long msr, long first, MemorySegment value) {
        long left = Integer.toUnsignedLong((int) MsrStructs.OP2_POLL_MAX.get(ops, 0L, op));
        int err = 0;
        while (left > 0) {
            left--;
            err = transferred(file.pread(value, Long.BYTES, msr));
            if (err != 0) {
                break;
            }
            long now = value.get(JAVA_LONG_UNALIGNED, 0);
            if (now != first) {
                MsrStructs.OP2_MSRDATA2.set(ops, 0L, op, now);
                break;
            }
        }
        MsrStructs.OP2_POLL_MAX.set(ops, 0L, op, (int) left);
        return err;
    }

    private static int flagOf(Timestamp stamp) {
        return switch (stamp) {
            case TSC -> MsrStructs.OP_FLAG_TSC;
            case MPERF -> MsrStructs.OP_FLAG_MPERF;
            case APERF -> MsrStructs.OP_FLAG_APERF;
            case THERM_STATUS -> MsrStructs.OP_FLAG_THERM;
            case PACKAGE_THERM_STATUS -> MsrStructs.OP_FLAG_PTHERM;
        };
    }

    // One constant handle per call site: a VarHandle chosen at run time costs an allocation per call.
    private static void setStamp(MemorySegment ops, long op, Timestamp stamp, long value) {
        switch (stamp) {
            case TSC -> MsrStructs.OP2_TSC.set(ops, 0L, op, value);
            case MPERF -> MsrStructs.OP2_MPERF.set(ops, 0L, op, value);
            case APERF -> MsrStructs.OP2_APERF.set(ops, 0L, op, value);
            case THERM_STATUS -> MsrStructs.OP2_THERM.set(ops, 0L, op, value);
            case PACKAGE_THERM_STATUS -> MsrStructs.OP2_PTHERM.set(ops, 0L, op, value);
        }
    }

    // A CPU without a node is offline or beyond the CPU ids, as msr_safe reports it.
    private static int cpuMissing(ErrnoException e) {
        return e.errno() == ENOENT ? -ENXIO : -e.errno();
    }

    /** 0 for a whole 8-byte transfer, else -errno, or -EIO for a short one. */
    private static int transferred(long done) {
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
