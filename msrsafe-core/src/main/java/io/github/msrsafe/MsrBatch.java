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
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A reusable list of MSR reads and writes that {@link #execute()} hands to the
 * module in one {@code X86_IOC_MSR_BATCH} ioctl (several if it holds more than
 * 131,072 ops, the most the module can allocate at once).
 *
 * <p>The ops live off-heap in the module's own {@code struct msr_batch_op}
 * layout; executing again reuses them, and {@link #execute()} allocates nothing
 * on the Java heap. Per-op errors do not throw. Reading the results has one way:
 * {@link #execute()} returns a {@link BatchOutcome} that names every case, and
 * per op {@link #status(int)} says what happened; {@link #value(int)} returns
 * what a read read and throws if it did not succeed, so a failed read can never
 * be taken for a 0. The per-op accessors behave the same before and after
 * execute: before it, every op is {@link BatchOp.Status#NOT_EXECUTED}. Not
 * thread-safe: one thread at a time; but closing it (or its {@link MsrSafe})
 * from another thread while it runs is safe: the ops' memory stays valid until
 * the running call returns, and is freed then.
 *
 * {@snippet lang=java :
 * try (MsrSafe msr = MsrSafe.open(); MsrBatch batch = msr.newBatch()) {
 *     for (int cpu : msr.cpus()) {
 *         batch.addRead(cpu, 0xE8);                 // IA32_APERF
 *     }
 *     if (batch.execute() == BatchOutcome.SUCCEEDED) {
 *         System.out.println("APERF on the first CPU: " + batch.value(0));
 *     } else {
 *         batch.failures().forEach(op -> System.err.println(op.describe()));
 *     }
 * }
 * }
 *
 * <p>msr_safe runs none of an ioctl when it refuses any op of it. To run every op the
 * module accepts and have the refused ones reported, use {@link #executeSkippingRejected()}.
 */
public final class MsrBatch implements AutoCloseable {

    /** The most ops one ioctl carries; larger batches are split. */
    public static final int MAX_OPS_PER_IOCTL = MsrStructs.MAX_OPS_PER_IOCTL;

    private static final int INITIAL_CAPACITY = 64;
    private static final BatchOp.Status[] STATUSES = BatchOp.Status.values();
    private static final byte SUCCEEDED_ORDINAL = (byte) BatchOp.Status.SUCCEEDED.ordinal();
    /** What one ioctl did: every op ran cleanly, some ran and failed, or the module refused it. */
    private static final byte CLEAN = 0;
    private static final byte RAN_WITH_FAILURES = 1;
    private static final byte REFUSED = 2;

    private final MsrSafe owner;
    // Calls in flight hold the memory; the last one out after close() frees it.
    private final UseCount uses = new UseCount(this::release);
    private Arena arena;
    private MemorySegment header;          // one struct msr_batch_array, refilled per ioctl
    private MemorySegment ops;             // capacity ops
    private MemorySegment[] ioctlSlices;   // ops split at MAX_OPS_PER_IOCTL, precomputed so execute allocates nothing
    private byte[] sliceResults;           // per slice of the last execute: CLEAN, RAN_WITH_FAILURES or REFUSED
    // Per op, the BatchOp.Status ordinal; authoritative only when the last execute did not simply succeed.
    private byte[] opStatus;
    // For executeSkippingRejected: the ops to run again, packed, and where each came from. Allocated on first need.
    private MemorySegment rerunOps;
    private MemorySegment[] rerunSlices;
    private int[] rerunIndex;
    private int capacity;
    private int size;
    private int executedSize;              // ops [0, executedSize) have a result from the last execute
    private boolean allSucceeded;          // the last execute ran every op in [0, executedSize) without error

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
        requireWrite(index);
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
        executedSize = 0;
    }

    /**
     * Runs every op: one ioctl per 131,072 ops ({@link #MAX_OPS_PER_IOCTL}), the version field set
     * to the loaded module's version. msr_safe checks every op of an ioctl before it runs
     * any, and runs none of it if it refuses one: those ops come back
     * {@link BatchOp.Status#REJECTED} (the refused ones) and {@link BatchOp.Status#NOT_RUN}
     * (the others). An empty batch does nothing and succeeds.
     *
     * @return how the batch went as a whole; per-op errors never throw
     * @throws MsrSafeException when an ioctl fails as a whole (the batch device is missing or
     *                          not readable, not msr_safe's, out of memory, ...); ops of the
     *                          ioctls before it keep their results, the others are
     *                          {@link BatchOp.Status#NOT_EXECUTED}
     */
    public BatchOutcome execute() throws MsrSafeException {
        enter();
        try {
            return run();
        } finally {
            exit();
        }
    }

    /** Holds this batch's memory and the handle's files for the length of a call. */
    private void enter() {
        if (!uses.enter()) {
            throw closed();
        }
        try {
            owner.enter();
        } catch (RuntimeException e) {
            uses.exit();
            throw e;
        }
    }

    private void exit() {
        try {
            owner.exit();
        } finally {
            uses.exit();
        }
    }

    // execute() with this batch's memory and the handle's files held.
    private BatchOutcome run() throws MsrSafeException {
        executedSize = 0;
        allSucceeded = false;
        if (size == 0) {
            allSucceeded = true;
            return BatchOutcome.SUCCEEDED;
        }
        BatchDevice device = owner.batchDevice();
        int slices = sliceCount(size);
        boolean clean = true;
        for (int slice = 0; slice < slices; slice++) {
            int first = slice * MAX_OPS_PER_IOCTL;
            int count = Math.min(MAX_OPS_PER_IOCTL, size - first);
            byte result;
            try {
                result = runIoctl(device, ops, ioctlSlices[slice], first, count);
            } catch (MsrSafeException e) {
                executedSize = first;
                recordStatuses(0, slice);
                throw e;
            }
            sliceResults[slice] = result;
            clean &= result == CLEAN;
        }
        executedSize = size;
        if (clean) {
            allSucceeded = true;
            return BatchOutcome.SUCCEEDED;
        }
        recordStatuses(0, slices);
        return outcomeOf(slices);
    }

    /**
     * Runs every op the module accepts: executes the batch, and when the module refused an
     * ioctl, runs again the ops of it that were refused only because another op was
     * ({@link BatchOp.Status#NOT_RUN}), until each op has either run or been refused itself.
     * One bad op then costs one more ioctl instead of the whole batch. Afterwards no op is
     * {@code NOT_RUN}; the outcome is {@link BatchOutcome#PARTLY_REJECTED} when some ops were
     * refused and others ran. Like {@link #execute()}, it allocates nothing once the batch has
     * needed a rerun at its current size.
     *
     * <p>Between the first run and the rerun the other ops' effects are already visible:
     * use it when the ops are independent (a save or restore of many registers), not when
     * one op only makes sense together with another.
     *
     * @return how the batch went as a whole
     * @throws MsrSafeException when an ioctl fails as a whole, as for {@link #execute()}
     */
    public BatchOutcome executeSkippingRejected() throws MsrSafeException {
        enter();
        try {
            BatchOutcome first = run();
            return first.allRan() ? first : rerunNotRun();
        } finally {
            exit();
        }
    }

    // The reruns of executeSkippingRejected, with the memory and files held.
    private BatchOutcome rerunNotRun() throws MsrSafeException {
        BatchDevice device = owner.batchDevice();
        if (rerunIndex == null || rerunIndex.length < capacity) {
            allocateRerun();
        }
        int pending;
        while ((pending = collectNotRun()) > 0) {
            int slices = sliceCount(pending);
            for (int slice = 0; slice < slices; slice++) {
                int start = slice * MAX_OPS_PER_IOCTL;
                int count = Math.min(MAX_OPS_PER_IOCTL, pending - start);
                byte result = runIoctl(device, rerunOps, rerunSlices[slice], start, count);
                for (int k = start; k < start + count; k++) {
                    int op = rerunIndex[k];
                    MemorySegment.copy(rerunOps, k * OP_SIZE, ops, op * OP_SIZE, OP_SIZE);
                    opStatus[op] = (byte) statusAfter(result, -(int) OP_ERR.get(ops, 0L, (long) op)).ordinal();
                }
            }
        }
        return outcomeOfStatuses();
    }

    /**
     * {@return what happened to op {@code index} in the last execute; {@link BatchOp.Status#NOT_EXECUTED}
     * before the batch has run since the op was added}
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     */
    public BatchOp.Status status(int index) {
        checkIndex(index);
        if (index >= executedSize) {
            return BatchOp.Status.NOT_EXECUTED;
        }
        return allSucceeded ? BatchOp.Status.SUCCEEDED : STATUSES[opStatus[index]];
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
     * {@return the value read op {@code index} read in the last execute}
     *
     * @param index the op's index, from {@link #addRead}
     * @throws IllegalStateException    if the op did not succeed: it failed, was rejected, did
     *                                  not run, or has not been executed ({@link #status(int)}
     *                                  says which; the message too)
     * @throws IllegalArgumentException if op {@code index} is a write (its value is {@link #writeValue(int)})
     */
    public long value(int index) {
        checkIndex(index);
        // The hot path of every sampler: one bounds check, then plain field and array reads.
        boolean succeeded = index < executedSize && (allSucceeded || opStatus[index] == SUCCEEDED_ORDINAL);
        if (!succeeded || (short) OP_ISRDMSR.get(ops, 0L, (long) index) == 0) {
            throw noValue(index, status(index));
        }
        return (long) OP_MSRDATA.get(ops, 0L, (long) index);
    }

    /**
     * {@return the value write op {@code index} writes}
     *
     * @param index the op's index, from {@link #addWrite}
     * @throws IllegalArgumentException if op {@code index} is a read
     */
    public long writeValue(int index) {
        requireWrite(index);
        return (long) OP_MSRDATA.get(ops, 0L, (long) index);
    }

    /**
     * {@return the write mask the module reported for op {@code index} in the last execute (0 for an
     * MSR it does not list)}
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     * @throws IllegalStateException if the op has not been executed since it was added
     */
    public long writeMask(int index) {
        if (status(index) == BatchOp.Status.NOT_EXECUTED) {
            throw new IllegalStateException("op " + index + " has not been executed since it was added,"
                    + " so the module has reported no write mask for it");
        }
        return (long) OP_WMASK.get(ops, 0L, (long) index);
    }

    /**
     * {@return op {@code index}'s own errno in the last execute: present exactly when it
     * {@link BatchOp.Status#FAILED} or was {@link BatchOp.Status#REJECTED}}
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     */
    public Optional<Errno> error(int index) {
        BatchOp.Status status = status(index);
        return status == BatchOp.Status.FAILED || status == BatchOp.Status.REJECTED ? Errno.of(rawErrno(index))
                : Optional.empty();
    }

    /**
     * {@return why op {@code index} failed or was rejected, if it was: the library's one
     * classification of its errno}
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     */
    public Optional<FailureKind> kind(int index) {
        return error(index).map(e -> Failures.kind(Failures.Call.BATCH_OP, e.number()));
    }

    /**
     * {@return a copy of op {@code index} with its result}
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     */
    public BatchOp op(int index) {
        BatchOp.Status status = status(index);
        boolean read = isRead(index);
        long data = (long) OP_MSRDATA.get(ops, 0L, (long) index);
        OptionalLong value = !read || status == BatchOp.Status.SUCCEEDED ? OptionalLong.of(data) : OptionalLong.empty();
        OptionalLong mask = status == BatchOp.Status.NOT_EXECUTED ? OptionalLong.empty()
                : OptionalLong.of((long) OP_WMASK.get(ops, 0L, (long) index));
        return new BatchOp(index, cpu(index), msr(index), read, status, value, mask, error(index));
    }

    /**
     * {@return copies of the ops of the last execute that did not succeed (failed, were
     * rejected, or did not run), in order; empty before the batch has run}
     */
    public List<BatchOp> failures() {
        List<BatchOp> failed = new ArrayList<>();
        for (int i = 0; i < executedSize; i++) {
            if (status(i) != BatchOp.Status.SUCCEEDED) {
                failed.add(op(i));
            }
        }
        return failed;
    }

    /**
     * Throws if any op of the last execute failed or was rejected: the exception describes
     * the first such op, with the kind its errno calls for, and counts the others.
     *
     * @throws MsrSafeException      for the first op that failed or was rejected
     * @throws IllegalStateException if an op has not been executed since it was added
     */
    public void throwIfFailed() throws MsrSafeException {
        if (executedSize < size) {
            throw new IllegalStateException("op " + executedSize + " has not been executed since it was added");
        }
        if (allSucceeded) {
            return;
        }
        List<BatchOp> failed = failures();
        BatchOp first = failed.stream().filter(op -> op.error().isPresent()).findFirst().orElse(null);
        if (first == null) {
            return;
        }
        String more = failed.size() > 1 ? " (" + (failed.size() - 1) + " more op(s) failed or did not run)" : "";
        int errno = first.error().orElseThrow().number();
        String reason = "op " + first.index() + ": " + Failures.batchOpReason(errno, first.cpu(), first.msr(), first.read())
                + more;
        throw Failures.create(first.kind().orElseThrow(), errno, "batch " + (first.read() ? "read" : "write"),
                owner.batchPath(), first.cpu(), first.msr(), reason);
    }

    /**
     * Frees the batch's memory: at once when the batch is idle, else when the call running on
     * another thread returns. Idempotent; never throws.
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
        return "MsrBatch[" + size + " ops" + (executedSize == 0 ? "" : ", " + executedSize + " executed") + "]";
    }

    // ---- internals ----

    /**
     * One ioctl over {@code count} ops starting at op {@code first} of {@code array}; says
     * whether they ran cleanly, ran with failures, or were refused.
     */
    private byte runIoctl(BatchDevice device, MemorySegment array, MemorySegment slice, int first, int count)
            throws MsrSafeException {
        for (int i = first; i < first + count; i++) {
            OP_ERR.set(array, 0L, (long) i, 0);
            OP_WMASK.set(array, 0L, (long) i, 0L);
        }
        ARRAY_NUMOPS.set(header, 0L, count);
        ARRAY_VERSION.set(header, 0L, owner.batchVersion());
        ARRAY_OPS.set(header, 0L, slice);
        int result = device.batch(header, slice);
        if (result == 0) {
            return CLEAN;
        }
        boolean anyOpError = false;
        boolean validationError = false;
        for (int i = first; i < first + count; i++) {
            int err = -(int) OP_ERR.get(array, 0L, (long) i);
            if (err != 0) {
                anyOpError = true;
                validationError |= Failures.isValidationError(err);
            }
        }
        if (!anyOpError) {
            // The call failed before any op was looked at: nothing per-op to report.
            throw Failures.of(-result, Failures.Call.BATCH, owner.batchPath(), owner.driver(), -1, -1);
        }
        // Per-CPU batches (the stock msr driver, no msr_batch) run every op; only msr_safe refuses an ioctl.
        return validationError && !(device instanceof PerCpuBatch) ? REFUSED : RAN_WITH_FAILURES;
    }

    /** Fills {@link #opStatus} for the ops of slices [fromSlice, toSlice) from their slice results. */
    private void recordStatuses(int fromSlice, int toSlice) {
        for (int slice = fromSlice; slice < toSlice; slice++) {
            int first = slice * MAX_OPS_PER_IOCTL;
            int end = Math.min(size, first + MAX_OPS_PER_IOCTL);
            for (int i = first; i < end; i++) {
                opStatus[i] = (byte) statusAfter(sliceResults[slice], -(int) OP_ERR.get(ops, 0L, (long) i)).ordinal();
            }
        }
    }

    private static BatchOp.Status statusAfter(byte sliceResult, int errno) {
        return switch (sliceResult) {
            case CLEAN -> BatchOp.Status.SUCCEEDED;
            case RAN_WITH_FAILURES -> errno == 0 ? BatchOp.Status.SUCCEEDED : BatchOp.Status.FAILED;
            default -> errno == 0 ? BatchOp.Status.NOT_RUN : BatchOp.Status.REJECTED;
        };
    }

    private BatchOutcome outcomeOf(int slices) {
        boolean anyRefused = false;
        boolean anyRan = false;
        for (int slice = 0; slice < slices; slice++) {
            anyRefused |= sliceResults[slice] == REFUSED;
            anyRan |= sliceResults[slice] != REFUSED;
        }
        return anyRefused ? (anyRan ? BatchOutcome.PARTLY_REJECTED : BatchOutcome.REJECTED) : BatchOutcome.OPS_FAILED;
    }

    private BatchOutcome outcomeOfStatuses() {
        boolean anyRefused = false;
        boolean anyRan = false;
        boolean anyFailed = false;
        for (int i = 0; i < size; i++) {
            BatchOp.Status status = STATUSES[opStatus[i]];
            anyRefused |= status == BatchOp.Status.REJECTED;
            anyRan |= status.ran();
            anyFailed |= status == BatchOp.Status.FAILED;
        }
        if (anyRefused) {
            return anyRan ? BatchOutcome.PARTLY_REJECTED : BatchOutcome.REJECTED;
        }
        return anyFailed ? BatchOutcome.OPS_FAILED : BatchOutcome.SUCCEEDED;
    }

    /** Packs the ops that are NOT_RUN into the rerun array; returns how many. */
    private int collectNotRun() {
        int pending = 0;
        for (int i = 0; i < size; i++) {
            if (opStatus[i] == (byte) BatchOp.Status.NOT_RUN.ordinal()) {
                MemorySegment.copy(ops, i * OP_SIZE, rerunOps, pending * OP_SIZE, OP_SIZE);
                rerunIndex[pending++] = i;
            }
        }
        return pending;
    }

    private IllegalStateException noValue(int index, BatchOp.Status status) {
        if (!isRead(index)) {
            throw new IllegalArgumentException("op " + index + " is a write: it reads no value (writeValue("
                    + index + ") is the value it writes)");
        }
        String why = switch (status) {
            case NOT_EXECUTED -> "has not been executed since it was added";
            case NOT_RUN -> "did not run: another op of its ioctl was rejected";
            case FAILED, REJECTED -> (status == BatchOp.Status.FAILED ? "failed: " : "was rejected: ")
                    + Errno.name(rawErrno(index)) + ": "
                    + Failures.batchOpReason(rawErrno(index), cpu(index), msr(index), true);
            case SUCCEEDED -> throw new AssertionError("a read that succeeded has a value");
        };
        return new IllegalStateException("read op " + index + " (CPU " + cpu(index) + ", MSR "
                + MsrSafeException.hex(msr(index)) + ") " + why + "; it has no value (check status(" + index + "))");
    }

    private int rawErrno(int index) {
        return -(int) OP_ERR.get(ops, 0L, (long) index);
    }

    private void requireWrite(int index) {
        if (isRead(index)) {
            throw new IllegalArgumentException("op " + index + " is a read, not a write");
        }
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
        if (executedSize > index) {
            executedSize = index;
        }
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

    private static int sliceCount(int ops) {
        return (ops + MAX_OPS_PER_IOCTL - 1) / MAX_OPS_PER_IOCTL;
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
        ioctlSlices = slicesOf(ops, newCapacity);
        sliceResults = new byte[ioctlSlices.length];
        byte[] statuses = new byte[newCapacity];
        if (opStatus != null) {
            System.arraycopy(opStatus, 0, statuses, 0, size);
        }
        opStatus = statuses;
        rerunOps = null;
        rerunSlices = null;
        rerunIndex = null;
    }

    private void allocateRerun() {
        rerunOps = arena.allocate(BATCH_OP, capacity);
        rerunSlices = slicesOf(rerunOps, capacity);
        rerunIndex = new int[capacity];
    }

    private static MemorySegment[] slicesOf(MemorySegment array, int opCount) {
        MemorySegment[] slices = new MemorySegment[sliceCount(opCount)];
        for (int slice = 0; slice < slices.length; slice++) {
            long first = (long) slice * MAX_OPS_PER_IOCTL;
            slices[slice] = array.asSlice(first * OP_SIZE, Math.min(MAX_OPS_PER_IOCTL, opCount - first) * OP_SIZE);
        }
        return slices;
    }

    private void checkIndex(int index) {
        ensureOpen();
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("op " + index + " is outside this batch of " + size + " ops");
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
