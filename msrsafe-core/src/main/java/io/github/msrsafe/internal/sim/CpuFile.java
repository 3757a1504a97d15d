package io.github.msrsafe.internal.sim;

import static io.github.msrsafe.internal.sim.SimKernel.EBADF;
import static io.github.msrsafe.internal.sim.SimKernel.EINVAL;

import io.github.msrsafe.internal.sys.OpenFlags;
import java.lang.foreign.MemorySegment;

/**
 * /dev/cpu/N/msr_safe: 8-byte reads and writes at offset = MSR address.
 * read(2) and write(2) use the file position but, as in the module, do not
 * advance it. The CPU is checked at each call: a descriptor whose CPU went
 * offline gets ENXIO, and works again when the CPU comes back.
 */
final class CpuFile extends SimFile {

    private final int cpu;
    private long position; // guarded by kernel.lock()

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

    @Override
    public long read(MemorySegment buffer, long count) {
        return pread(buffer, count, position());
    }

    @Override
    public long write(MemorySegment buffer, long count) {
        return pwrite(buffer, count, position());
    }

    @Override
    public long lseek(long offset, int whence) {
        if (isClosed()) {
            return -EBADF;
        }
        synchronized (kernel.lock()) {
            long target = switch (whence) {
                case OpenFlags.SEEK_SET -> offset;
                case OpenFlags.SEEK_CUR -> position + offset;
                default -> -1; // SEEK_END and anything else
            };
            if (target < 0) {
                return -EINVAL;
            }
            position = target;
            return target;
        }
    }

    private long position() {
        synchronized (kernel.lock()) {
            return position;
        }
    }
}
