package io.github.msrsafe.internal.sim;

import static io.github.msrsafe.internal.sim.SimKernel.E2BIG;
import static io.github.msrsafe.internal.sim.SimKernel.EFAULT;
import static io.github.msrsafe.internal.sim.SimKernel.EINVAL;
import static io.github.msrsafe.internal.sim.SimKernel.ESPIPE;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistException;
import io.github.msrsafe.internal.sys.DeviceNode;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * /dev/cpu/msr_allowlist. A write(2) replaces the whole list (see
 * {@link SimKernel#installAllowlistText}). A read(2) returns one entry, the
 * first with the header; the position is the entry index, a buffer too small
 * for the text is E2BIG without moving it, and the read that returns 0 at the
 * end starts the listing over. The file cannot seek: pread and pwrite
 * are ESPIPE.
 */
final class AllowlistFile extends SimFile {

    private int position; // the next entry's index; guarded by kernel.lock()

    AllowlistFile(SimKernel kernel, boolean readable, boolean writable) {
        super(kernel, readable, writable);
    }

    @Override
    public long write(MemorySegment buffer, long count) {
        int denied = checkWrite();
        if (denied != 0) {
            return denied;
        }
        if (count < 0) {
            return -EINVAL;
        }
        if (count > Allowlist.MAX_WRITE_BYTES) {
            return -E2BIG; // refused before the module copies anything
        }
        if (!usable(buffer, count, false)) {
            return -EFAULT;
        }
        byte[] text = buffer.asSlice(0, count).toArray(JAVA_BYTE);
        try {
            kernel.installAllowlistText(text, kernel.path(DeviceNode.ALLOWLIST));
            return count;
        } catch (AllowlistException rejected) {
            return -rejected.errno().number();
        }
    }

    @Override
    public long read(MemorySegment buffer, long count) {
        int denied = checkRead();
        if (denied != 0) {
            return denied;
        }
        synchronized (kernel.lock()) {
            String record = kernel.allowlistRecord(position);
            if (record == null) {
                position = 0; // end of file; the next read starts over
                return 0;
            }
            byte[] bytes = record.getBytes(StandardCharsets.US_ASCII);
            if (count < bytes.length) {
                return -E2BIG;
            }
            if (!usable(buffer, bytes.length, true)) {
                return -EFAULT;
            }
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, buffer, 0, bytes.length);
            position++;
            return bytes.length;
        }
    }

    @Override
    public long pread(MemorySegment buffer, long count, long offset) {
        int denied = checkRead();
        return denied != 0 ? denied : -ESPIPE;
    }

    @Override
    public long pwrite(MemorySegment buffer, long count, long offset) {
        int denied = checkWrite();
        return denied != 0 ? denied : -ESPIPE;
    }
}
