package io.github.msrsafe.internal.sim;

import static io.github.msrsafe.internal.sim.SimKernel.EBADF;
import static io.github.msrsafe.internal.sim.SimKernel.EINVAL;

import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.OpenFile;
import java.lang.foreign.MemorySegment;

/**
 * An open per-CPU, allowlist or version file of the simulated device. The
 * defaults are what Linux answers for an operation the driver does not
 * implement: read and write need the matching access mode (else EBADF) and
 * then fail with EINVAL. Every operation on a closed file is EBADF.
 */
abstract class SimFile implements OpenFile {

    final SimKernel kernel;
    private final boolean readable;
    private final boolean writable;
    private volatile boolean closed;

    SimFile(SimKernel kernel, boolean readable, boolean writable) {
        this.kernel = kernel;
        this.readable = readable;
        this.writable = writable;
    }

    /** Whether the kernel could copy {@code count} bytes to or from {@code buffer}; false is EFAULT. */
    static boolean usable(MemorySegment buffer, long count, boolean kernelWrites) {
        return BatchDevice.usable(buffer, count, kernelWrites);
    }

    /** 0 if a read may proceed, else -EBADF (closed, or not opened for reading). */
    final int checkRead() {
        return closed || !readable ? -EBADF : 0;
    }

    /** 0 if a write may proceed, else -EBADF (closed, or not opened for writing). */
    final int checkWrite() {
        return closed || !writable ? -EBADF : 0;
    }

    final boolean isClosed() {
        return closed;
    }

    final boolean readable() {
        return readable;
    }

    @Override
    public long pread(MemorySegment buffer, long count, long offset) {
        int denied = checkRead();
        return denied != 0 ? denied : -EINVAL;
    }

    @Override
    public long pwrite(MemorySegment buffer, long count, long offset) {
        int denied = checkWrite();
        return denied != 0 ? denied : -EINVAL;
    }

    @Override
    public long read(MemorySegment buffer, long count) {
        int denied = checkRead();
        return denied != 0 ? denied : -EINVAL;
    }

    @Override
    public long write(MemorySegment buffer, long count) {
        int denied = checkWrite();
        return denied != 0 ? denied : -EINVAL;
    }

    @Override
    public void close() {
        closed = true;
    }
}
