package io.github.msrsafe;

import static io.github.msrsafe.internal.abi.MsrStructs.ARRAY_NUMOPS;
import static io.github.msrsafe.internal.abi.MsrStructs.ARRAY_OPS;
import static io.github.msrsafe.internal.abi.MsrStructs.ARRAY_VERSION;
import static io.github.msrsafe.internal.abi.MsrStructs.BATCH_ARRAY;
import static io.github.msrsafe.internal.abi.MsrStructs.OP2_APERF;
import static io.github.msrsafe.internal.abi.MsrStructs.OP2_MPERF;
import static io.github.msrsafe.internal.abi.MsrStructs.OP2_MSRDATA2;
import static io.github.msrsafe.internal.abi.MsrStructs.OP2_POLL_MAX;
import static io.github.msrsafe.internal.abi.MsrStructs.OP2_PTHERM;
import static io.github.msrsafe.internal.abi.MsrStructs.OP2_THERM;
import static io.github.msrsafe.internal.abi.MsrStructs.OP2_TSC;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_APERF;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_MPERF;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_POLL;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_PTHERM;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_READ;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_THERM;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_TSC;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_WRITE;

import io.github.msrsafe.internal.abi.BatchAbi;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.UseCount;
import io.github.msrsafe.internal.text.Hex;
import io.github.msrsafe.registers.Register;
import io.github.msrsafe.registers.RegisterCatalog;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A reusable list of MSR reads and writes that {@link #execute()} hands to the
 * module in one {@code X86_IOC_MSR_BATCH} ioctl (several if it holds more than
 * {@link #maxOpsPerIoctl()} ops, the most the module can allocate at once:
 * 131,072 on msr-safe 1.x, 47,662 on 2.x).
 *
 * <p>The ops live off-heap in the loaded module's own {@code struct msr_batch_op}
 * layout ({@link #layout()}, chosen by the handle from the module's version: the
 * same code runs on msr-safe 1.x and 2.x); executing again reuses them, and {@link #execute()} allocates nothing
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
 *
 * <p>For many ops at once, {@link #addReads(int[], long[])}, {@link #addWrites(int[], long[], long[])}
 * and {@link #values(int, long[])} check their arguments once and fill or copy in one pass:
 * the fastest way to fill and read a large batch (a loop of {@link #addRead(int, long)} is
 * slower by a few nanoseconds per op; docs/benchmarks.md has both against C).
 *
 * <p>What msr-safe 2.x adds is here too. An op can have {@link Timestamp timestamps}
 * recorded right after it ({@link #addRead(int, long, Set)}, {@link #timestamp(int, Timestamp)}):
 * on 2.x the module reads them inside the same interrupt handler, whether or not the
 * allowlist lists them; on 1.x the library adds a read of each right after the op, on
 * the same CPU and in the same ioctl, which the allowlist must permit, and which
 * {@link #size()} counts. A poll op ({@link #addPoll(int, long, int)}, 2.x only) reads a
 * register until it changes, at most a given number of times, and reports both values
 * ({@link #pollResult(int)}).
 * {@snippet lang=java :
 * try (MsrBatch batch = msr.newBatch()) {
 *     int energy = batch.addRead(0, 0x611, EnumSet.of(Timestamp.TSC)); // MSR_PKG_ENERGY_STATUS
 *     batch.execute();
 *     long joulesRaw = batch.value(energy);
 *     long when = batch.timestamp(energy, Timestamp.TSC);
 * }
 * }
 */
public final class MsrBatch implements AutoCloseable {

    /**
     * The most tries a poll op may ask for, and all the poll ops of one batch together. The
     * module polls inside an interrupt handler, with that CPU's interrupts off, for as long as
     * the register does not change: this bounds it to 100,000 reads (a tenth of a second at
     * 1 µs a read), enough to wait out an update interval of the RAPL energy counters (about
     * 1 ms) many times over.
     */
    public static final int MAX_POLL_TRIES = 100_000;

    /**
     * What msrdata2 holds before a poll: the module writes it only when the value changed. A
     * register that changes to exactly this value on the last try allowed is taken as
     * unchanged; see {@link #pollResult(int)}.
     */
    static final long POLL_MARKER = 0xA5C3_3C5A_96E1_1E69L;

    private static final int INITIAL_CAPACITY = 64;
    // Per-op facts kept beside the ops (meta[i]): the timestamps an op asked for, by Timestamp ordinal;
    // on 1.x, that the op is the library's read of a timestamp for the op before it; that it polls.
    private static final int META_STAMPS = 0x1F;
    private static final int META_FOLLOWER = 0x20;
    private static final int META_POLL = 0x40;
    private static final int META_READ = 0x80;   // the op reads its register: a read, a poll, a timestamp read
    private static final Timestamp[] TIMESTAMPS = Timestamp.values();
    private static final BatchOp.Status[] STATUSES = BatchOp.Status.values();
    private static final byte SUCCEEDED_ORDINAL = (byte) BatchOp.Status.SUCCEEDED.ordinal();
    /** What one ioctl did: every op ran cleanly, some ran and failed, or the module refused it. */
    private static final byte CLEAN = 0;
    private static final byte RAN_WITH_FAILURES = 1;
    private static final byte REFUSED = 2;

    private final MsrSafe owner;
    private final BatchAbi abi;            // the handle's op layout, for the life of the batch
    private final int maxOps;              // per ioctl
    private final long opSize;
    // Calls in flight hold the memory; the last one out after close() frees it.
    private final UseCount uses = new UseCount(this::release);
    private Arena arena;
    private final MemorySegment header;    // one struct msr_batch_array, refilled per ioctl
    private MemorySegment ops;             // capacity ops
    private byte[] meta;                   // per op: META_* bits
    private int[] pollTries;               // per poll op: the tries it asked for
    private int pollTriesTotal;            // of every poll op: at most MAX_POLL_TRIES
    private int pollOps;                   // how many ops poll: execute re-arms only those
    // Where the last execute split the ops into ioctls: slice k is ops [sliceStart[k], sliceStart[k+1]).
    private int[] sliceStart;
    private byte[] sliceResults;           // per slice of the last execute: CLEAN, RAN_WITH_FAILURES or REFUSED
    // Per slice, a segment of the ops from where it starts, kept so that execute allocates nothing.
    private final SliceSegments opsSlices = new SliceSegments();
    // Per op, the BatchOp.Status ordinal; authoritative only when the last execute did not simply succeed.
    private byte[] opStatus;
    // For executeSkippingRejected: the ops to run again, packed, and where each came from. Allocated on first need.
    private MemorySegment rerunOps;
    private final SliceSegments rerunSlices = new SliceSegments();
    private int[] rerunIndex;
    private int[] rerunSliceStart;
    private int capacity;
    private int size;
    private int executedSize;              // ops [0, executedSize) have a result from the last execute
    private boolean allSucceeded;          // the last execute ran every op in [0, executedSize) without error
    // Whether some op's err may hold a previous execute's error. Adding an op zeroes its err and
    // wmask, and a clean ioctl leaves every err 0, so execute zeroes them only after a run that
    // was not clean: then a call failing before the module looks at any op is not taken for per-op errors.
    private boolean errsStale;
    private final int plainReadWord;       // the op word of a read without timestamps: isrdmsr 1, or READ
    private final int plainWriteWord;      // of a write: isrdmsr 0, or WRITE

    MsrBatch(MsrSafe owner) {
        this.owner = owner;
        this.abi = owner.batchAbi();
        this.maxOps = abi.maxOpsPerIoctl();
        this.opSize = abi.opSize();
        this.plainReadWord = abi == BatchAbi.V2 ? OP_FLAG_READ : 1;
        this.plainWriteWord = abi == BatchAbi.V2 ? OP_FLAG_WRITE : 0;
        // The header is the ioctl's argument: a shared arena's segment would be acquired and released
        // (two atomic updates) on every downcall; an automatic arena's is not, and the use count
        // keeps the batch, and so its header, alive for the length of each call anyway.
        this.header = Arena.ofAuto().allocate(BATCH_ARRAY);
        allocate(INITIAL_CAPACITY);
    }

    /** {@return the op layout this batch is built in: the handle's, chosen from the module's version} */
    public BatchLayout layout() {
        return BatchLayout.of(abi);
    }

    /**
     * {@return the most ops one ioctl of this batch carries, 131,072 (msr-safe 1.x) or 47,662
     * (2.x); {@link #execute()} splits a larger batch there, never between an op and the reads
     * that record its timestamps}
     */
    public int maxOpsPerIoctl() {
        return maxOps;
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
        return addPlain(cpu, msr, plainReadWord, 0L, META_READ);
    }

    /**
     * Adds a read of {@code msr} on {@code cpu}, with {@code timestamps} recorded right after it
     * on the same CPU ({@link #timestamp(int, Timestamp)}). On msr-safe 2.x the module records
     * them itself; on 1.x the library adds one read op per timestamp right after this one
     * (the allowlist must let them be read; {@link #size()} counts them).
     *
     * @param cpu        the CPU, 0..65535
     * @param msr        the MSR address, 0..2^32-1
     * @param timestamps the timestamps to record; empty for none
     * @return the op's index
     * @throws IllegalArgumentException if cpu is outside 0..65535 or msr outside 0..2^32-1
     */
    public int addRead(int cpu, long msr, Set<Timestamp> timestamps) {
        return add(cpu, msr, OP_FLAG_READ, 0, stampBits(timestamps), 0);
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
        return addPlain(cpu, msr, plainWriteWord, value, 0);
    }

    /**
     * Adds a write of {@code value} to {@code msr} on {@code cpu}, with {@code timestamps}
     * recorded right after it, as {@link #addRead(int, long, Set)} does.
     *
     * @param cpu        the CPU, 0..65535
     * @param msr        the MSR address, 0..2^32-1
     * @param value      the value to write
     * @param timestamps the timestamps to record; empty for none
     * @return the op's index
     * @throws IllegalArgumentException if cpu is outside 0..65535 or msr outside 0..2^32-1
     */
    public int addWrite(int cpu, long msr, long value, Set<Timestamp> timestamps) {
        return add(cpu, msr, OP_FLAG_WRITE, value, stampBits(timestamps), 0);
    }

    /**
     * Adds a read of {@code msrs[i]} on {@code cpus[i]} for every {@code i}, in order: what a loop
     * of {@link #addRead(int, long)} adds, checked once and filled in one pass. Either every op
     * is added or, when an argument is out of range, none.
     *
     * {@snippet :
     * int first = batch.addReads(cpus, msrs);  // ops first .. first + cpus.length - 1
     * batch.execute();
     * batch.values(first, readings);           // readings.length values
     * }
     *
     * @param cpus the CPU of each op, 0..65535
     * @param msrs the MSR address of each op, 0..2^32-1; as many as {@code cpus}
     * @return the index of the first op added (the index of the next op if the arrays are empty)
     * @throws IllegalArgumentException if the arrays differ in length, or an element is out of
     *                                  range (the message names which)
     */
    public int addReads(int[] cpus, long[] msrs) {
        return addAll(cpus, msrs, null, plainReadWord, META_READ);
    }

    /**
     * Adds a write of {@code values[i]} to {@code msrs[i]} on {@code cpus[i]} for every {@code i},
     * in order: what a loop of {@link #addWrite(int, long, long)} adds, checked once and filled
     * in one pass. Either every op is added or, when an argument is out of range, none.
     *
     * @param cpus   the CPU of each op, 0..65535
     * @param msrs   the MSR address of each op, 0..2^32-1; as many as {@code cpus}
     * @param values the value of each op; as many as {@code cpus}
     * @return the index of the first op added (the index of the next op if the arrays are empty)
     * @throws IllegalArgumentException if the arrays differ in length, or an element is out of
     *                                  range (the message names which)
     */
    public int addWrites(int[] cpus, long[] msrs, long[] values) {
        return addAll(cpus, msrs, Objects.requireNonNull(values, "values"), plainWriteWord, 0);
    }

    /**
     * Adds a poll of {@code msr} on {@code cpu}: the module reads the register, then reads it
     * again until the value differs from the first, at most {@code maxTries} more times, and
     * {@link #pollResult(int)} gives both values. Needs msr-safe 2.x, whose module does this
     * inside one interrupt handler on that CPU (with its interrupts off, which is why the
     * tries are bounded: {@link #MAX_POLL_TRIES} for all the polls of a batch together).
     * {@link #value(int)} of a poll op is the value it read first.
     *
     * @param cpu      the CPU, 0..65535
     * @param msr      the MSR address, 0..2^32-1
     * @param maxTries the most times to read again, 1..{@link #MAX_POLL_TRIES}
     * @return the op's index
     * @throws UnsupportedOperationException if the loaded module is not msr-safe 2.x
     *                                       ({@link BatchLayout#modulePolls()})
     * @throws IllegalArgumentException      if cpu, msr or maxTries is out of range
     * @throws IllegalStateException         if the batch's polls would then try more than
     *                                       {@link #MAX_POLL_TRIES} times in all
     */
    public int addPoll(int cpu, long msr, int maxTries) {
        return addPoll(cpu, msr, maxTries, Set.of());
    }

    /**
     * Adds a poll, as {@link #addPoll(int, long, int)}, with {@code timestamps} recorded by the
     * module when the poll ends.
     *
     * @param cpu        the CPU, 0..65535
     * @param msr        the MSR address, 0..2^32-1
     * @param maxTries   the most times to read again, 1..{@link #MAX_POLL_TRIES}
     * @param timestamps the timestamps to record; empty for none
     * @return the op's index
     * @throws UnsupportedOperationException if the loaded module is not msr-safe 2.x
     * @throws IllegalArgumentException      if cpu, msr or maxTries is out of range
     * @throws IllegalStateException         if the batch's polls would then try more than
     *                                       {@link #MAX_POLL_TRIES} times in all
     */
    public int addPoll(int cpu, long msr, int maxTries, Set<Timestamp> timestamps) {
        ensureOpen();
        if (abi != BatchAbi.V2) {
            throw new UnsupportedOperationException("polling needs msr-safe 2.x, whose module polls inside one interrupt"
                    + " handler; the module here " + owner.moduleDescription() + " takes the " + abi.series()
                    + " batch layout, which has no poll op: read the register in a loop instead");
        }
        if (maxTries < 1 || maxTries > MAX_POLL_TRIES) {
            throw new IllegalArgumentException("a poll tries 1.." + MAX_POLL_TRIES + " times, not " + maxTries);
        }
        if (pollTriesTotal + maxTries > MAX_POLL_TRIES) {
            throw new IllegalStateException("the polls of this batch would try " + (pollTriesTotal + maxTries)
                    + " times in all, more than " + MAX_POLL_TRIES + ": the module polls with interrupts off;"
                    + " give the polls fewer tries, or put them in another batch");
        }
        return add(cpu, msr, OP_FLAG_POLL, 0, stampBits(timestamps), maxTries);
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
        abi.setMsrdata(ops, index, value);
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
        pollTriesTotal = 0;
        pollOps = 0;
        errsStale = false; // every op added from now on starts with err 0
    }

    /**
     * Runs every op: one ioctl per {@link #maxOpsPerIoctl()} ops, the version field set to the
     * loaded module's version (never 0; a module whose version is unknown gets 1.8.0, the
     * version of the layout sent). msr_safe checks every op of an ioctl before it runs
     * any, and runs none of it if it refuses one: those ops come back
     * {@link BatchOp.Status#REJECTED} (the refused ones) and {@link BatchOp.Status#NOT_RUN}
     * (the others). An empty batch does nothing and succeeds.
     *
     * @return how the batch went as a whole; per-op errors never throw
     * @throws MsrSafeException when an ioctl fails as a whole (the batch device is missing or
     *                          not readable, not msr_safe's, out of memory, ...); ops of the
     *                          ioctls before it keep their results, the others are
     *                          {@link BatchOp.Status#NOT_EXECUTED}. A module that refuses the
     *                          batch's version or layout (ENOPROTOOPT, or the ioctl not taken)
     *                          is {@link FailureKind#WRONG_ABI}, with a message that names the
     *                          module's version, the version sent and what to do.
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
        if (errsStale) {
            for (int i = 0; i < size; i++) {
                abi.setErr(ops, i, 0);
            }
            errsStale = false;
        }
        int slices = split(size, null, sliceStart);
        boolean clean = true;
        for (int slice = 0; slice < slices; slice++) {
            int first = sliceStart[slice];
            int count = sliceStart[slice + 1] - first;
            byte result;
            try {
                result = runIoctl(device, ops, opsSlices.at(ops, slice, first), first, count, null);
            } catch (MsrSafeException | RuntimeException e) {
                errsStale = true;
                executedSize = first;
                recordStatuses(0, slice);
                throw e;
            }
            sliceResults[slice] = result;
            clean &= result == CLEAN;
        }
        errsStale = !clean;
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
            int slices = split(pending, rerunIndex, rerunSliceStart);
            for (int slice = 0; slice < slices; slice++) {
                int start = rerunSliceStart[slice];
                int count = rerunSliceStart[slice + 1] - start;
                byte result = runIoctl(device, rerunOps, rerunSlices.at(rerunOps, slice, start), start, count,
                        rerunIndex);
                for (int k = start; k < start + count; k++) {
                    int op = rerunIndex[k];
                    MemorySegment.copy(rerunOps, k * opSize, ops, op * opSize, opSize);
                    opStatus[op] = (byte) statusAfter(result, -abi.err(ops, op)).ordinal();
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
        return abi.cpu(ops, index);
    }

    /**
     * {@return the MSR address of op {@code index}}
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     */
    public long msr(int index) {
        checkIndex(index);
        return abi.msr(ops, index);
    }

    /**
     * {@return whether op {@code index} reads its register: a read, or a poll}
     *
     * @param index the op's index, from {@link #addRead} or {@link #addWrite}
     */
    public boolean isRead(int index) {
        checkIndex(index);
        return reads(index);
    }

    /**
     * {@return whether op {@code index} is a poll ({@link #addPoll(int, long, int)})}
     *
     * @param index the op's index
     */
    public boolean isPoll(int index) {
        checkIndex(index);
        return (meta[index] & META_POLL) != 0;
    }

    /**
     * {@return whether op {@code index} is one the library added on msr-safe 1.x to read a
     * timestamp of the op before it, rather than one added by the caller}
     *
     * @param index the op's index
     */
    public boolean isTimestampRead(int index) {
        checkIndex(index);
        return (meta[index] & META_FOLLOWER) != 0;
    }

    /**
     * {@return the timestamps op {@code index} asked for; empty for none}
     *
     * @param index the op's index
     */
    public Set<Timestamp> timestamps(int index) {
        checkIndex(index);
        EnumSet<Timestamp> asked = EnumSet.noneOf(Timestamp.class);
        for (Timestamp stamp : TIMESTAMPS) {
            if ((meta[index] & (1 << stamp.ordinal())) != 0) {
                asked.add(stamp);
            }
        }
        return asked;
    }

    /**
     * The timestamp {@code which} recorded right after op {@code index} ran in the last execute:
     * on msr-safe 2.x by the module, on 1.x by the read the library added after the op.
     *
     * @param index the op's index
     * @param which a timestamp the op asked for
     * @return the register's value
     * @throws IllegalArgumentException if the op did not ask for {@code which}
     * @throws IllegalStateException    if the op did not succeed (an op that faults gets no
     *                                  timestamps), or, on 1.x, the read of the timestamp failed
     *                                  (the allowlist must let it be read there)
     */
    public long timestamp(int index, Timestamp which) {
        checkIndex(index);
        Objects.requireNonNull(which, "which");
        int asked = meta[index] & META_STAMPS;
        int bit = 1 << which.ordinal();
        if ((asked & bit) == 0) {
            throw new IllegalArgumentException("op " + index + " did not ask for the " + which + " timestamp"
                    + (asked == 0 ? "" : " (it asked for " + timestamps(index) + ")"));
        }
        BatchOp.Status status = status(index);
        if (status != BatchOp.Status.SUCCEEDED) {
            throw new IllegalStateException("op " + index + " " + notSucceeded(index, status)
                    + "; it has no timestamps (check status(" + index + "))");
        }
        if (abi == BatchAbi.V2) {
            // Each get cast at the call: a VarHandle call's type is the cast around it, so no boxing.
            return switch (which) {
                case TSC -> (long) OP2_TSC.get(ops, 0L, (long) index);
                case MPERF -> (long) OP2_MPERF.get(ops, 0L, (long) index);
                case APERF -> (long) OP2_APERF.get(ops, 0L, (long) index);
                case THERM_STATUS -> (long) OP2_THERM.get(ops, 0L, (long) index);
                case PACKAGE_THERM_STATUS -> (long) OP2_PTHERM.get(ops, 0L, (long) index);
            };
        }
        int read = index + 1 + Integer.bitCount(asked & (bit - 1));
        BatchOp.Status readStatus = status(read);
        if (readStatus != BatchOp.Status.SUCCEEDED) {
            throw new IllegalStateException("op " + index + "'s " + which + " timestamp: op " + read + ", the read of "
                    + which.registerName() + " that records it on msr-safe 1.x, " + notSucceeded(read, readStatus)
                    + " (on 1.x the allowlist must let " + Hex.of(which.msr()) + " be read)");
        }
        return abi.msrdata(ops, read);
    }

    /**
     * What poll op {@code index} saw in the last execute: the value it read first, and the
     * value the register changed to, if it changed within the tries allowed.
     *
     * <p>The module reports a change by writing the new value and stopping early; after the
     * last try allowed it cannot be told from no change when the new value is exactly
     * {@code 0xA5C33C5A96E11E69}, which the library puts there first. That one case reads as
     * unchanged.
     *
     * @param index the op's index, from {@link #addPoll(int, long, int)}
     * @return the first and last values, whether it changed, and the tries it took
     * @throws IllegalArgumentException if the op is not a poll
     * @throws IllegalStateException    if the op did not succeed
     */
    public PollResult pollResult(int index) {
        checkIndex(index);
        if ((meta[index] & META_POLL) == 0) {
            throw new IllegalArgumentException("op " + index + " is not a poll");
        }
        BatchOp.Status status = status(index);
        if (status != BatchOp.Status.SUCCEEDED) {
            throw new IllegalStateException("poll op " + index + " " + notSucceeded(index, status)
                    + "; it has no result (check status(" + index + "))");
        }
        long first = abi.msrdata(ops, index);
        long changedTo = (long) OP2_MSRDATA2.get(ops, 0L, (long) index);
        int asked = pollTries[index];
        long left = Integer.toUnsignedLong((int) OP2_POLL_MAX.get(ops, 0L, (long) index));
        boolean changed = (left > 0 || changedTo != POLL_MARKER) && changedTo != first;
        int tries = changed ? (int) Math.max(1, asked - Math.min(left, asked)) : asked;
        return new PollResult(first, changed ? changedTo : first, changed, tries);
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
        if (!hasValue(index)) {
            throw noValue(index, status(index));
        }
        return abi.msrdata(ops, index);
    }

    // The hot path of every sampler: plain field and array reads. Whether op index (in range) is a
    // read that succeeded in the last execute.
    private boolean hasValue(int index) {
        return index < executedSize && (allSucceeded || opStatus[index] == SUCCEEDED_ORDINAL)
                && (meta[index] & META_READ) != 0;
    }

    /**
     * Copies the values of {@code into.length} read ops, from op {@code first} on, into
     * {@code into}: {@code into[k] = value(first + k)}, checked once for the whole range.
     *
     * @param first the index of the first op
     * @param into  where the values go; its length is the number of ops
     * @throws IndexOutOfBoundsException if the range is not inside the batch
     * @throws IllegalStateException     if an op of the range did not succeed, as for
     *                                   {@link #value(int)} (nothing is copied)
     * @throws IllegalArgumentException  if an op of the range is a write (nothing is copied)
     */
    public void values(int first, long[] into) {
        ensureOpen();
        int count = Objects.requireNonNull(into, "into").length;
        if (first < 0 || count > size - first) {
            throw new IndexOutOfBoundsException("ops " + first + ".." + (first + count - 1L)
                    + " are not all inside this batch of " + size + " ops");
        }
        for (int i = first; i < first + count; i++) {
            if (!hasValue(i)) {
                throw noValue(i, status(i)); // the first op without a value, before anything is copied
            }
        }
        MemorySegment ops = this.ops;
        for (int k = 0; k < count; k++) {
            into[k] = abi.msrdata(ops, first + k);
        }
    }

    /**
     * {@return the value write op {@code index} writes}
     *
     * @param index the op's index, from {@link #addWrite}
     * @throws IllegalArgumentException if op {@code index} is a read
     */
    public long writeValue(int index) {
        requireWrite(index);
        return abi.msrdata(ops, index);
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
        return reportedMask(index);
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
        long data = abi.msrdata(ops, index);
        OptionalLong value = !read || status == BatchOp.Status.SUCCEEDED ? OptionalLong.of(data) : OptionalLong.empty();
        OptionalLong mask = status == BatchOp.Status.NOT_EXECUTED ? OptionalLong.empty()
                : OptionalLong.of(reportedMask(index));
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
        String reason = "op " + first.index() + timestampReadOf(first.index()) + ": "
                + Failures.batchOpReason(errno, first.cpu(), first.msr(), first.read()) + more;
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
        return "MsrBatch[" + size + " ops" + (executedSize == 0 ? "" : ", " + executedSize + " executed") + ", "
                + layout() + "]";
    }

    // ---- internals ----

    /**
     * One ioctl over {@code count} ops starting at op {@code first} of {@code array}; says
     * whether they ran cleanly, ran with failures, or were refused. {@code map} gives each
     * op's index in the batch (null: the same).
     */
    private byte runIoctl(BatchDevice device, MemorySegment array, MemorySegment slice, int first, int count,
                          int[] map) throws MsrSafeException {
        for (int i = first; pollOps > 0 && i < first + count; i++) {
            int op = map == null ? i : map[i];
            if ((meta[op] & META_POLL) != 0) {
                // The module counts poll_max down and writes msrdata2 only on a change: set both again.
                OP2_POLL_MAX.set(array, 0L, (long) i, pollTries[op]);
                OP2_MSRDATA2.set(array, 0L, (long) i, POLL_MARKER);
            }
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
            int err = -abi.err(array, i);
            if (err != 0) {
                anyOpError = true;
                validationError |= Failures.isValidationError(err);
            }
        }
        if (!anyOpError) {
            // The call failed before any op was looked at: nothing per-op to report.
            throw Failures.kind(Failures.Call.BATCH, -result) == FailureKind.WRONG_ABI ? owner.batchRefused(-result)
                    : Failures.of(-result, Failures.Call.BATCH, owner.batchPath(), owner.driver(), -1, -1);
        }
        // An emulated batch (the stock msr driver, no msr_batch) runs every op; only msr_safe refuses an ioctl.
        return validationError && !device.emulated() ? REFUSED : RAN_WITH_FAILURES;
    }

    /** Fills {@link #opStatus} for the ops of slices [fromSlice, toSlice) from their slice results. */
    private void recordStatuses(int fromSlice, int toSlice) {
        for (int slice = fromSlice; slice < toSlice; slice++) {
            for (int i = sliceStart[slice]; i < sliceStart[slice + 1]; i++) {
                opStatus[i] = (byte) statusAfter(sliceResults[slice], -abi.err(ops, i)).ordinal();
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
                MemorySegment.copy(ops, i * opSize, rerunOps, pending * opSize, opSize);
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
        if (status == BatchOp.Status.SUCCEEDED) {
            throw new AssertionError("a read that succeeded has a value");
        }
        return new IllegalStateException("read op " + index + " (CPU " + cpu(index) + ", MSR "
                + Hex.of(msr(index)) + ") " + notSucceeded(index, status) + "; it has no value (check status("
                + index + "))");
    }

    /** For messages: " (the TSC timestamp read of op 4, msr-safe 1.x)" for a read the library added, else "". */
    private String timestampReadOf(int index) {
        if ((meta[index] & META_FOLLOWER) == 0) {
            return "";
        }
        int op = index - 1;
        while ((meta[op] & META_FOLLOWER) != 0) {
            op--;
        }
        long msr = abi.msr(ops, index);
        String which = Arrays.stream(TIMESTAMPS).filter(stamp -> stamp.msr() == msr).findFirst()
                .map(Timestamp::name).orElse(Hex.of(msr));
        return " (the " + which + " timestamp read of op " + op + ", which msr-safe 1.x needs the allowlist to permit)";
    }

    /** Why an op that did not succeed has no result: "failed: EIO: ...", "did not run: ...". */
    private String notSucceeded(int index, BatchOp.Status status) {
        return switch (status) {
            case NOT_EXECUTED -> "has not been executed since it was added";
            case NOT_RUN -> "did not run: another op of its ioctl was rejected";
            case FAILED, REJECTED -> (status == BatchOp.Status.FAILED ? "failed: " : "was rejected: ")
                    + Errno.name(rawErrno(index)) + ": "
                    + Failures.batchOpReason(rawErrno(index), cpu(index), msr(index), reads(index));
            case SUCCEEDED -> "succeeded";
        };
    }

    /**
     * The write mask the module reported for op {@code index}. It leaves wmask as sent for an op
     * it refuses for its CPU (ENXIO) or its MSR (EACCES), and a batch run again sends the masks
     * of its last run: those are not this run's answer, which is "no mask".
     */
    private long reportedMask(int index) {
        int errno = rawErrno(index);
        return errno == Errno.ENXIO.number() || errno == Errno.EACCES.number() ? 0L : abi.wmask(ops, index);
    }

    private int rawErrno(int index) {
        return -abi.err(ops, index);
    }

    /** Whether op {@code index} reads its register: a read, a poll, or a timestamp read the library added. */
    private boolean reads(int index) {
        return (meta[index] & META_READ) != 0;
    }

    private void requireWrite(int index) {
        if (isRead(index)) {
            throw new IllegalArgumentException("op " + index + " is a " + (isPoll(index) ? "poll" : "read")
                    + ", not a write");
        }
    }

    /** The Timestamp ordinals as META_STAMPS bits. */
    private static int stampBits(Set<Timestamp> timestamps) {
        int bits = 0;
        for (Timestamp stamp : Objects.requireNonNull(timestamps, "timestamps")) {
            bits |= 1 << Objects.requireNonNull(stamp, "a timestamp").ordinal();
        }
        return bits;
    }

    /** The 2.x flags of the timestamps in {@code stamps} (META_STAMPS bits). */
    private static int stampFlags(int stamps) {
        int flags = 0;
        for (Timestamp stamp : TIMESTAMPS) {
            if ((stamps & (1 << stamp.ordinal())) != 0) {
                flags |= switch (stamp) {
                    case TSC -> OP_FLAG_TSC;
                    case MPERF -> OP_FLAG_MPERF;
                    case APERF -> OP_FLAG_APERF;
                    case THERM_STATUS -> OP_FLAG_THERM;
                    case PACKAGE_THERM_STATUS -> OP_FLAG_PTHERM;
                };
            }
        }
        return flags;
    }

    /**
     * Appends a read or write without timestamps: the common op, kept small enough for C2 to
     * inline into the caller's loop. Anything else (no room left, an argument out of range, a
     * closed batch) goes the general way, which grows the batch or throws the precise error.
     */
    private int addPlain(int cpu, long msr, int word, long value, int metaBits) {
        int index = size;
        if (index >= capacity || cpu < 0 || cpu > CpuRanges.MAX_CPU || (msr >>> 32) != 0 || uses.isClosed()
                || owner.isClosed()) {
            return add(cpu, msr, metaBits == META_READ ? OP_FLAG_READ : OP_FLAG_WRITE, value, 0, 0);
        }
        put(cpu, msr, word, value, metaBits);
        if (executedSize > index) {
            executedSize = index;
        }
        return index;
    }

    /** addReads and addWrites ({@code values} null for reads): every argument checked before any op is added. */
    private int addAll(int[] cpus, long[] msrs, long[] values, int word, int metaBits) {
        ensureOpen();
        int count = Objects.requireNonNull(cpus, "cpus").length;
        if (Objects.requireNonNull(msrs, "msrs").length != count || values != null && values.length != count) {
            throw new IllegalArgumentException("the arrays differ in length: " + count + " CPUs, " + msrs.length
                    + " MSRs" + (values == null ? "" : ", " + values.length + " values"));
        }
        for (int i = 0; i < count; i++) {
            if (cpus[i] < 0 || cpus[i] > CpuRanges.MAX_CPU) {
                throw new IllegalArgumentException("cpus[" + i + "]: CPU " + cpus[i]
                        + " is outside 0..65535, the range of the batch op's cpu field");
            }
            if ((msrs[i] >>> 32) != 0) {
                throw new IllegalArgumentException("msrs[" + i + "]: MSR address " + Hex.of(msrs[i])
                        + " is outside 0x0..0xFFFFFFFF");
            }
        }
        reserve(count);
        int first = size;
        MemorySegment ops = this.ops;
        for (int i = 0; i < count; i++) {
            abi.fill(ops, first + i, cpus[i], word, msrs[i], values == null ? 0L : values[i]);
        }
        Arrays.fill(meta, first, first + count, (byte) metaBits);
        size = first + count;
        if (executedSize > first) {
            executedSize = first;
        }
        return first;
    }

    /** Makes room for {@code more} ops after the {@link #size} there are. */
    private void reserve(int more) {
        if (more > Integer.MAX_VALUE / (int) opSize - size) {
            throw new IllegalStateException("a batch holds at most " + Integer.MAX_VALUE / (int) opSize + " ops");
        }
        while (size + more > capacity) {
            grow(size + more);
        }
    }

    /**
     * Appends an op: {@code access} is OP_FLAG_READ, OP_FLAG_WRITE or OP_FLAG_POLL. On 2.x the op
     * word carries the access and the timestamp flags, checked by the one gate for what the
     * module would mishandle; on 1.x each timestamp becomes a read op right after this one.
     */
    private int add(int cpu, long msr, int access, long value, int stamps, int tries) {
        ensureOpen();
        if (cpu < 0 || cpu > CpuRanges.MAX_CPU) {
            throw new IllegalArgumentException("CPU " + cpu + " is outside 0..65535, the range of the batch op's cpu field");
        }
        MsrSafe.checkMsr(msr);
        int word;
        int followers = 0;
        if (abi == BatchAbi.V2) {
            word = BatchAbi.checkV2Flags(access | stampFlags(stamps));
        } else {
            word = access == OP_FLAG_READ ? 1 : 0;
            followers = Integer.bitCount(stamps);
        }
        reserve(1 + followers);
        int index = put(cpu, msr, word, value, stamps | (access == OP_FLAG_POLL ? META_POLL : 0)
                | (access == OP_FLAG_WRITE ? 0 : META_READ));
        if (access == OP_FLAG_POLL) {
            pollTries[index] = tries;
            pollTriesTotal += tries;
            pollOps++;
        }
        for (Timestamp stamp : TIMESTAMPS) {
            if (followers > 0 && (stamps & (1 << stamp.ordinal())) != 0) {
                put(cpu, stamp.msr(), 1, 0, META_FOLLOWER | META_READ);
            }
        }
        if (executedSize > index) {
            executedSize = index;
        }
        return index;
    }

    private int put(int cpu, long msr, int word, long value, int metaBits) {
        int index = size;
        abi.fill(ops, index, cpu, word, msr, value);
        meta[index] = (byte) metaBits;
        size = index + 1;
        return index;
    }

    // Replacing the arena must not race a close() from another thread: hold the memory meanwhile.
    private void grow(int atLeast) {
        if (!uses.enter()) {
            throw closed();
        }
        try {
            allocate((int) Math.min(Math.max((long) capacity * 2, atLeast), Integer.MAX_VALUE / (int) opSize));
        } finally {
            uses.exit();
        }
    }

    /**
     * Splits ops [0, count) into ioctls of at most {@link #maxOps} ops, never between an op and
     * the timestamp reads that follow it on 1.x; {@code map} gives each op's index in the batch
     * (null: the same). Fills {@code starts} (slice k is [starts[k], starts[k+1])) and returns the
     * number of slices.
     */
    private int split(int count, int[] map, int[] starts) {
        int slices = 0;
        int start = 0;
        while (start < count) {
            starts[slices++] = start;
            int end = Math.min(start + maxOps, count);
            // At most five reads follow an op: step back at most that far, onto the op they follow.
            for (int back = 0; back < TIMESTAMPS.length && end < count && end - 1 > start
                    && (meta[map == null ? end : map[end]] & META_FOLLOWER) != 0; back++) {
                end--;
            }
            start = end;
        }
        starts[slices] = count;
        return slices;
    }

    /** The most slices {@link #split} makes of {@code ops} ops: each but the last holds at least maxOps - 5. */
    private int maxSlices(int ops) {
        int perSlice = maxOps - TIMESTAMPS.length;
        return (ops + perSlice - 1) / perSlice;
    }

    /** (Re)allocates room for {@code newCapacity} ops in a fresh arena, keeping the ops so far. */
    private void allocate(int newCapacity) {
        Arena newArena = Arena.ofShared();
        MemorySegment newOps = newArena.allocate(abi.opLayout(), newCapacity);
        if (ops != null) {
            MemorySegment.copy(ops, 0, newOps, 0, size * opSize);
            arena.close();
        }
        arena = newArena;
        ops = newOps;
        capacity = newCapacity;
        meta = meta == null ? new byte[newCapacity] : Arrays.copyOf(meta, newCapacity);
        pollTries = pollTries == null ? new int[newCapacity] : Arrays.copyOf(pollTries, newCapacity);
        int slices = maxSlices(newCapacity);
        sliceStart = new int[slices + 1];
        sliceResults = new byte[slices];
        opsSlices.reset(slices);
        byte[] statuses = new byte[newCapacity];
        if (opStatus != null) {
            System.arraycopy(opStatus, 0, statuses, 0, size);
        }
        opStatus = statuses;
        rerunOps = null;
        rerunSlices.reset(0);
        rerunIndex = null;
        rerunSliceStart = null;
    }

    private void allocateRerun() {
        rerunOps = arena.allocate(abi.opLayout(), capacity);
        rerunSlices.reset(maxSlices(capacity));
        rerunIndex = new int[capacity];
        rerunSliceStart = new int[maxSlices(capacity) + 1];
    }

    /**
     * Per slice, a segment of an ops array from the op the slice starts at to the end: made when
     * a slice starts somewhere new, then reused, so that executing again allocates nothing.
     */
    private final class SliceSegments {
        private MemorySegment[] segments = new MemorySegment[0];
        private int[] starts = new int[0];

        void reset(int slices) {
            segments = new MemorySegment[slices];
            starts = new int[slices];
            Arrays.fill(starts, -1);
        }

        MemorySegment at(MemorySegment array, int slice, int start) {
            if (starts[slice] != start || segments[slice] == null) {
                segments[slice] = array.asSlice(start * opSize);
                starts[slice] = start;
            }
            return segments[slice];
        }
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
