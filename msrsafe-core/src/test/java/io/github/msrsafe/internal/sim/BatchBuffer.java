package io.github.msrsafe.internal.sim;

import static io.github.msrsafe.internal.abi.MsrStructs.ARRAY_NUMOPS;
import static io.github.msrsafe.internal.abi.MsrStructs.ARRAY_OPS;
import static io.github.msrsafe.internal.abi.MsrStructs.ARRAY_VERSION;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_CPU;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_ERR;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_ISRDMSR;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_MSR;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_MSRDATA;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_WMASK;

import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.sys.OpenFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A struct msr_batch_array and its ops in native memory, built through MsrStructs only. */
final class BatchBuffer implements AutoCloseable {

    /** What the tests put in wmask and msrdata to see whether the device touched them. */
    static final long UNTOUCHED = 0x5A5A_5A5A_5A5A_5A5AL;

    final Arena arena = Arena.ofConfined();
    final MemorySegment array;
    final MemorySegment ops;
    final int size;

    BatchBuffer(int size) {
        this.size = size;
        array = arena.allocate(MsrStructs.BATCH_ARRAY);
        ops = arena.allocate(MsrStructs.BATCH_OP, Math.max(1, size));
        ARRAY_NUMOPS.set(array, 0L, size);
        ARRAY_VERSION.set(array, 0L, 0x0001_0800);
        ARRAY_OPS.set(array, 0L, ops);
        for (int i = 0; i < size; i++) {
            OP_ERR.set(ops, 0L, (long) i, -99);
            OP_WMASK.set(ops, 0L, (long) i, UNTOUCHED);
            OP_MSRDATA.set(ops, 0L, (long) i, UNTOUCHED);
        }
    }

    BatchBuffer read(int index, int cpu, long msr) {
        return op(index, cpu, msr, true, UNTOUCHED);
    }

    BatchBuffer write(int index, int cpu, long msr, long value) {
        return op(index, cpu, msr, false, value);
    }

    BatchBuffer op(int index, int cpu, long msr, boolean read, long data) {
        long i = index;
        OP_CPU.set(ops, 0L, i, (short) cpu);
        OP_ISRDMSR.set(ops, 0L, i, (short) (read ? 1 : 0));
        OP_MSR.set(ops, 0L, i, (int) msr);
        OP_MSRDATA.set(ops, 0L, i, data);
        return this;
    }

    int run(OpenFile batchFile) {
        return batchFile.ioctl(MsrStructs.X86_IOC_MSR_BATCH, array, ops);
    }

    int err(int index) {
        return (int) OP_ERR.get(ops, 0L, (long) index);
    }

    long data(int index) {
        return (long) OP_MSRDATA.get(ops, 0L, (long) index);
    }

    long wmask(int index) {
        return (long) OP_WMASK.get(ops, 0L, (long) index);
    }

    @Override
    public void close() {
        arena.close();
    }
}
