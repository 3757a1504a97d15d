package io.github.msrsafe.internal.nativeio;

import io.github.msrsafe.Errno;
import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.nativeio.NativeDeviceFiles.CallScratch;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.internal.sys.UseCount;
import java.lang.foreign.MemorySegment;

/**
 * A file descriptor on a device file, with each call made through {@link LibC}.
 * Native buffers go to the kernel as they are; heap buffers travel through the
 * calling thread's scratch. A buffer shorter than {@code count} (or read-only,
 * for reads) is refused with -EFAULT before any call, since the kernel would
 * write or read past it.
 *
 * <p>Every call holds the descriptor through a {@link UseCount} from before it reads
 * the number until the system call has returned, so {@link #close()} from another
 * thread can never let the number be reused under a call: the descriptor is closed by
 * whoever finishes last, and a call that starts after the close answers -EBADF
 * without reaching the kernel.
 */
final class NativeOpenFile implements OpenFile, BatchDevice {

    private static final int EBADF = Errno.EBADF.number();
    private static final int EFAULT = Errno.EFAULT.number();

    private final NativeDeviceFiles owner;
    private final int fd;
    private final UseCount uses = new UseCount(this::release);

    /** Takes over {@code fd}, and one use of {@code owner}, which it gives back when released. */
    NativeOpenFile(NativeDeviceFiles owner, int fd) {
        this.owner = owner;
        this.fd = fd;
    }

    @Override
    public long pread(MemorySegment buffer, long count, long offset) {
        return readInto(buffer, count, true, offset);
    }

    @Override
    public long pwrite(MemorySegment buffer, long count, long offset) {
        return writeFrom(buffer, count, true, offset);
    }

    @Override
    public long read(MemorySegment buffer, long count) {
        return readInto(buffer, count, false, 0);
    }

    @Override
    public long write(MemorySegment buffer, long count) {
        return writeFrom(buffer, count, false, 0);
    }

    /** pread(2) at {@code offset} when {@code positional}, else read(2): one path, so the checks are written once. */
    private long readInto(MemorySegment buffer, long count, boolean positional, long offset) {
        if (!uses.enter()) {
            return -EBADF;
        }
        try {
            if (!fits(buffer, count) || buffer.isReadOnly()) {
                return -EFAULT;
            }
            CallScratch call = owner.callScratch();
            MemorySegment target = buffer.isNative() ? buffer : call.scratch(count);
            long done = positional
                    ? LibC.pread(call.callState(), fd, target, count, offset)
                    : LibC.read(call.callState(), fd, target, count);
            if (done > 0 && target != buffer) {
                MemorySegment.copy(target, 0, buffer, 0, done);
            }
            return result(done, call);
        } finally {
            uses.exit();
        }
    }

    /** pwrite(2) at {@code offset} when {@code positional}, else write(2). */
    private long writeFrom(MemorySegment buffer, long count, boolean positional, long offset) {
        if (!uses.enter()) {
            return -EBADF;
        }
        try {
            if (!fits(buffer, count)) {
                return -EFAULT;
            }
            CallScratch call = owner.callScratch();
            MemorySegment source = toNative(buffer, count, call);
            return result(positional
                    ? LibC.pwrite(call.callState(), fd, source, count, offset)
                    : LibC.write(call.callState(), fd, source, count), call);
        } finally {
            uses.exit();
        }
    }

    /**
     * ioctl(fd, X86_IOC_MSR_BATCH, array). The kernel reads and writes numops ops at
     * array.ops, 32 or 88 bytes each as the version word says: it is only let do so when
     * that is the native segment {@code ops}, long enough for the larger of what either
     * module may touch ({@link BatchDevice#opBytesAModuleMayTouch}); a numops every module
     * refuses before touching the ops (0, or too many) goes through, so that the kernel's
     * own answer comes back.
     */
    @Override
    public int batch(MemorySegment array, MemorySegment ops) {
        if (!uses.enter()) {
            return -EBADF;
        }
        try {
            if (!BatchDevice.arrayUsable(array)) {
                return -EFAULT;
            }
            long touched = BatchDevice.opBytesAModuleMayTouch(BatchDevice.numops(array), BatchDevice.version(array));
            if (touched > 0 && !BatchDevice.opsUsable(array, ops, touched)) {
                return -EFAULT;
            }
            CallScratch call = owner.callScratch();
            int result = LibC.ioctl(call.callState(), fd, MsrStructs.X86_IOC_MSR_BATCH, array);
            return result == -1 ? call.negativeErrno() : result;
        } finally {
            uses.exit();
        }
    }

    /** Closes the descriptor once: now, or when the last call in flight returns. */
    @Override
    public void close() {
        uses.close();
    }

    // close(2) releases the descriptor even when it reports an error; nothing to retry.
    private void release() {
        try {
            LibC.close(owner.callScratch().callState(), fd);
        } finally {
            owner.released(this);
        }
    }

    @Override
    public String toString() {
        return "NativeOpenFile[fd " + fd + (uses.isClosed() ? ", closed" : "") + "]";
    }

    private static boolean fits(MemorySegment buffer, long count) {
        return count >= 0 && count <= buffer.byteSize();
    }

    private static MemorySegment toNative(MemorySegment buffer, long count, CallScratch call) {
        if (buffer.isNative()) {
            return buffer;
        }
        MemorySegment scratch = call.scratch(count);
        MemorySegment.copy(buffer, 0, scratch, 0, count);
        return scratch;
    }

    private static long result(long returned, CallScratch call) {
        return returned == -1 ? call.negativeErrno() : returned;
    }
}
