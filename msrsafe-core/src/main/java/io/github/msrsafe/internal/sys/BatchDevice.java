package io.github.msrsafe.internal.sys;

import io.github.msrsafe.Errno;
import io.github.msrsafe.internal.abi.BatchAbi;
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
     * cannot follow a raw pointer. Every implementation first makes sure the memory it or
     * the kernel touches is {@code ops} ({@link #checkArray}, {@link #opBytesAModuleMayTouch}).
     * The kernel follows the raw pointer in {@code array}, so no downcall keeps {@code ops}' arena
     * alive: the caller must hold it open until this returns ({@code MsrBatch} holds its use count).
     *
     * @return 0, or {@code -errno}: of the whole call, or of the op the module reports
     */
    int batch(MemorySegment array, MemorySegment ops);

    /**
     * Whether this device runs the ops itself, one per-CPU call each (the library's emulation
     * where there is no msr_batch): it runs every op whatever the others do, so it never
     * refuses an ioctl as a whole.
     */
    default boolean emulated() {
        return false;
    }

    /** close(2). Idempotent; never throws. */
    @Override
    void close();

    /**
     * The 1.8 module's checks of a batch before it reads any op, in its order, for ops of
     * {@code abi}'s layout: the array must be a readable native struct (EFAULT), numops
     * neither 0 (EINVAL) nor above what one ioctl carries (E2BIG), and {@code ops} the
     * native, aligned segment {@code array.ops} points to, long enough for numops ops
     * (EFAULT). The simulated 2.x module checks the version between numops and the size;
     * the native device checks only what keeps the kernel inside memory Java owns
     * ({@link #opBytesAModuleMayTouch}).
     *
     * @return 0, or {@code -errno}
     */
    static int checkArray(MemorySegment array, MemorySegment ops, BatchAbi abi) {
        if (!arrayUsable(array)) {
            return -Errno.EFAULT.number();
        }
        long numops = numops(array);
        if (numops == 0) {
            return -Errno.EINVAL.number();
        }
        if (numops > abi.maxOpsPerIoctl()) {
            return -Errno.E2BIG.number(); // the module cannot allocate that many ops in one piece
        }
        return opsUsable(array, ops, numops * abi.opSize()) ? 0 : -Errno.EFAULT.number();
    }

    /** Whether {@code array} is a readable native {@code struct msr_batch_array}; false is EFAULT. */
    static boolean arrayUsable(MemorySegment array) {
        return array != null && array.isNative() && usable(array, MsrStructs.BATCH_ARRAY.byteSize(), false);
    }

    /** {@return the array's numops, 0..2^32-1} */
    static long numops(MemorySegment array) {
        return Integer.toUnsignedLong((int) MsrStructs.ARRAY_NUMOPS.get(array, 0L));
    }

    /** {@return the array's version word} */
    static int version(MemorySegment array) {
        return (int) MsrStructs.ARRAY_VERSION.get(array, 0L);
    }

    /**
     * Whether {@code ops} is the native segment {@code array.ops} points to, aligned for
     * either op layout, with {@code bytes} the kernel may read and write; false is EFAULT.
     */
    static boolean opsUsable(MemorySegment array, MemorySegment ops, long bytes) {
        long pointer = array.get(ValueLayout.JAVA_LONG_UNALIGNED, OPS_POINTER_OFFSET);
        return ops != null && ops.isNative() && ops.address() == pointer
                && pointer % MsrStructs.BATCH_OP.byteAlignment() == 0
                && pointer % MsrStructs.BATCH_OP_V2.byteAlignment() == 0
                && usable(ops, bytes, true);
    }

    /**
     * The most bytes at {@code array.ops} that any module, 1.x or 2.x, reads and writes back
     * for {@code numops} ops sent with {@code versionWord}, whichever is loaded: numops 88-byte
     * ops for a word of major 2 (a 1.x module reads less, a 2.x one refuses other majors
     * before reading), 32-byte ops otherwise; nothing for 0 ops or more than any module
     * takes (131,072), which every module refuses before it reads an op.
     */
    static long opBytesAModuleMayTouch(long numops, int versionWord) {
        if (numops == 0 || numops > BatchAbi.V1.maxOpsPerIoctl()) {
            return 0;
        }
        return numops * BatchAbi.forVersionWord(versionWord).opSize();
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
