package io.github.msrsafe.internal.abi;

import static io.github.msrsafe.internal.abi.MsrStructs.ARRAY_NUMOPS;
import static io.github.msrsafe.internal.abi.MsrStructs.ARRAY_OPS;
import static io.github.msrsafe.internal.abi.MsrStructs.ARRAY_VERSION;

import io.github.msrsafe.internal.sys.BatchDevice;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A struct msr_batch_array and its ops in native memory, in either op layout, built
 * through MsrStructs and BatchAbi only, every op's outputs preset to values no device
 * writes. Shared by the tests of the simulated kernel, the native batch path and the
 * per-CPU emulation. The version field starts as the layout's reference version (1.8.0
 * or 2.0.4).
 */
public final class BatchBuffer implements AutoCloseable {

    /** What the tests put in wmask, msrdata and every 2.x output to see whether the device touched them. */
    public static final long UNTOUCHED = 0x5A5A_5A5A_5A5A_5A5AL;

    /** What err holds before the device looks at an op. */
    public static final int ERR_UNTOUCHED = -99;

    /** The 2.x fields a device may fill besides err, wmask and msrdata. */
    private static final List<VarHandle> V2_OUTPUTS = List.of(MsrStructs.OP2_MSRDATA2, MsrStructs.OP2_TSC,
            MsrStructs.OP2_MPERF, MsrStructs.OP2_APERF, MsrStructs.OP2_THERM, MsrStructs.OP2_PTHERM, MsrStructs.OP2_TAG);

    private final Arena arena;
    private final boolean ownsArena;
    public final BatchAbi abi;
    public final MemorySegment array;
    public final MemorySegment ops;
    public final int size;

    /** A 1.x batch of {@code size} ops in an arena of its own, freed by {@link #close()}. */
    public BatchBuffer(int size) {
        this(BatchAbi.V1, size);
    }

    /** A batch of {@code size} ops of {@code abi}'s layout in an arena of its own, freed by {@link #close()}. */
    public BatchBuffer(BatchAbi abi, int size) {
        this(Arena.ofConfined(), true, abi, size);
    }

    /** A 1.x batch of {@code size} ops in the caller's arena, which outlives it. */
    public BatchBuffer(Arena arena, int size) {
        this(arena, false, BatchAbi.V1, size);
    }

    /** A batch of {@code size} ops of {@code abi}'s layout in the caller's arena, which outlives it. */
    public BatchBuffer(Arena arena, BatchAbi abi, int size) {
        this(arena, false, abi, size);
    }

    private BatchBuffer(Arena arena, boolean ownsArena, BatchAbi abi, int size) {
        this.arena = arena;
        this.ownsArena = ownsArena;
        this.abi = abi;
        this.size = size;
        array = arena.allocate(MsrStructs.BATCH_ARRAY);
        ops = arena.allocate(abi.opLayout(), Math.max(1, size));
        ARRAY_NUMOPS.set(array, 0L, size);
        ARRAY_VERSION.set(array, 0L, abi.referenceVersion().u32());
        ARRAY_OPS.set(array, 0L, ops);
        for (int i = 0; i < size; i++) {
            abi.setErr(ops, i, ERR_UNTOUCHED);
            abi.setWmask(ops, i, UNTOUCHED);
            abi.setMsrdata(ops, i, UNTOUCHED);
            if (abi == BatchAbi.V2) {
                for (VarHandle output : V2_OUTPUTS) {
                    output.set(ops, 0L, (long) i, UNTOUCHED);
                }
            }
        }
    }

    public BatchBuffer read(int index, int cpu, long msr) {
        return op(index, cpu, msr, true, UNTOUCHED);
    }

    public BatchBuffer write(int index, int cpu, long msr, long value) {
        return op(index, cpu, msr, false, value);
    }

    /** A read or a write: isrdmsr 1 or 0 in 1.x, the READ or WRITE flag in 2.x. */
    public BatchBuffer op(int index, int cpu, long msr, boolean read, long data) {
        int word = abi == BatchAbi.V1 ? (read ? 1 : 0) : (read ? MsrStructs.OP_FLAG_READ : MsrStructs.OP_FLAG_WRITE);
        return raw(index, cpu, msr, word, data);
    }

    /** Any op word, unchecked: isrdmsr in 1.x, the flags in 2.x. */
    public BatchBuffer raw(int index, int cpu, long msr, int opWord, long data) {
        long i = index;
        abi.setCpu(ops, i, cpu);
        abi.setOpWord(ops, i, opWord);
        abi.setMsr(ops, i, msr);
        abi.setMsrdata(ops, i, data);
        return this;
    }

    /** Sets a 2.x op's poll_max. */
    public BatchBuffer pollMax(int index, int pollMax) {
        MsrStructs.OP2_POLL_MAX.set(ops, 0L, (long) index, pollMax);
        return this;
    }

    public int run(BatchDevice device) {
        return device.batch(array, ops);
    }

    public int err(int index) {
        return abi.err(ops, index);
    }

    public long data(int index) {
        return abi.msrdata(ops, index);
    }

    public long wmask(int index) {
        return abi.wmask(ops, index);
    }

    /** A 2.x field of op {@code index}: {@code get(MsrStructs.OP2_TSC, 0)}. */
    public long get(VarHandle field, int index) {
        return ((Number) field.get(ops, 0L, (long) index)).longValue();
    }

    /** Sets the version field. */
    public BatchBuffer version(int version) {
        ARRAY_VERSION.set(array, 0L, version);
        return this;
    }

    /** Every op's err, in order. */
    public int[] errs() {
        return IntStream.range(0, size).map(this::err).toArray();
    }

    /** Every op's wmask, in order. */
    public long[] wmasks() {
        return IntStream.range(0, size).mapToLong(this::wmask).toArray();
    }

    @Override
    public void close() {
        if (ownsArena) {
            arena.close();
        }
    }
}
