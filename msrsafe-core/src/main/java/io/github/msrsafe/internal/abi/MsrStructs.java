package io.github.msrsafe.internal.abi;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * The msr_safe batch ABI (x86-64), declared once. Everything else reads and
 * writes these structs through the handles and offsets below, derived from the
 * layouts by field name; native-headers/msr_safe.h is the C side of the same
 * ABI and the ABI test compares the two.
 */
public final class MsrStructs {

    /** {@code struct msr_batch_op}: 32 bytes, 8-byte aligned. */
    public static final StructLayout BATCH_OP = MemoryLayout.structLayout(
            JAVA_SHORT.withName("cpu"),       // in: CPU to run rdmsr/wrmsr on
            JAVA_SHORT.withName("isrdmsr"),   // in: 0 = write, non-zero = read
            JAVA_INT.withName("err"),         // out: 0 or a negative errno
            JAVA_INT.withName("msr"),         // in: register address
            MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("msrdata"),    // in/out: value written or read
            JAVA_LONG.withName("wmask")       // out: the allowlist write mask
    ).withName("msr_batch_op");

    /** {@code struct msr_batch_array}: 16 bytes. */
    public static final StructLayout BATCH_ARRAY = MemoryLayout.structLayout(
            JAVA_INT.withName("numops"),      // in: number of ops
            JAVA_INT.withName("version"),     // in: module version as a u32
            ADDRESS.withName("ops")           // in: struct msr_batch_op *
    ).withName("msr_batch_array");

    public static final long OP_SIZE = BATCH_OP.byteSize();

    // VarHandles with a leading long index coordinate: handle.get(segment, 0L, opIndex)
    // reads field of op number opIndex in an array of ops.
    public static final VarHandle OP_CPU = opField("cpu");
    public static final VarHandle OP_ISRDMSR = opField("isrdmsr");
    public static final VarHandle OP_ERR = opField("err");
    public static final VarHandle OP_MSR = opField("msr");
    public static final VarHandle OP_MSRDATA = opField("msrdata");
    public static final VarHandle OP_WMASK = opField("wmask");

    // Plain (segment, 0L) handles on a single struct msr_batch_array.
    public static final VarHandle ARRAY_NUMOPS = BATCH_ARRAY.varHandle(groupElement("numops"));
    public static final VarHandle ARRAY_VERSION = BATCH_ARRAY.varHandle(groupElement("version"));
    public static final VarHandle ARRAY_OPS = BATCH_ARRAY.varHandle(groupElement("ops"));

    /** Offsets by field name, for the ABI test and for messages. */
    public static long opOffset(String field) {
        return BATCH_OP.byteOffset(groupElement(field));
    }

    public static long arrayOffset(String field) {
        return BATCH_ARRAY.byteOffset(groupElement(field));
    }

    // _IOWR('c', 0xA2, struct msr_batch_array) from asm-generic/ioctl.h:
    // dir (2 bits) << 30 | size (14 bits) << 16 | type (8 bits) << 8 | nr (8 bits).
    private static final int IOC_WRITE = 1;
    private static final int IOC_READ = 2;

    private static int iowr(char type, int nr, long size) {
        return ((IOC_READ | IOC_WRITE) << 30) | ((int) size << 16) | (type << 8) | nr;
    }

    /** {@code X86_IOC_MSR_BATCH} = 0xC01063A2, as an unsigned long. */
    public static final long X86_IOC_MSR_BATCH = Integer.toUnsignedLong(iowr('c', 0xA2, BATCH_ARRAY.byteSize()));

    /**
     * The most ops one ioctl can carry: the module allocates numops * 32 bytes
     * in one piece of at most 4 MiB, so 131,073 ops fail with E2BIG.
     */
    public static final int MAX_OPS_PER_IOCTL = (int) ((4L << 20) / OP_SIZE);

    private static VarHandle opField(String name) {
        return BATCH_OP.arrayElementVarHandle(groupElement(name));
    }

    private MsrStructs() {}
}
