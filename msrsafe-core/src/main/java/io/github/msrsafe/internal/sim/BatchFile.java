package io.github.msrsafe.internal.sim;

import static io.github.msrsafe.internal.sim.SimKernel.EBADF;

import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.sys.BatchDevice;
import java.lang.foreign.MemorySegment;

/** /dev/cpu/msr_batch: the X86_IOC_MSR_BATCH ioctl, on a descriptor opened for reading. */
final class BatchFile implements BatchDevice {

    private final SimKernel kernel;
    private final boolean readable;
    private volatile boolean closed;

    BatchFile(SimKernel kernel, boolean readable) {
        this.kernel = kernel;
        this.readable = readable;
    }

    @Override
    public int batch(MemorySegment array, MemorySegment ops) {
        if (closed || !readable) {
            return -EBADF; // the module wants FMODE_READ even for a batch of writes
        }
        int refused = BatchDevice.checkArray(array, ops);
        return refused != 0 ? refused
                : kernel.batch(ops, Integer.toUnsignedLong((int) MsrStructs.ARRAY_NUMOPS.get(array, 0L)));
    }

    @Override
    public void close() {
        closed = true;
    }
}
