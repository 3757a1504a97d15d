package io.github.msrsafe.internal.abi;

import io.github.msrsafe.ModuleVersion;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * The two batch ABIs behind {@code X86_IOC_MSR_BATCH}, and how to pick one: what the
 * rest of the library needs to know per ABI (op layout and size, the most ops one
 * ioctl may carry, the version word to send) and access to the fields both op
 * layouts have, by op index in an array of ops of that layout. The layouts
 * themselves are declared in {@link MsrStructs}.
 *
 * <p>The choice is made once per loaded module, from its version: a module of major
 * version 2 gets {@link #V2}; 1.x, a module too old to have a version file, and a
 * major this library does not know get {@link #V1}. The layout is never guessed from
 * how a module answers: a 2.x op sent to 1.8 is misread without an error.
 *
 * <p>Each constant's accessors use {@code static final} handles, so a call site that
 * sees one ABI (or both) compiles to plain memory accesses.
 */
public enum BatchAbi {

    /** msr-safe 1.x: 32-byte ops with an {@code isrdmsr} field; the version field is not checked. */
    V1(MsrStructs.BATCH_OP, MsrStructs.MAX_OPS_PER_IOCTL, new ModuleVersion(1, 8, 0)) {
        @Override public int cpu(MemorySegment ops, long i) { return Short.toUnsignedInt((short) MsrStructs.OP_CPU.get(ops, 0L, i)); }
        @Override public void setCpu(MemorySegment ops, long i, int cpu) { MsrStructs.OP_CPU.set(ops, 0L, i, (short) cpu); }
        @Override public int opWord(MemorySegment ops, long i) { return Short.toUnsignedInt((short) MsrStructs.OP_ISRDMSR.get(ops, 0L, i)); }
        @Override public void setOpWord(MemorySegment ops, long i, int word) { MsrStructs.OP_ISRDMSR.set(ops, 0L, i, (short) word); }
        @Override public int err(MemorySegment ops, long i) { return (int) MsrStructs.OP_ERR.get(ops, 0L, i); }
        @Override public void setErr(MemorySegment ops, long i, int err) { MsrStructs.OP_ERR.set(ops, 0L, i, err); }
        @Override public long msr(MemorySegment ops, long i) { return Integer.toUnsignedLong((int) MsrStructs.OP_MSR.get(ops, 0L, i)); }
        @Override public void setMsr(MemorySegment ops, long i, long msr) { MsrStructs.OP_MSR.set(ops, 0L, i, (int) msr); }
        @Override public long msrdata(MemorySegment ops, long i) { return (long) MsrStructs.OP_MSRDATA.get(ops, 0L, i); }
        @Override public void setMsrdata(MemorySegment ops, long i, long value) { MsrStructs.OP_MSRDATA.set(ops, 0L, i, value); }
        @Override public long wmask(MemorySegment ops, long i) { return (long) MsrStructs.OP_WMASK.get(ops, 0L, i); }
        @Override public void setWmask(MemorySegment ops, long i, long mask) { MsrStructs.OP_WMASK.set(ops, 0L, i, mask); }
        @Override public void fill(MemorySegment ops, long i, int cpu, int word, long msr, long value) {
            MsrStructs.OP_HEAD.set(ops, 0L, i, MsrStructs.headWord(cpu, word));
            MsrStructs.OP_MSR_WORD.set(ops, 0L, i, msr);
            MsrStructs.OP_MSRDATA.set(ops, 0L, i, value);
            MsrStructs.OP_WMASK.set(ops, 0L, i, 0L);
        }
    },

    /**
     * msr-safe 2.x (the development line reporting 2.0.4): 88-byte ops with an {@code op}
     * flag word, polling and timestamps; a version whose major is not 2 is ENOPROTOOPT.
     */
    V2(MsrStructs.BATCH_OP_V2, MsrStructs.MAX_OPS_PER_IOCTL_V2, new ModuleVersion(2, 0, 4)) {
        @Override public int cpu(MemorySegment ops, long i) { return Short.toUnsignedInt((short) MsrStructs.OP2_CPU.get(ops, 0L, i)); }
        @Override public void setCpu(MemorySegment ops, long i, int cpu) { MsrStructs.OP2_CPU.set(ops, 0L, i, (short) cpu); }
        @Override public int opWord(MemorySegment ops, long i) { return Short.toUnsignedInt((short) MsrStructs.OP2_OP.get(ops, 0L, i)); }
        @Override public void setOpWord(MemorySegment ops, long i, int word) { MsrStructs.OP2_OP.set(ops, 0L, i, (short) word); }
        @Override public int err(MemorySegment ops, long i) { return (int) MsrStructs.OP2_ERR.get(ops, 0L, i); }
        @Override public void setErr(MemorySegment ops, long i, int err) { MsrStructs.OP2_ERR.set(ops, 0L, i, err); }
        @Override public long msr(MemorySegment ops, long i) { return Integer.toUnsignedLong((int) MsrStructs.OP2_MSR.get(ops, 0L, i)); }
        @Override public void setMsr(MemorySegment ops, long i, long msr) { MsrStructs.OP2_MSR.set(ops, 0L, i, (int) msr); }
        @Override public long msrdata(MemorySegment ops, long i) { return (long) MsrStructs.OP2_MSRDATA.get(ops, 0L, i); }
        @Override public void setMsrdata(MemorySegment ops, long i, long value) { MsrStructs.OP2_MSRDATA.set(ops, 0L, i, value); }
        @Override public long wmask(MemorySegment ops, long i) { return (long) MsrStructs.OP2_WMASK.get(ops, 0L, i); }
        @Override public void setWmask(MemorySegment ops, long i, long mask) { MsrStructs.OP2_WMASK.set(ops, 0L, i, mask); }
        @Override public void fill(MemorySegment ops, long i, int cpu, int word, long msr, long value) {
            MsrStructs.OP2_HEAD.set(ops, 0L, i, MsrStructs.headWord(cpu, word));
            MsrStructs.OP2_POLL_MSR.set(ops, 0L, i, msr << 32);
            MsrStructs.OP2_WMASK.set(ops, 0L, i, 0L);
            MsrStructs.OP2_MSRDATA.set(ops, 0L, i, value);
        }
    };

    /** The major version the 2.x ABI belongs to. */
    public static final int V2_MAJOR = 2;

    private final StructLayout opLayout;
    private final int maxOpsPerIoctl;
    private final ModuleVersion referenceVersion;

    BatchAbi(StructLayout opLayout, int maxOpsPerIoctl, ModuleVersion referenceVersion) {
        this.opLayout = opLayout;
        this.maxOpsPerIoctl = maxOpsPerIoctl;
        this.referenceVersion = referenceVersion;
    }

    /**
     * The ABI to speak to a loaded module: major 2 is {@link #V2}; every other major, and
     * a module whose version is unknown ({@code null}: msr_safe before 1.6, the stock msr
     * driver), is {@link #V1}.
     */
    public static BatchAbi forModule(ModuleVersion module) {
        return module != null && module.major() == V2_MAJOR ? V2 : V1;
    }

    /**
     * The layout a 2.x module expects for a batch carrying {@code versionWord}: it compares
     * only bits 23:16 with its major. A 1.x module reads 32-byte ops whatever the word, and
     * a 2.x module refuses any other major before reading an op, so this is also the most
     * memory any module reads and writes behind the array's ops pointer for that word.
     */
    public static BatchAbi forVersionWord(int versionWord) {
        return majorOf(versionWord) == V2_MAJOR ? V2 : V1;
    }

    /** Bits 23:16 of a version word: the major version as the 2.x module compares it. */
    public static int majorOf(int versionWord) {
        return (versionWord >>> 16) & 0xFF;
    }

    /** {@return the version a version word carries, as {@code major.minor.patch} (major from bits 31:16)} */
    public static String describeWord(int versionWord) {
        return (versionWord >>> 16) + "." + ((versionWord >>> 8) & 0xFF) + "." + (versionWord & 0xFF);
    }

    /** {@return {@code struct msr_batch_op} of this ABI} */
    public StructLayout opLayout() {
        return opLayout;
    }

    /** {@return the size of one op in bytes: 32 or 88} */
    public long opSize() {
        return opLayout.byteSize();
    }

    /**
     * {@return the most ops one ioctl may carry: 4 MiB of ops, 131,072 or 47,662; the module
     * answers more with E2BIG and a kernel warning, so the library splits before}
     */
    public int maxOpsPerIoctl() {
        return maxOpsPerIoctl;
    }

    /** {@return the module version the facts about this ABI were established on: 1.8.0 or 2.0.4} */
    public ModuleVersion referenceVersion() {
        return referenceVersion;
    }

    /** {@return the series this ABI belongs to, for messages: "1.x" or "2.x"} */
    public String series() {
        return referenceVersion.major() + ".x";
    }

    /**
     * The word to put in the array's version field for {@code module} (null if unknown):
     * the module's own version when it is of this ABI's major, else this ABI's
     * {@link #referenceVersion()}. Never 0: 0 is what the C tools that predate the field
     * send, and a 2.x module refuses it.
     */
    public int versionWord(ModuleVersion module) {
        if (module != null && module.major() == referenceVersion.major()) {
            return module.u32();
        }
        return referenceVersion.u32();
    }

    /**
     * Checks a 2.x op word before it goes to the module, which checks nothing itself and
     * silently mishandles these: bits it does not know (they do nothing), no READ, WRITE or
     * POLL (the op does nothing but timestamps, if any), and WRITE together with READ or
     * POLL (the read replaces the value first, so the old value is written back).
     *
     * @return {@code flags}
     * @throws IllegalArgumentException for any of these, naming the flags
     */
    public static int checkV2Flags(int flags) {
        if ((flags & ~MsrStructs.OP_FLAGS_KNOWN) != 0) {
            throw new IllegalArgumentException("op flags 0x" + Integer.toHexString(flags) + " have bits the module does"
                    + " not act on (0x" + Integer.toHexString(flags & ~MsrStructs.OP_FLAGS_KNOWN) + ")");
        }
        int access = flags & (MsrStructs.OP_FLAG_READ | MsrStructs.OP_FLAG_WRITE | MsrStructs.OP_FLAG_POLL);
        if (access == 0) {
            throw new IllegalArgumentException("op flags 0x" + Integer.toHexString(flags)
                    + " ask for no read, write or poll: the module would do nothing with the op's register");
        }
        if ((access & MsrStructs.OP_FLAG_WRITE) != 0 && access != MsrStructs.OP_FLAG_WRITE) {
            throw new IllegalArgumentException("op flags 0x" + Integer.toHexString(flags) + " combine a write with a "
                    + ((access & MsrStructs.OP_FLAG_READ) != 0 ? "read" : "poll")
                    + ": the module would write the old value back, not the one given");
        }
        return flags;
    }

    /** {@return cpu of op {@code i}, 0..65535} */
    public abstract int cpu(MemorySegment ops, long i);

    /** Sets cpu of op {@code i} (its low 16 bits). */
    public abstract void setCpu(MemorySegment ops, long i, int cpu);

    /** {@return the u16 at offset 2 of op {@code i}: isrdmsr in 1.x, the op flags in 2.x} */
    public abstract int opWord(MemorySegment ops, long i);

    /** Sets the u16 at offset 2 of op {@code i}. */
    public abstract void setOpWord(MemorySegment ops, long i, int word);

    /** {@return err of op {@code i}: 0 or a negative errno} */
    public abstract int err(MemorySegment ops, long i);

    /** Sets err of op {@code i}. */
    public abstract void setErr(MemorySegment ops, long i, int err);

    /** {@return msr of op {@code i}, 0..2^32-1} */
    public abstract long msr(MemorySegment ops, long i);

    /** Sets msr of op {@code i} (its low 32 bits). */
    public abstract void setMsr(MemorySegment ops, long i, long msr);

    /** {@return msrdata of op {@code i}} */
    public abstract long msrdata(MemorySegment ops, long i);

    /** Sets msrdata of op {@code i}. */
    public abstract void setMsrdata(MemorySegment ops, long i, long value);

    /** {@return wmask of op {@code i}} */
    public abstract long wmask(MemorySegment ops, long i);

    /** Sets wmask of op {@code i}. */
    public abstract void setWmask(MemorySegment ops, long i, long mask);

    /**
     * Fills op {@code i} for a run: cpu, the op word (isrdmsr or op), msr and msrdata as given;
     * err and wmask 0; on 2.x also poll_max 0. Four 8-byte stores, so that adding an op stays
     * small enough for C2 to inline into the caller's loop. The other 2.x fields are left as they are.
     */
    public abstract void fill(MemorySegment ops, long i, int cpu, int word, long msr, long value);
}
