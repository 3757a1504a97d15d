package io.github.msrsafe.internal.sim;

import static io.github.msrsafe.internal.sim.SimKernel.EBADF;
import static io.github.msrsafe.internal.sim.SimKernel.ENOTTY;

import io.github.msrsafe.internal.abi.MsrStructs;
import java.lang.foreign.MemorySegment;

/** /dev/cpu/msr_batch: only the X86_IOC_MSR_BATCH ioctl, on a descriptor opened for reading. */
final class BatchFile extends SimFile {

    BatchFile(SimKernel kernel, boolean readable, boolean writable) {
        super(kernel, readable, writable);
    }

    @Override
    public int ioctl(long request, MemorySegment array, MemorySegment ops) {
        if (isClosed()) {
            return -EBADF;
        }
        if (request != MsrStructs.X86_IOC_MSR_BATCH) {
            return -ENOTTY;
        }
        if (!readable()) {
            return -EBADF; // the module wants FMODE_READ even for a batch of writes
        }
        return kernel.batch(array, ops);
    }
}
