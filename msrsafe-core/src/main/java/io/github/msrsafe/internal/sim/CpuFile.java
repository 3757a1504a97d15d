package io.github.msrsafe.internal.sim;

import static io.github.msrsafe.internal.sim.SimKernel.EINVAL;

import java.lang.foreign.MemorySegment;

/**
 * /dev/cpu/N/msr_safe: 8-byte reads and writes at offset = MSR address.
 * read(2) and write(2) use the file position, which, as in the module, they
 * do not advance. The CPU is checked at each call: a descriptor whose CPU went
 * offline gets ENXIO, and works again when the CPU comes back.
 */
final class CpuFile extends SimFile {

    private final int cpu;

    CpuFile(SimKernel kernel, int cpu, boolean readable, boolean writable) {
        super(kernel, readable, writable);
        this.cpu = cpu;
    }

    @Override
    public long pread(MemorySegment buffer, long count, long offset) {
        int denied = checkRead();
        if (denied != 0) {
            return denied;
        }
        if (offset < 0 || count != Long.BYTES) {
            return -EINVAL; // a negative offset is refused by pread itself, before the driver
        }
        return kernel.readMsr(cpu, offset, buffer);
    }

    @Override
    public long pwrite(MemorySegment buffer, long count, long offset) {
        int denied = checkWrite();
        if (denied != 0) {
            return denied;
        }
        if (offset < 0 || count != Long.BYTES) {
            return -EINVAL;
        }
        return kernel.writeMsr(cpu, offset, buffer);
    }

    /** read(2) at the file position, which stays 0: the module's read does not advance it, and nothing seeks. */
    @Override
    public long read(MemorySegment buffer, long count) {
        return pread(buffer, count, 0);
    }

    @Override
    public long write(MemorySegment buffer, long count) {
        return pwrite(buffer, count, 0);
    }
}
