package io.github.msrsafe.internal.abi;

import static io.github.msrsafe.internal.abi.MsrStructs.ARRAY_NUMOPS;
import static io.github.msrsafe.internal.abi.MsrStructs.ARRAY_OPS;
import static io.github.msrsafe.internal.abi.MsrStructs.ARRAY_VERSION;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_CPU;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_ERR;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_ISRDMSR;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_MSR;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_MSRDATA;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_WMASK;

import io.github.msrsafe.internal.sys.BatchDevice;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.stream.IntStream;

/**
 * A struct msr_batch_array and its ops in native memory, built through MsrStructs only,
 * every op's outputs preset to values no device writes. Shared by the tests of the
 * simulated kernel, the native batch path and the per-CPU emulation.
 */
public final class BatchBuffer implements AutoCloseable {

    /** What the tests put in wmask and msrdata to see whether the device touched them. */
    public static final long UNTOUCHED = 0x5A5A_5A5A_5A5A_5A5AL;

    /** What err holds before the device looks at an op. */
    public static final int ERR_UNTOUCHED = -99;

    private final Arena arena;
    private final boolean ownsArena;
    public final MemorySegment array;
    public final MemorySegment ops;
    public final int size;

    /** A batch of {@code size} ops in an arena of its own, freed by {@link #close()}. */
    public BatchBuffer(int size) {
        this(Arena.ofConfined(), true, size);
    }

    /** A batch of {@code size} ops in the caller's arena, which outlives it. */
    public BatchBuffer(Arena arena, int size) {
        this(arena, false, size);
    }

    private BatchBuffer(Arena arena, boolean ownsArena, int size) {
        this.arena = arena;
        this.ownsArena = ownsArena;
        this.size = size;
        array = arena.allocate(MsrStructs.BATCH_ARRAY);
        ops = arena.allocate(MsrStructs.BATCH_OP, Math.max(1, size));
        ARRAY_NUMOPS.set(array, 0L, size);
        ARRAY_VERSION.set(array, 0L, 0x0001_0800);
        ARRAY_OPS.set(array, 0L, ops);
        for (int i = 0; i < size; i++) {
            OP_ERR.set(ops, 0L, (long) i, ERR_UNTOUCHED);
            OP_WMASK.set(ops, 0L, (long) i, UNTOUCHED);
            OP_MSRDATA.set(ops, 0L, (long) i, UNTOUCHED);
        }
    }

    public BatchBuffer read(int index, int cpu, long msr) {
        return op(index, cpu, msr, true, UNTOUCHED);
    }

    public BatchBuffer write(int index, int cpu, long msr, long value) {
        return op(index, cpu, msr, false, value);
    }

    public BatchBuffer op(int index, int cpu, long msr, boolean read, long data) {
        long i = index;
        OP_CPU.set(ops, 0L, i, (short) cpu);
        OP_ISRDMSR.set(ops, 0L, i, (short) (read ? 1 : 0));
        OP_MSR.set(ops, 0L, i, (int) msr);
        OP_MSRDATA.set(ops, 0L, i, data);
        return this;
    }

    public int run(BatchDevice device) {
        return device.batch(array, ops);
    }

    public int err(int index) {
        return (int) OP_ERR.get(ops, 0L, (long) index);
    }

    public long data(int index) {
        return (long) OP_MSRDATA.get(ops, 0L, (long) index);
    }

    public long wmask(int index) {
        return (long) OP_WMASK.get(ops, 0L, (long) index);
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
