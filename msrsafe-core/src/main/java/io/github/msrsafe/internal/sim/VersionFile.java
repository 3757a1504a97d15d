package io.github.msrsafe.internal.sim;

import static io.github.msrsafe.internal.sim.SimKernel.EFAULT;
import static io.github.msrsafe.internal.sim.SimKernel.EINVAL;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * /dev/cpu/msr_safe_version: the first read returns the kernel's version (e.g. "1.8.0") and its NUL
 * (truncated, without error, to a smaller buffer); every later read returns
 * 0. pread at offset 0 reads the text again without moving the position.
 */
final class VersionFile extends SimFile {

    private final byte[] text;

    private long position; // guarded by kernel.lock()

    VersionFile(SimKernel kernel, boolean readable, boolean writable) {
        super(kernel, readable, writable);
        this.text = (kernel.version() + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public long read(MemorySegment buffer, long count) {
        int denied = checkRead();
        if (denied != 0) {
            return denied;
        }
        synchronized (kernel.lock()) {
            long copied = copyAt(buffer, count, position);
            if (copied > 0) {
                position += copied;
            }
            return copied;
        }
    }

    @Override
    public long pread(MemorySegment buffer, long count, long offset) {
        int denied = checkRead();
        if (denied != 0) {
            return denied;
        }
        return offset < 0 ? -EINVAL : copyAt(buffer, count, offset);
    }

    /** Once anything has been read, the file is at its end. */
    private long copyAt(MemorySegment buffer, long count, long position) {
        if (count < 0) {
            return -EINVAL;
        }
        if (position > 0) {
            return 0;
        }
        int length = (int) Math.min(count, text.length);
        if (!usable(buffer, length, true)) {
            return -EFAULT;
        }
        MemorySegment.copy(MemorySegment.ofArray(text), 0, buffer, 0, length);
        return length;
    }
}
