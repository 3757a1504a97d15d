package io.github.msrsafe.benchmarks;

import io.github.msrsafe.BatchOutcome;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.SimulatedRegister;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.registers.Register;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The device and the ops of one serial-vs-batch trial: {@code cpus} CPUs times
 * {@code msrsPerCpu} registers, CPU-major (all of CPU 0's registers, then CPU 1's, ...),
 * each with a value from a fixed seed. {@link #checkReads} and {@link #checkWrites} prove
 * at setup that the ops really reach the device, so a benchmark never times a failure.
 */
final class Workload implements AutoCloseable {

    /** The first register address; register m of each CPU is at {@link #address(int) FIRST_MSR + 8m}. */
    static final long FIRST_MSR = 0x1000;
    /** The most ops one benchmark round holds (the seed's routine batch size). */
    static final int MAX_OPS = 30_000;
    private static final long SEED = 0x5EED_0F_BA7CL;

    private final Backend backend;
    private final int cpus;
    private final int msrsPerCpu;
    private final MsrSafe msr;
    private final SparseDeviceRoot sparseRoot; // null unless native
    private final SimulatedDevice simulated;   // null unless sim
    final int[] cpuOf;
    final long[] msrOf;
    /** The value op i finds in its register before any write (unknown, 0, on the real device). */
    final long[] initialValue;
    /** The value a write op i writes: differs from initialValue[i]. */
    final long[] writeValue;

    private Workload(Backend backend, int cpus, int msrsPerCpu, MsrSafe msr, SparseDeviceRoot sparseRoot,
                     SimulatedDevice simulated, int[] cpuOf, long[] msrOf, long[] initialValue, long[] writeValue) {
        this.backend = backend;
        this.cpus = cpus;
        this.msrsPerCpu = msrsPerCpu;
        this.msr = msr;
        this.sparseRoot = sparseRoot;
        this.simulated = simulated;
        this.cpuOf = cpuOf;
        this.msrOf = msrOf;
        this.initialValue = initialValue;
        this.writeValue = writeValue;
    }

    /**
     * Opens {@code backend} with room for {@code cpus * msrsPerCpu} ops.
     *
     * @throws IllegalArgumentException if the shape is empty or holds more than {@link #MAX_OPS} ops
     * @throws IllegalStateException    if the backend is not available here, saying why
     */
    static Workload open(Backend backend, int cpus, int msrsPerCpu) throws MsrSafeException {
        if (cpus < 1 || msrsPerCpu < 1 || (long) cpus * msrsPerCpu > MAX_OPS) {
            throw new IllegalArgumentException("a round is 1.." + MAX_OPS + " ops, not " + cpus + " CPUs x "
                    + msrsPerCpu + " MSRs");
        }
        backend.unavailableReason().ifPresent(reason -> {
            throw new IllegalStateException("backend " + backend.id() + " is not available: " + reason);
        });
        int ops = cpus * msrsPerCpu;
        SplittableRandom random = new SplittableRandom(SEED);
        long[] registerValues = new long[ops];
        long[] writeValues = new long[ops];
        for (int i = 0; i < ops; i++) {
            registerValues[i] = random.nextLong();
            writeValues[i] = ~registerValues[i];
        }
        return switch (backend) {
            case SIM -> openSimulated(cpus, msrsPerCpu, registerValues, writeValues);
            case NATIVE -> openNative(cpus, msrsPerCpu, registerValues, writeValues);
            case REAL -> openReal(cpus, msrsPerCpu);
        };
    }

    private static Workload openSimulated(int cpus, int msrsPerCpu, long[] values, long[] writeValues)
            throws MsrSafeException {
        // Thread-scoped read-write registers, one copy per CPU, all bits writable.
        SimulatedDevice.Builder builder = SimulatedDevice.builder().cpus(cpus);
        List<AllowlistEntry> allowlist = new ArrayList<>();
        for (int m = 0; m < msrsPerCpu; m++) {
            long address = address(m);
            builder.register(SimulatedRegister.readWrite(address, "BENCH_" + m, Register.Scope.THREAD, 0, 0));
            allowlist.add(new AllowlistEntry(address, -1L));
        }
        SimulatedDevice device = builder.allowlist(allowlist).build();
        int[] cpuOf = new int[values.length];
        long[] msrOf = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            cpuOf[i] = i / msrsPerCpu;
            msrOf[i] = address(i % msrsPerCpu);
            device.poke(cpuOf[i], msrOf[i], values[i]);
        }
        return new Workload(Backend.SIM, cpus, msrsPerCpu, device.open(), null, device, cpuOf, msrOf, values, writeValues);
    }

    private static Workload openNative(int cpus, int msrsPerCpu, long[] values, long[] writeValues)
            throws MsrSafeException {
        SparseDeviceRoot root;
        try {
            root = SparseDeviceRoot.create(cpus, msrsPerCpu, Workload::address, values);
        } catch (IOException e) {
            throw new UncheckedIOException("could not lay out a sparse device root", e);
        }
        int[] cpuOf = new int[values.length];
        long[] msrOf = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            cpuOf[i] = i / msrsPerCpu;
            msrOf[i] = address(i % msrsPerCpu);
        }
        try {
            // The batch ioctl's stand-in holds the same values as the sparse files.
            BenchModule.configure(cpus, addresses(msrsPerCpu), values);
            return new Workload(Backend.NATIVE, cpus, msrsPerCpu, root.open(), root, null, cpuOf, msrOf, values, writeValues);
        } catch (MsrSafeException | RuntimeException e) {
            root.close();
            throw e;
        }
    }

    /**
     * The real device, read only: registers from the installed allowlist (or, when this
     * user may not read it, the time-stamp counter), repeated to fill the shape; CPUs
     * beyond the machine's wrap around its online CPUs.
     */
    private static Workload openReal(int cpus, int msrsPerCpu) throws MsrSafeException {
        if (BenchModule.boundInThisJvm()) {
            // The library's ioctl goes to the stand-in in this JVM: the real device would be timed through it.
            throw new IllegalStateException("backend " + Backend.REAL.id() + " cannot run in a JVM that ran backend "
                    + Backend.NATIVE.id() + " (its batch ioctl is the stand-in's); run them in separate forks");
        }
        MsrSafe msr = MsrSafe.open(Backend.REAL_ROOT);
        try {
            List<Long> readable = RealDevice.readableRegisters(msr);
            List<Integer> online = msr.cpus();
            int ops = cpus * msrsPerCpu;
            int[] cpuOf = new int[ops];
            long[] msrOf = new long[ops];
            for (int i = 0; i < ops; i++) {
                cpuOf[i] = online.get((i / msrsPerCpu) % online.size());
                msrOf[i] = readable.get((i % msrsPerCpu) % readable.size());
            }
            return new Workload(Backend.REAL, cpus, msrsPerCpu, msr, null, null, cpuOf, msrOf, new long[ops], new long[ops]);
        } catch (RuntimeException e) {
            msr.close();
            throw e;
        }
    }

    /**
     * The address of register {@code m}: 8 apart, because on a sparse-file device the
     * address is the file offset of an 8-byte value, and neighbours must not overlap.
     */
    static long address(int m) {
        return FIRST_MSR + 8L * m;
    }

    MsrSafe msr() {
        return msr;
    }

    /** The sparse device tree of the native backend. */
    SparseDeviceRoot sparseRoot() {
        if (sparseRoot == null) {
            throw new IllegalStateException("backend " + backend.id() + " has no sparse device tree");
        }
        return sparseRoot;
    }

    int size() {
        return cpuOf.length;
    }

    /** A batch of every op as a read. */
    MsrBatch newReadBatch() {
        MsrBatch batch = msr.newBatch();
        for (int i = 0; i < cpuOf.length; i++) {
            batch.addRead(cpuOf[i], msrOf[i]);
        }
        return batch;
    }

    /**
     * A batch of every op as a write of {@link #writeValue}.
     *
     * @throws IllegalStateException on the real device: writes would change the machine's state
     */
    MsrBatch newWriteBatch() {
        refuseWritesOnRealHardware();
        MsrBatch batch = msr.newBatch();
        for (int i = 0; i < cpuOf.length; i++) {
            batch.addWrite(cpuOf[i], msrOf[i], writeValue[i]);
        }
        return batch;
    }

    void refuseWritesOnRealHardware() {
        if (backend == Backend.REAL) {
            throw new IllegalStateException("writes are not benchmarked on real hardware: they would change "
                    + "the machine's registers (use backend sim or native)");
        }
    }

    /** Checks that serial and batch reads return every op's register value. */
    void checkReads(MsrBatch batch) throws MsrSafeException {
        requireSucceeded(batch.execute(), batch);
        for (int i = 0; i < cpuOf.length; i++) {
            long serial = msr.read(cpuOf[i], msrOf[i]);
            if (backend != Backend.REAL && (serial != initialValue[i] || batch.value(i) != initialValue[i])) {
                throw new IllegalStateException("op " + i + " (CPU " + cpuOf[i] + ", MSR 0x" + Long.toHexString(msrOf[i])
                        + ") read 0x" + Long.toHexString(serial) + " serially and 0x" + Long.toHexString(batch.value(i))
                        + " in a batch, expected 0x" + Long.toHexString(initialValue[i]));
            }
        }
    }

    /**
     * Checks that batch writes and serial writes really change the registers, and puts
     * the initial values back.
     */
    void checkWrites(MsrBatch batch) throws MsrSafeException {
        requireSucceeded(batch.execute(), batch);
        for (int i = 0; i < cpuOf.length; i++) {
            expect(registerAfterBatch(i), writeValue[i], i, "a batch write");
        }
        for (int i = 0; i < cpuOf.length; i++) {
            msr.write(cpuOf[i], msrOf[i], writeValue[i]);
            expect(msr.read(cpuOf[i], msrOf[i]), writeValue[i], i, "a serial write");
            msr.write(cpuOf[i], msrOf[i], initialValue[i]);
        }
        if (backend == Backend.NATIVE) {
            BenchModule.configure(cpus, addresses(msrsPerCpu), initialValue);
        }
    }

    /** Where a batch write of op i lands: the simulated register, or the C module's copy of it. */
    private long registerAfterBatch(int i) {
        return switch (backend) {
            case SIM -> simulated.peek(cpuOf[i], msrOf[i]);
            case NATIVE -> BenchModule.register(cpuOf[i], msrOf[i]);
            case REAL -> throw new IllegalStateException("no writes on real hardware");
        };
    }

    /** The register addresses of each CPU, ascending. */
    private static long[] addresses(int msrsPerCpu) {
        long[] addresses = new long[msrsPerCpu];
        for (int m = 0; m < msrsPerCpu; m++) {
            addresses[m] = address(m);
        }
        return addresses;
    }

    private static void expect(long actual, long expected, int op, String how) {
        if (actual != expected) {
            throw new IllegalStateException(how + " of op " + op + " left 0x" + Long.toHexString(actual)
                    + " instead of 0x" + Long.toHexString(expected));
        }
    }

    /** Fails loudly when a batch did not run cleanly: a failed batch must never be timed. */
    static void requireSucceeded(BatchOutcome outcome, MsrBatch batch) throws MsrSafeException {
        if (outcome != BatchOutcome.SUCCEEDED) {
            batch.throwIfFailed();
            throw new IllegalStateException("batch " + outcome + " without a failed op");
        }
    }

    @Override
    public void close() {
        msr.close();
        if (sparseRoot != null) {
            sparseRoot.close();
        }
    }
}
