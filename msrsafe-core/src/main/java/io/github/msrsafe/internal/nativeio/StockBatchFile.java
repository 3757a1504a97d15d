package io.github.msrsafe.internal.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.github.msrsafe.Errno;
import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.nativeio.NativeDeviceFiles.CallScratch;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.internal.sys.OpenFlags;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The batch device for the stock msr driver, which has none: ioctl runs each
 * op as one pread or pwrite of 8 bytes at offset msr on {@code root/cpu/msr}.
 * The per-CPU files are opened on first use with this file's access mode,
 * kept, and closed with it.
 *
 * <p>Differences from msr_safe, all because the stock driver has no allowlist:
 * there is no validation pass, every op runs; wmask is all ones; a write is a
 * plain wrmsr. Like msr_safe, each op gets its own err (-ENXIO when the CPU has
 * no node, otherwise -errno of its open, pread or pwrite; -EIO for a short
 * transfer) and the call returns the first failing op's err, or 0.
 * Everything but ioctl answers -EINVAL, like a character device without
 * read or write.
 */
final class StockBatchFile implements OpenFile {

    private static final int ENOENT = Errno.ENOENT.number();
    private static final int ENXIO = Errno.ENXIO.number();
    private static final int EIO = Errno.EIO.number();
    private static final int EBADF = Errno.EBADF.number();
    private static final int EINVAL = Errno.EINVAL.number();
    private static final int EFAULT = Errno.EFAULT.number();
    private static final int ENOTTY = Errno.ENOTTY.number();
    private static final int E2BIG = Errno.E2BIG.number();

    private static final int NOT_OPEN = -1;
    private static final long ALL_ONES = -1L;

    private final NativeDeviceFiles owner;
    private final int flags;
    private int[] cpuFds = new int[0];  // by CPU; NOT_OPEN until first used
    private boolean closed;

    StockBatchFile(NativeDeviceFiles owner, int flags) {
        this.owner = owner;
        this.flags = flags;
    }

    @Override
    public synchronized int ioctl(long request, MemorySegment array, MemorySegment ops) {
        if (closed) {
            return -EBADF;
        }
        if (request != MsrStructs.X86_IOC_MSR_BATCH) {
            return -ENOTTY;
        }
        if ((flags & OpenFlags.O_ACCMODE) == OpenFlags.O_WRONLY) {
            return -EBADF;
        }
        long numops = Integer.toUnsignedLong((int) MsrStructs.ARRAY_NUMOPS.get(array, 0L));
        if (numops == 0) {
            return -EINVAL;
        }
        if (numops > MsrStructs.MAX_OPS_PER_IOCTL) {
            return -E2BIG;
        }
        MemorySegment pointer = (MemorySegment) MsrStructs.ARRAY_OPS.get(array, 0L);
        if (ops == null || pointer.address() != ops.address() || ops.byteSize() < numops * MsrStructs.OP_SIZE) {
            return -EFAULT;
        }
        CallScratch call = owner.callScratch();
        MemorySegment value = call.scratch(Long.BYTES);
        int firstError = 0;
        for (long op = 0; op < numops; op++) {
            int err = run(ops, op, value, call);
            MsrStructs.OP_ERR.set(ops, 0L, op, err);
            MsrStructs.OP_WMASK.set(ops, 0L, op, ALL_ONES);
            if (firstError == 0) {
                firstError = err;
            }
        }
        return firstError;
    }

    private int run(MemorySegment ops, long op, MemorySegment value, CallScratch call) {
        int cpu = Short.toUnsignedInt((short) MsrStructs.OP_CPU.get(ops, 0L, op));
        int fd = cpuFd(cpu);
        if (fd < 0) {
            // A CPU without a node is offline or beyond the CPU ids, as msr_safe reports it.
            return fd == -ENOENT ? -ENXIO : fd;
        }
        long msr = Integer.toUnsignedLong((int) MsrStructs.OP_MSR.get(ops, 0L, op));
        boolean isRead = (short) MsrStructs.OP_ISRDMSR.get(ops, 0L, op) != 0;
        long done;
        if (isRead) {
            done = LibC.pread(call.callState(), fd, value, Long.BYTES, msr);
            if (done == Long.BYTES) {
                MsrStructs.OP_MSRDATA.set(ops, 0L, op, value.get(JAVA_LONG, 0));
            }
        } else {
            value.set(JAVA_LONG, 0, (long) MsrStructs.OP_MSRDATA.get(ops, 0L, op));
            done = LibC.pwrite(call.callState(), fd, value, Long.BYTES, msr);
        }
        if (done == -1) {
            return call.negativeErrno();
        }
        return done == Long.BYTES ? 0 : -EIO;
    }

    // The descriptor of cpu's node, or -errno of its open; failures are not
    // kept, so a CPU that comes online is found by the next batch.
    private int cpuFd(int cpu) {
        if (cpu < cpuFds.length && cpuFds[cpu] != NOT_OPEN) {
            return cpuFds[cpu];
        }
        int fd = owner.openFd(owner.cpuPath(cpu), flags & OpenFlags.O_ACCMODE);
        if (fd >= 0) {
            if (cpu >= cpuFds.length) {
                int oldLength = cpuFds.length;
                cpuFds = Arrays.copyOf(cpuFds, Math.max(cpu + 1, 2 * oldLength));
                Arrays.fill(cpuFds, oldLength, cpuFds.length, NOT_OPEN);
            }
            cpuFds[cpu] = fd;
        }
        return fd;
    }

    @Override
    public long pread(MemorySegment buffer, long count, long offset) {
        return notSupported();
    }

    @Override
    public long pwrite(MemorySegment buffer, long count, long offset) {
        return notSupported();
    }

    @Override
    public long read(MemorySegment buffer, long count) {
        return notSupported();
    }

    @Override
    public long write(MemorySegment buffer, long count) {
        return notSupported();
    }

    @Override
    public long lseek(long offset, int whence) {
        return notSupported();
    }

    private synchronized int notSupported() {
        return closed ? -EBADF : -EINVAL;
    }

    /** Closes the per-CPU descriptors once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        owner.forget(this);
        CallScratch call = owner.callScratch();
        for (int fd : cpuFds) {
            if (fd != NOT_OPEN) {
                LibC.close(call.callState(), fd);
            }
        }
        cpuFds = new int[0];
    }

    @Override
    public String toString() {
        return "StockBatchFile[" + owner.root() + "]";
    }
}
