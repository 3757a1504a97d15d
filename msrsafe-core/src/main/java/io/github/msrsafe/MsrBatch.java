package io.github.msrsafe;

import static io.github.msrsafe.internal.abi.MsrStructs.ARRAY_NUMOPS;
import static io.github.msrsafe.internal.abi.MsrStructs.ARRAY_OPS;
import static io.github.msrsafe.internal.abi.MsrStructs.ARRAY_VERSION;
import static io.github.msrsafe.internal.abi.MsrStructs.BATCH_ARRAY;
import static io.github.msrsafe.internal.abi.MsrStructs.BATCH_OP;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_CPU;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_ERR;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_ISRDMSR;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_MSR;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_MSRDATA;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_SIZE;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_WMASK;

import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.UseCount;
import io.github.msrsafe.registers.Register;
import io.github.msrsafe.registers.RegisterCatalog;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A reusable list of MSR reads and writes that {@link #execute()} hands to the
 * module in one {@code X86_IOC_MSR_BATCH} ioctl (several if it holds more than
 * 131,072 ops, the most the module can allocate at once).
 *
 * <p>The ops live off-heap in the module's own {@code struct msr_batch_op}
 * layout; executing again reuses them, and {@link #execute()} allocates nothing
 * on the Java heap. Per-op errors do not throw: after {@code execute()} each op
 * has its value, write mask and errno. Not thread-safe: one thread at a time; but
 * closing it (or its {@link MsrSafe}) from another thread while it runs is safe:
 * the ops' memory stays valid until the running call returns, and is freed then.
 *
 * {@snippet lang=java :
 * try (MsrBatch batch = msr.newBatch()) {
 *     for (int cpu : msr.cpus()) {
 *         batch.addRead(cpu, 0xE8);                 // IA32_APERF
 *     }
 *     if (batch.execute() != BatchOutcome.SUCCEEDED) {
 *         batch.failures().forEach(op -> System.err.println(op.describe()));
 *     }
 *     long aperfOnCpu0 = batch.value(0);
 * }
 * }
 */
public final class MsrBatch implements AutoCloseable {

    /** The most ops one ioctl carries; larger batches are split. */
    public static final int MAX_OPS_PER_IOCTL = MsrStructs.MAX_OPS_PER_IOCTL;

    private static final int INITIAL_CAPACITY = 64;
    private static final int NOT_EXECUTED = -1;

    private final MsrSafe owner;
    // Held by execute() and by growth, which use the ops' memory; the last one out after close() frees it.
    private final UseCount uses = new UseCount(this::release);
    private Arena arena;
    private MemorySegment header;          // one struct msr_batch_array, refilled per ioctl
    private MemorySegment ops;             // capacity ops
    private MemorySegment[] ioctlSlices;   // ops split at MAX_OPS_PER_IOCTL, precomputed so execute allocates nothing
    private boolean[] rejectedSlices;      // per slice: the module refused it in validation, so none of it ran
    private int capacity;
    private int size;
    private int executedSize = NOT_EXECUTED;

    MsrBatch(MsrSafe owner) {
        this.owner = owner;
        allocate(INITIAL_CAPACITY);
    }

    /**
     * Adds a read of {@code msr} on {@code cpu}.
     *
     * @param cpu the CPU, 0..65535
     * @param msr the MSR address, 0..2^32-1
     * @return the op's index
     * @throws IllegalArgumentException if cpu is outside 0..65535 or msr outside 0..2^32-1
     */
    public int addRead(int cpu, long msr) {
        return add(cpu, msr, true, 0);
    }

    /**
     * Adds a write of {@code value} to {@code msr} on {@code cpu}; the module writes only the
     * bits of the allowlist's write mask.
     *
     * @param cpu   the CPU, 0..65535
     * @param msr   the MSR address, 0..2^32-1
     * @param value the value to write
     * @return the op's index
     * @throws IllegalArgumentException if cpu is outside 0..65535 or msr outside 0..2^32-1
     */
    public int addWrite(int cpu, long msr, long value) {
        return add(cpu, msr, false, value);
    }

    /**
     * Changes the value a write op will write the next time the batch runs.
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     * @param value the new value
     * @throws IllegalArgumentException if op {@code index} is a read
     */
    public void setWriteValue(int index, long value) {
        checkIndex(index);
        if (isRead(index)) {
            throw new IllegalArgumentException("op " + index + " is a read, not a write");
        }
        OP_MSRDATA.set(ops, 0L, (long) index, value);
    }

    /** {@return the number of ops} */
    public int size() {
        return size;
    }

    /** Removes every op, keeping the memory for reuse. */
    public void clear() {
        ensureOpen();
        size = 0;
        executedSize = NOT_EXECUTED;
    }

    /**
     * Runs every op: one ioctl per 131,072 ops, the version field set
     * to the loaded module's version. Per-op results are then available by index. An empty
     * batch does nothing and succeeds.
     *
     * @return how the batch went as a whole; per-op errors never throw
     * @throws MsrSafeException when an ioctl fails as a whole (the batch device is missing or
     *                          not readable, not msr_safe's, out of memory, ...)
     */
    public BatchOutcome execute() throws MsrSafeException {
        if (!uses.enter()) {
            throw closed();
        }
        try {
            owner.enter();
            try {
                return run();
            } finally {
                owner.exit();
            }
        } finally {
            uses.exit();
        }
    }

    // execute() with this batch's memory and the handle's files held.
    private BatchOutcome run() throws MsrSafeException {
        executedSize = NOT_EXECUTED;
        if (size == 0) {
            executedSize = 0;
            return BatchOutcome.SUCCEEDED;
        }
        BatchDevice device = owner.batchDevice();
        boolean perCpu = device instanceof PerCpuBatch; // no validation pass: nothing is rejected
        boolean anyFailed = false;
        boolean anyRejected = false;
        int slices = (size + MAX_OPS_PER_IOCTL - 1) / MAX_OPS_PER_IOCTL;
        for (int slice = 0; slice < slices; slice++) {
            int first = slice * MAX_OPS_PER_IOCTL;
            int count = Math.min(MAX_OPS_PER_IOCTL, size - first);
            for (int i = first; i < first + count; i++) {
                OP_ERR.set(ops, 0L, (long) i, 0);
                OP_WMASK.set(ops, 0L, (long) i, 0L);
            }
            MemorySegment sliceOps = ioctlSlices[slice];
            ARRAY_NUMOPS.set(header, 0L, count);
            ARRAY_VERSION.set(header, 0L, owner.batchVersion());
            ARRAY_OPS.set(header, 0L, sliceOps);
            int result = device.batch(header, sliceOps);
            rejectedSlices[slice] = false;
            if (result == 0) {
                continue;
            }
            int failedOps = 0;
            boolean validationError = false;
            for (int i = first; i < first + count; i++) {
                int err = -(int) OP_ERR.get(ops, 0L, (long) i);
                if (err != 0) {
                    failedOps++;
                    // The module's validation pass reports only these; execution reports EIO.
                    validationError |= err == Errno.ENXIO.number() || err == Errno.EACCES.number()
                            || err == Errno.EROFS.number();
                }
            }
            if (failedOps == 0) {
                // The call failed before any op was looked at: nothing per-op to report.
                executedSize = first;
                throw Failures.of(-result, Failures.Call.BATCH, owner.batchPath(), owner.driver(), -1, -1);
            }
            if (validationError && !perCpu) {
                rejectedSlices[slice] = true;
                anyRejected = true;
            } else {
                anyFailed = true;
            }
        }
        executedSize = size;
        return anyRejected ? BatchOutcome.REJECTED : anyFailed ? BatchOutcome.OPS_FAILED : BatchOutcome.SUCCEEDED;
    }

    /**
     * {@return the CPU of op {@code index}}
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     */
    public int cpu(int index) {
        checkIndex(index);
        return Short.toUnsignedInt((short) OP_CPU.get(ops, 0L, (long) index));
    }

    /**
     * {@return the MSR address of op {@code index}}
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     */
    public long msr(int index) {
        checkIndex(index);
        return Integer.toUnsignedLong((int) OP_MSR.get(ops, 0L, (long) index));
    }

    /**
     * {@return whether op {@code index} is a read}
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     */
    public boolean isRead(int index) {
        checkIndex(index);
        return (short) OP_ISRDMSR.get(ops, 0L, (long) index) != 0;
    }

    /**
     * {@return the value read by op {@code index} (after execute), or the value a write op writes}
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     */
    public long value(int index) {
        checkIndex(index);
        return (long) OP_MSRDATA.get(ops, 0L, (long) index);
    }

    /**
     * {@return the write mask the module reported for op {@code index} in the last execute}
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     * @throws IllegalStateException if the op has not been executed since it was added
     */
    public long writeMask(int index) {
        checkExecuted(index);
        return (long) OP_WMASK.get(ops, 0L, (long) index);
    }

    /**
     * {@return 0, or the positive errno op {@code index} failed with in the last execute}
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     * @throws IllegalStateException if the op has not been executed since it was added
     */
    public int errno(int index) {
        checkExecuted(index);
        return -(int) OP_ERR.get(ops, 0L, (long) index);
    }

    /**
     * {@return whether op {@code index} was executed in the last execute (false if its ioctl was rejected)}
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     * @throws IllegalStateException if the op has not been executed since it was added
     */
    public boolean ran(int index) {
        checkExecuted(index);
        return !rejectedSlices[index / MAX_OPS_PER_IOCTL];
    }

    /**
     * {@return whether op {@code index} ran without error in the last execute}
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     * @throws IllegalStateException if the op has not been executed since it was added
     */
    public boolean succeeded(int index) {
        return ran(index) && errno(index) == 0;
    }

    /**
     * {@return a copy of op {@code index} with its results}
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     * @throws IllegalStateException if the op has not been executed since it was added
     */
    public BatchOp op(int index) {
        checkExecuted(index);
        return new BatchOp(index, cpu(index), msr(index), isRead(index), value(index), writeMask(index),
                errno(index), ran(index));
    }

    /** {@return copies of the ops that failed or did not run in the last execute, in order} */
    public List<BatchOp> failures() {
        List<BatchOp> failed = new ArrayList<>();
        for (int i = 0; i < executedSize; i++) {
            if (!succeeded(i)) {
                failed.add(op(i));
            }
        }
        return failed;
    }

    /**
     * Throws if any op of the last execute failed: the exception describes the first op
     * that failed and counts the others.
     *
     * @throws MsrSafeException      for the first failed op, of the subclass its errno calls for
     * @throws IllegalStateException if the batch has not been executed
     */
    public void throwIfFailed() throws MsrSafeException {
        if (executedSize == NOT_EXECUTED) {
            throw new IllegalStateException("the batch has not been executed");
        }
        List<BatchOp> failed = failures();
        BatchOp first = failed.stream().filter(op -> op.errno() != 0).findFirst().orElse(null);
        if (first == null) {
            return;
        }
        String more = failed.size() > 1 ? " (" + (failed.size() - 1) + " more op(s) failed or did not run)" : "";
        MsrSafeException byKind = Failures.of(first.errno(), Failures.Call.BATCH, owner.batchPath(),
                owner.driver(), first.cpu(), first.msr());
        throw rewordForOp(byKind, first, more);
    }

    /**
     * Frees the batch's memory. Idempotent, and safe from another thread while
     * {@link #execute()} runs: the memory is freed when it returns.
     */
    @Override
    public void close() {
        uses.close();
    }

    // Runs once: on close() when the batch is idle, else when execute() or growth returns.
    private void release() {
        arena.close();
        owner.forget(this);
    }

    private static IllegalStateException closed() {
        return new IllegalStateException("this batch is closed");
    }

    /** Whether the ops' memory is freed (closed, and no call left in flight); for tests. */
    boolean isReleased() {
        return uses.isReleased();
    }

    @Override
    public String toString() {
        return "MsrBatch[" + size + " ops" + (executedSize == NOT_EXECUTED ? "" : ", executed") + "]";
    }

    // ---- internals ----

    private static MsrSafeException rewordForOp(MsrSafeException e, BatchOp op, String more) {
        String reason = "op " + op.index() + ": " + Failures.batchOpReason(op.errno(), op.cpu(), op.msr(), op.read()) + more;
        String operation = "batch " + (op.read() ? "read" : "write");
        return switch (e) {
            case MsrNotAllowedException x -> new MsrNotAllowedException(op.errno(), operation, e.device(), op.cpu(), op.msr(), reason);
            case CpuUnavailableException x -> new CpuUnavailableException(op.errno(), operation, e.device(), op.cpu(), op.msr(), reason);
            case MsrFaultException x -> new MsrFaultException(op.errno(), operation, e.device(), op.cpu(), op.msr(), reason);
            default -> new MsrSafeException(op.errno(), operation, e.device(), op.cpu(), op.msr(), reason);
        };
    }

    private int add(int cpu, long msr, boolean read, long value) {
        ensureOpen();
        if (cpu < 0 || cpu > 0xFFFF) {
            throw new IllegalArgumentException("CPU " + cpu + " is outside 0..65535, the range of the batch op's cpu field");
        }
        MsrSafe.checkMsr(msr);
        if (size == Integer.MAX_VALUE / (int) OP_SIZE) {
            throw new IllegalStateException("a batch holds at most " + size + " ops");
        }
        if (size == capacity) {
            grow();
        }
        int index = size++;
        long i = index;
        OP_CPU.set(ops, 0L, i, (short) cpu);
        OP_ISRDMSR.set(ops, 0L, i, (short) (read ? 1 : 0));
        OP_ERR.set(ops, 0L, i, 0);
        OP_MSR.set(ops, 0L, i, (int) msr);
        OP_MSRDATA.set(ops, 0L, i, value);
        OP_WMASK.set(ops, 0L, i, 0L);
        executedSize = NOT_EXECUTED;
        return index;
    }

    // Replacing the arena must not race a close() from another thread: hold the memory meanwhile.
    private void grow() {
        if (!uses.enter()) {
            throw closed();
        }
        try {
            allocate(capacity * 2);
        } finally {
            uses.exit();
        }
    }

    /** (Re)allocates room for {@code newCapacity} ops in a fresh arena, keeping the ops so far. */
    private void allocate(int newCapacity) {
        Arena newArena = Arena.ofShared();
        MemorySegment newOps = newArena.allocate(BATCH_OP, newCapacity);
        if (ops != null) {
            MemorySegment.copy(ops, 0, newOps, 0, size * OP_SIZE);
            arena.close();
        }
        arena = newArena;
        ops = newOps;
        header = newArena.allocate(BATCH_ARRAY);
        capacity = newCapacity;
        int slices = (newCapacity + MAX_OPS_PER_IOCTL - 1) / MAX_OPS_PER_IOCTL;
        ioctlSlices = new MemorySegment[slices];
        for (int slice = 0; slice < slices; slice++) {
            long first = (long) slice * MAX_OPS_PER_IOCTL;
            ioctlSlices[slice] = ops.asSlice(first * OP_SIZE, Math.min(MAX_OPS_PER_IOCTL, newCapacity - first) * OP_SIZE);
        }
        rejectedSlices = new boolean[slices];
    }

    private void checkIndex(int index) {
        ensureOpen();
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("op " + index + " is outside this batch of " + size + " ops");
        }
    }

    private void checkExecuted(int index) {
        checkIndex(index);
        if (index >= executedSize) {
            throw new IllegalStateException("op " + index + " has not been executed since it was added");
        }
    }

    private void ensureOpen() {
        if (uses.isClosed()) {
            throw closed();
        }
        owner.ensureOpen();
    }

    // ---- by register: the catalog's entries and names (for jshell and IDEs) ----

    /**
     * Adds a read of {@code register} on {@code cpu}: {@link #addRead(int, long) addRead(cpu, register.address())}.
     *
     * @param cpu      the CPU, 0..65535
     * @param register a register of the catalog
     * @return the op's index
     */
    public int addRead(int cpu, Register register) {
        return addRead(cpu, Objects.requireNonNull(register, "register").address());
    }

    /**
     * Adds a read of the register {@code name} names in the {@linkplain RegisterCatalog#builtIn() built-in
     * catalog}, forgiving case and the IA32_/MSR_ prefixes ({@link RegisterCatalog#find}).
     *
     * @param cpu  the CPU, 0..65535
     * @param name the register's name
     * @return the op's index
     * @throws IllegalArgumentException if the catalog has no register of that name, or as {@link #addRead(int, long)}
     */
    public int addRead(int cpu, String name) {
        return addRead(cpu, RegisterCatalog.builtIn().require(name).address());
    }

    /**
     * Adds a write of {@code value} to {@code register} on {@code cpu}.
     *
     * @param cpu      the CPU, 0..65535
     * @param register a register of the catalog
     * @param value    the value to write
     * @return the op's index
     */
    public int addWrite(int cpu, Register register, long value) {
        return addWrite(cpu, Objects.requireNonNull(register, "register").address(), value);
    }

    /**
     * Adds a write of {@code value} to the register {@code name} names in the built-in catalog.
     *
     * @param cpu   the CPU, 0..65535
     * @param name  the register's name
     * @param value the value to write
     * @return the op's index
     * @throws IllegalArgumentException if the catalog has no register of that name, or as {@link #addWrite(int, long, long)}
     */
    public int addWrite(int cpu, String name, long value) {
        return addWrite(cpu, RegisterCatalog.builtIn().require(name).address(), value);
    }
}
