package io.github.msrsafe.internal.nativeio;

import io.github.msrsafe.Errno;
import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.nativeio.NativeDeviceFiles.CallScratch;
import io.github.msrsafe.internal.sys.OpenFile;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A file descriptor on a device file, with each call made through {@link LibC}.
 * Native buffers go to the kernel as they are; heap buffers travel through the
 * calling thread's scratch. A buffer shorter than {@code count} (or read-only,
 * for reads) is refused with -EFAULT before any call, since the kernel would
 * write or read past it.
 */
final class NativeOpenFile implements OpenFile {

    private static final int EBADF = Errno.EBADF.number();
    private static final int EFAULT = Errno.EFAULT.number();

    private static final VarHandle FD;

    static {
        try {
            FD = MethodHandles.lookup().findVarHandle(NativeOpenFile.class, "fd", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final NativeDeviceFiles owner;
    private final MethodHandle ioctl;  // null: the C library's
    private volatile int fd;  // -1 once closed; closed through FD so that only one close wins

    NativeOpenFile(NativeDeviceFiles owner, int fd, MethodHandle ioctl) {
        this.owner = owner;
        this.fd = fd;
        this.ioctl = ioctl;
    }

    @Override
    public long pread(MemorySegment buffer, long count, long offset) {
        int fd = this.fd;
        if (fd < 0) {
            return -EBADF;
        }
        if (!fits(buffer, count) || buffer.isReadOnly()) {
            return -EFAULT;
        }
        CallScratch call = owner.callScratch();
        if (buffer.isNative()) {
            return result(LibC.pread(call.callState(), fd, buffer, count, offset), call);
        }
        MemorySegment scratch = call.scratch(count);
        long done = LibC.pread(call.callState(), fd, scratch, count, offset);
        if (done > 0) {
            MemorySegment.copy(scratch, 0, buffer, 0, done);
        }
        return result(done, call);
    }

    @Override
    public long pwrite(MemorySegment buffer, long count, long offset) {
        int fd = this.fd;
        if (fd < 0) {
            return -EBADF;
        }
        if (!fits(buffer, count)) {
            return -EFAULT;
        }
        CallScratch call = owner.callScratch();
        return result(LibC.pwrite(call.callState(), fd, toNative(buffer, count, call), count, offset), call);
    }

    @Override
    public long read(MemorySegment buffer, long count) {
        int fd = this.fd;
        if (fd < 0) {
            return -EBADF;
        }
        if (!fits(buffer, count) || buffer.isReadOnly()) {
            return -EFAULT;
        }
        CallScratch call = owner.callScratch();
        if (buffer.isNative()) {
            return result(LibC.read(call.callState(), fd, buffer, count), call);
        }
        MemorySegment scratch = call.scratch(count);
        long done = LibC.read(call.callState(), fd, scratch, count);
        if (done > 0) {
            MemorySegment.copy(scratch, 0, buffer, 0, done);
        }
        return result(done, call);
    }

    @Override
    public long write(MemorySegment buffer, long count) {
        int fd = this.fd;
        if (fd < 0) {
            return -EBADF;
        }
        if (!fits(buffer, count)) {
            return -EFAULT;
        }
        CallScratch call = owner.callScratch();
        return result(LibC.write(call.callState(), fd, toNative(buffer, count, call), count), call);
    }

    @Override
    public long lseek(long offset, int whence) {
        int fd = this.fd;
        if (fd < 0) {
            return -EBADF;
        }
        CallScratch call = owner.callScratch();
        return result(LibC.lseek(call.callState(), fd, offset, whence), call);
    }

    @Override
    public int ioctl(long request, MemorySegment array, MemorySegment ops) {
        int fd = this.fd;
        if (fd < 0) {
            return -EBADF;
        }
        if (!array.isNative() || array.byteSize() < MsrStructs.BATCH_ARRAY.byteSize()) {
            return -EFAULT;
        }
        if (request == MsrStructs.X86_IOC_MSR_BATCH && !opsMatch(array, ops)) {
            return -EFAULT;
        }
        CallScratch call = owner.callScratch();
        int result = ioctl == null
                ? LibC.ioctl(call.callState(), fd, request, array)
                : LibC.ioctl(ioctl, call.callState(), fd, request, array);
        return result == -1 ? call.negativeErrno() : result;
    }

    /** Closes the descriptor once; later calls answer -EBADF. */
    @Override
    public void close() {
        int fd = (int) FD.getAndSet(this, -1);
        if (fd >= 0) {
            owner.forget(this);
            // close(2) releases the descriptor even when it reports an error; nothing to retry.
            LibC.close(owner.callScratch().callState(), fd);
        }
    }

    @Override
    public String toString() {
        return "NativeOpenFile[fd " + fd + "]";
    }

    private static boolean fits(MemorySegment buffer, long count) {
        return count >= 0 && count <= buffer.byteSize();
    }

    // The kernel reads and writes numops ops at array.ops: only let it when that
    // is the native segment the caller handed over and it is long enough. A
    // numops the module rejects before touching the ops (0, or too many) passes
    // through so that the module's own error comes back.
    private static boolean opsMatch(MemorySegment array, MemorySegment ops) {
        long numops = Integer.toUnsignedLong((int) MsrStructs.ARRAY_NUMOPS.get(array, 0L));
        if (numops == 0 || numops > MsrStructs.MAX_OPS_PER_IOCTL) {
            return true;
        }
        MemorySegment pointer = (MemorySegment) MsrStructs.ARRAY_OPS.get(array, 0L);
        return ops != null && ops.isNative() && pointer.address() == ops.address()
                && ops.byteSize() >= numops * MsrStructs.OP_SIZE;
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
