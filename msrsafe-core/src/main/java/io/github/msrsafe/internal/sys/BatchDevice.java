package io.github.msrsafe.internal.sys;

import io.github.msrsafe.Errno;
import io.github.msrsafe.internal.abi.MsrStructs;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An open msr_batch device: the one call it answers, {@code ioctl(fd, X86_IOC_MSR_BATCH,
 * &array)}. Returns 0 or {@code -errno} (never -1), like the calls of {@link OpenFile}.
 * Implementations: the native descriptor (the kernel module, through the C library's
 * ioctl), the simulated module, and the per-CPU emulation the public layer uses where
 * there is no batch device.
 */
public interface BatchDevice extends AutoCloseable {

    /**
     * Where {@code array.ops} sits; read as a number, because reading it as an address makes
     * a segment object per batch, which hot paths must not.
     */
    long OPS_POINTER_OFFSET = MsrStructs.arrayOffset("ops");

    /**
     * Runs the batch {@code array} describes: a {@code struct msr_batch_array} whose
     * {@code ops} field holds {@code ops.address()}. The native device passes only
     * {@code array} to the kernel; the others read the ops through {@code ops}, since Java
     * cannot follow a raw pointer. Every implementation first applies
     * {@link #checkArray(MemorySegment, MemorySegment)}.
     *
     * @return 0, or {@code -errno}: of the whole call, or of the op the module reports
     */
    int batch(MemorySegment array, MemorySegment ops);

    /** close(2). Idempotent; never throws. */
    @Override
    void close();

    /**
     * The module's checks of a batch before it reads any op, in its order: the array must be
     * a readable native struct (EFAULT), numops neither 0 (EINVAL) nor above {@link MsrStructs#MAX_OPS_PER_IOCTL}
     * (E2BIG), and {@code ops} the native, aligned segment {@code array.ops} points to, long
     * enough for numops ops (EFAULT). The native device lets EINVAL and E2BIG through to the
     * kernel, which answers them itself without touching the ops; EFAULT it never lets
     * through, since the kernel would then read or write memory Java does not own.
     *
     * @return 0, or {@code -errno}
     */
    static int checkArray(MemorySegment array, MemorySegment ops) {
        if (array == null || !array.isNative() || !usable(array, MsrStructs.BATCH_ARRAY.byteSize(), false)) {
            return -Errno.EFAULT.number();
        }
        long numops = Integer.toUnsignedLong((int) MsrStructs.ARRAY_NUMOPS.get(array, 0L));
        if (numops == 0) {
            return -Errno.EINVAL.number();
        }
        if (numops > MsrStructs.MAX_OPS_PER_IOCTL) {
            return -Errno.E2BIG.number(); // the module cannot allocate numops * 32 bytes in one piece
        }
        long pointer = array.get(ValueLayout.JAVA_LONG_UNALIGNED, OPS_POINTER_OFFSET);
        if (ops == null || !ops.isNative() || ops.address() != pointer
                || pointer % MsrStructs.BATCH_OP.byteAlignment() != 0
                || !usable(ops, numops * MsrStructs.OP_SIZE, true)) {
            return -Errno.EFAULT.number();
        }
        return 0;
    }

    /**
     * Whether the kernel could copy {@code count} bytes to or from {@code buffer}
     * (copy_to_user / copy_from_user): false is EFAULT.
     */
    static boolean usable(MemorySegment buffer, long count, boolean kernelWrites) {
        return buffer != null && count >= 0 && buffer.byteSize() >= count
                && buffer.scope().isAlive() && buffer.isAccessibleBy(Thread.currentThread())
                && !(kernelWrites && buffer.isReadOnly());
    }
}
