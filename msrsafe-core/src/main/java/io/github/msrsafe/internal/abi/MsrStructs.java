package io.github.msrsafe.internal.abi;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The msr_safe batch ABIs (x86-64), declared once. Everything else reads and
 * writes these structs through the handles and offsets below, derived from the
 * layouts by field name; native-headers/msr_safe.h (1.x) and msr_safe_v2.h
 * (2.x) are the C side of the same ABIs and the ABI test compares the two.
 *
 * <p>Two op layouts share one ioctl number and one {@code struct
 * msr_batch_array}: msr-safe 1.x's 32-byte {@link #BATCH_OP} and the 2.x
 * development line's 88-byte {@link #BATCH_OP_V2}. Only the array's
 * {@code version} field tells a module which one it is given, so the layout is
 * never guessed: {@link BatchAbi} picks it from the loaded module's version.
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

    /**
     * {@code struct msr_batch_op} of msr-safe 2.x: 88 bytes, 8-byte aligned, no padding.
     * The module fills {@code err}, {@code wmask}, {@code msrdata} (reads),
     * {@code msrdata2} (polls), {@code poll_max} (attempts left) and each timestamp whose
     * flag is set; {@code tag} is the caller's and comes back untouched.
     */
    public static final StructLayout BATCH_OP_V2 = MemoryLayout.structLayout(
            JAVA_SHORT.withName("cpu"),       // in: CPU to run the op on
            JAVA_SHORT.withName("op"),        // in: OP_FLAG_* bits; the module validates none of them
            JAVA_INT.withName("err"),         // out: 0 or a negative errno
            JAVA_INT.withName("poll_max"),    // in: most poll attempts; out: attempts left
            JAVA_INT.withName("msr"),         // in: register address
            JAVA_LONG.withName("wmask"),      // out: the allowlist write mask
            JAVA_LONG.withName("msrdata"),    // in/out: value written (kept as given) or read
            JAVA_LONG.withName("msrdata2"),   // out: the changed value a poll saw
            JAVA_LONG.withName("tsc"),        // out: IA32_TIME_STAMP_COUNTER after the op
            JAVA_LONG.withName("mperf"),      // out: IA32_MPERF after the op
            JAVA_LONG.withName("aperf"),      // out: IA32_APERF after the op
            JAVA_LONG.withName("therm"),      // out: IA32_THERM_STATUS after the op
            JAVA_LONG.withName("ptherm"),     // out: IA32_PACKAGE_THERM_STATUS after the op
            JAVA_LONG.withName("tag")         // in/out: the caller's, untouched
    ).withName("msr_batch_op_v2");

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

    // The same for the 2.x op: handle.get(segment, 0L, opIndex).
    public static final VarHandle OP2_CPU = op2Field("cpu");
    public static final VarHandle OP2_OP = op2Field("op");
    public static final VarHandle OP2_ERR = op2Field("err");
    public static final VarHandle OP2_POLL_MAX = op2Field("poll_max");
    public static final VarHandle OP2_MSR = op2Field("msr");
    public static final VarHandle OP2_WMASK = op2Field("wmask");
    public static final VarHandle OP2_MSRDATA = op2Field("msrdata");
    public static final VarHandle OP2_MSRDATA2 = op2Field("msrdata2");
    public static final VarHandle OP2_TSC = op2Field("tsc");
    public static final VarHandle OP2_MPERF = op2Field("mperf");
    public static final VarHandle OP2_APERF = op2Field("aperf");
    public static final VarHandle OP2_THERM = op2Field("therm");
    public static final VarHandle OP2_PTHERM = op2Field("ptherm");
    public static final VarHandle OP2_TAG = op2Field("tag");

    // Filling an op writes its leading fields as whole 8-byte words (fewer, wider stores keep the
    // fill small enough to inline): the head word is cpu | isrdmsr or op << 16 | err << 32 in both
    // layouts; the next word is msr and 1.x's padding, or 2.x's poll_max | msr << 32. x86 is
    // little-endian; wordAt checks that each word covers exactly the fields these comments name.
    /** 1.x: cpu, isrdmsr and err as one word: handle.set(segment, 0L, opIndex, word). */
    public static final VarHandle OP_HEAD = wordAt(BATCH_OP, "cpu", "err");
    /** 1.x: msr and the padding after it as one word. */
    public static final VarHandle OP_MSR_WORD = wordAt(BATCH_OP, "msr", "msr");
    /** 2.x: cpu, op and err as one word. */
    public static final VarHandle OP2_HEAD = wordAt(BATCH_OP_V2, "cpu", "err");
    /** 2.x: poll_max and msr as one word. */
    public static final VarHandle OP2_POLL_MSR = wordAt(BATCH_OP_V2, "poll_max", "msr");

    /** {@return the head word of an op: its cpu, its isrdmsr (1.x) or op (2.x) word, and err 0} */
    public static long headWord(int cpu, int word) {
        return (cpu & 0xFFFFL) | (word & 0xFFFFL) << 16;
    }

    // The 2.x op field's bits. The module acts on the first eight and checks none: any other
    // value, 0 included, is accepted and does nothing.
    /** 2.x {@code op}: write msrdata under the write mask. */
    public static final int OP_FLAG_WRITE = 0x1;
    /** 2.x {@code op}: read the register into msrdata. */
    public static final int OP_FLAG_READ = 0x2;
    /** 2.x {@code op}: read, then re-read until the value changes or poll_max runs out. */
    public static final int OP_FLAG_POLL = 0x4;
    /** 2.x {@code op}: after the op, IA32_MPERF into mperf. */
    public static final int OP_FLAG_MPERF = 0x8;
    /** 2.x {@code op}: after the op, IA32_APERF into aperf. */
    public static final int OP_FLAG_APERF = 0x10;
    /** 2.x {@code op}: after the op, IA32_TIME_STAMP_COUNTER into tsc. */
    public static final int OP_FLAG_TSC = 0x20;
    /** 2.x {@code op}: after the op, IA32_THERM_STATUS into therm. */
    public static final int OP_FLAG_THERM = 0x40;
    /** 2.x {@code op}: after the op, IA32_PACKAGE_THERM_STATUS into ptherm. */
    public static final int OP_FLAG_PTHERM = 0x80;
    /** 2.x {@code op}: bits 8 to 13, hints for the caller about which fields to difference; the module ignores them. */
    public static final int OP_FLAG_DELTA_HINTS = 0x3F00;
    /** The flags that make the module do something. */
    public static final int OP_FLAGS_KNOWN = 0xFF;
    /** The timestamp flags. */
    public static final int OP_FLAGS_TIMESTAMPS = OP_FLAG_MPERF | OP_FLAG_APERF | OP_FLAG_TSC | OP_FLAG_THERM | OP_FLAG_PTHERM;

    // The registers the 2.x module reads for the timestamp flags, whether or not they are allowlisted.
    /** IA32_TIME_STAMP_COUNTER, read for {@link #OP_FLAG_TSC}. */
    public static final int TSC_MSR = 0x10;
    /** IA32_MPERF, read for {@link #OP_FLAG_MPERF}. */
    public static final int MPERF_MSR = 0xE7;
    /** IA32_APERF, read for {@link #OP_FLAG_APERF}. */
    public static final int APERF_MSR = 0xE8;
    /** IA32_THERM_STATUS, read for {@link #OP_FLAG_THERM}. */
    public static final int THERM_MSR = 0x19C;
    /** IA32_PACKAGE_THERM_STATUS, read for {@link #OP_FLAG_PTHERM}. */
    public static final int PTHERM_MSR = 0x1B1;

    // Plain (segment, 0L) handles on a single struct msr_batch_array.
    public static final VarHandle ARRAY_NUMOPS = BATCH_ARRAY.varHandle(groupElement("numops"));
    public static final VarHandle ARRAY_VERSION = BATCH_ARRAY.varHandle(groupElement("version"));
    public static final VarHandle ARRAY_OPS = BATCH_ARRAY.varHandle(groupElement("ops"));

    /** Offsets by field name, for the ABI test and for messages. */
    public static long opOffset(String field) {
        return BATCH_OP.byteOffset(groupElement(field));
    }

    /** Offsets of the 2.x op's fields by name, for the ABI test and for messages. */
    public static long op2Offset(String field) {
        return BATCH_OP_V2.byteOffset(groupElement(field));
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
     * The most bytes of ops the module copies in one piece: numops * op size above this is
     * E2BIG (and, the first time after a boot, a kernel allocation warning that taints it).
     */
    public static final long MAX_OPS_BYTES = 4L << 20;

    /**
     * The most 1.x ops one ioctl can carry: the module allocates numops * 32 bytes
     * in one piece of at most 4 MiB, so 131,073 ops fail with E2BIG.
     */
    public static final int MAX_OPS_PER_IOCTL = (int) (MAX_OPS_BYTES / OP_SIZE);

    /** The most 2.x ops one ioctl can carry: 4 MiB / 88 bytes; 47,663 ops fail with E2BIG. */
    public static final int MAX_OPS_PER_IOCTL_V2 = (int) (MAX_OPS_BYTES / BATCH_OP_V2.byteSize());

    /**
     * A handle on the 8 bytes of each op from field {@code first} on, which must end with field
     * {@code last} or with padding after it; fails class initialisation otherwise, or on a
     * big-endian machine, where the words would not match the fields.
     */
    private static VarHandle wordAt(StructLayout op, String first, String last) {
        long offset = op.byteOffset(groupElement(first));
        long lastEnd = op.byteOffset(groupElement(last)) + op.select(groupElement(last)).byteSize();
        boolean paddedTo8 = lastEnd == offset + 8 || lastEnd < offset + 8 && op.memberLayouts().stream()
                .filter(member -> member.name().isPresent())
                .noneMatch(member -> {
                    long start = op.byteOffset(groupElement(member.name().get()));
                    return start >= lastEnd && start < offset + 8;
                });
        if (offset % 8 != 0 || !paddedTo8 || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError(op.name().orElse("op") + ": " + first + ".." + last
                    + " is not one little-endian 8-byte word");
        }
        List<MemoryLayout> members = new ArrayList<>();
        if (offset > 0) {
            members.add(MemoryLayout.paddingLayout(offset));
        }
        members.add(JAVA_LONG.withName("word"));
        if (op.byteSize() > offset + 8) {
            members.add(MemoryLayout.paddingLayout(op.byteSize() - offset - 8));
        }
        StructLayout view = MemoryLayout.structLayout(members.toArray(MemoryLayout[]::new));
        return view.arrayElementVarHandle(groupElement("word"));
    }

    private static VarHandle opField(String name) {
        return BATCH_OP.arrayElementVarHandle(groupElement(name));
    }

    private static VarHandle op2Field(String name) {
        return BATCH_OP_V2.arrayElementVarHandle(groupElement(name));
    }

    private MsrStructs() {}
}
