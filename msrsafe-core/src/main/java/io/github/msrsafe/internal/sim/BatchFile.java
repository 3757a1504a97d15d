package io.github.msrsafe.internal.sim;

import static io.github.msrsafe.internal.sim.SimKernel.EBADF;
import static io.github.msrsafe.internal.sim.SimKernel.EFAULT;

import io.github.msrsafe.internal.sys.BatchDevice;
import java.lang.foreign.MemorySegment;

/**
 * /dev/cpu/msr_batch: the X86_IOC_MSR_BATCH ioctl, on a descriptor opened for reading; the
 * array's checks in the order of the kernel's module version, then its batch rules.
 */
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
        if (!BatchDevice.arrayUsable(array)) {
            return -EFAULT;
        }
        long numops = BatchDevice.numops(array);
        BatchRules rules = kernel.rules();
        int refused = rules.checkHeader(numops, BatchDevice.version(array));
        if (refused != 0) {
            return refused; // before the module reads any op
        }
        if (!BatchDevice.opsUsable(array, ops, numops * rules.abi().opSize())) {
            return -EFAULT;
        }
        return kernel.batch(ops, numops);
    }

    @Override
    public void close() {
        closed = true;
    }
}
