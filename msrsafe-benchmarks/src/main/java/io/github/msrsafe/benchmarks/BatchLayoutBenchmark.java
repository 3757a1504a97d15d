package io.github.msrsafe.benchmarks;

import io.github.msrsafe.BatchLayout;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A batch in each op layout, side by side: fill {@code batchOps} reads into an
 * {@link MsrBatch}, run them in one {@code X86_IOC_MSR_BATCH} ioctl, and fold the values,
 * with msr-safe 1.x's 32-byte ops ({@code layout=1.x}) and 2.x's 88-byte ops
 * ({@code layout=2.x}). The ioctl goes through the library's own handle to the C stand-in
 * module (src/main/c/bench_module.c), which copies the ops in and out as the module does
 * and plays the module whose version the device root's version file names; the library
 * picks the layout from that file, as on a real machine. What differs is the bytes filled,
 * copied and walked per op. One benchmark op is one whole batch.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = Main.NATIVE_ACCESS)
@State(Scope.Thread)
public class BatchLayoutBenchmark {

    /** The layouts, by the module series whose version file picks them. */
    static final String ONE_X = "1.x";
    static final String TWO_X = "2.x";

    @Param({ONE_X, TWO_X})
    public String layout;

    /** Reads per batch, spread over up to 4 CPUs (every size here but 1 divides by 4). */
    @Param({"1", "32", "1024", "30000"})
    public int batchOps;

    private SparseDeviceRoot root;
    private MsrSafe msr;
    private MsrBatch batch;
    private int[] cpuOf;
    private long[] msrOf;
    private long expectedFold;

    @Setup(Level.Trial)
    public void setUp() throws MsrSafeException {
        NativeBuild.gccProblem().ifPresent(problem -> {
            throw new IllegalStateException("BatchLayoutBenchmark needs gcc for the stand-in module: " + problem);
        });
        BatchLayout expected = switch (layout) {
            case ONE_X -> BatchLayout.MSR_SAFE_1;
            case TWO_X -> BatchLayout.MSR_SAFE_2;
            default -> throw new IllegalArgumentException("layout is " + ONE_X + " or " + TWO_X + ", not " + layout);
        };
        String version = expected == BatchLayout.MSR_SAFE_2 ? "2.0.4" : "1.8.0";
        int cpus = batchOps % 4 == 0 ? 4 : 1;
        int perCpu = batchOps / cpus;
        long[] values = new long[batchOps];
        SplittableRandom random = new SplittableRandom(0x1A_7007L);
        cpuOf = new int[batchOps];
        msrOf = new long[batchOps];
        long[] addresses = new long[perCpu];
        for (int m = 0; m < perCpu; m++) {
            addresses[m] = Workload.address(m);
        }
        for (int i = 0; i < batchOps; i++) {
            values[i] = random.nextLong();
            cpuOf[i] = i / perCpu;
            msrOf[i] = addresses[i % perCpu];
            expectedFold += values[i];
        }
        BenchModule.load();
        BenchModule.setVersion(expected == BatchLayout.MSR_SAFE_2 ? 0x0002_0004 : BenchModule.DEFAULT_VERSION);
        BenchModule.configure(cpus, addresses, values);
        try {
            root = SparseDeviceRoot.create(cpus, perCpu, Workload::address, values, version);
        } catch (IOException e) {
            throw new UncheckedIOException("could not lay out a sparse device root", e);
        }
        msr = root.open();
        if (msr.batchLayout() != expected) {
            throw new IllegalStateException("the handle picked " + msr.batchLayout() + " from version " + version
                    + ", not " + expected);
        }
        batch = msr.newBatch();
        long fold = fillAndExecute();
        if (fold != expectedFold) {
            throw new IllegalStateException("the batch folded to 0x" + Long.toHexString(fold) + ", expected 0x"
                    + Long.toHexString(expectedFold) + ": the ops did not reach the stand-in module");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        batch.close();
        msr.close();
        root.close();
        BenchModule.setVersion(BenchModule.DEFAULT_VERSION); // the other native benchmarks' roots say 1.8.0
    }

    /** Fill the ops, one ioctl, every value read back; the fold keeps the work from being dropped. */
    @Benchmark
    public long fillAndExecute() throws MsrSafeException {
        batch.clear();
        for (int i = 0; i < cpuOf.length; i++) {
            batch.addRead(cpuOf[i], msrOf[i]);
        }
        Workload.requireSucceeded(batch.execute(), batch);
        long fold = 0;
        for (int i = 0; i < cpuOf.length; i++) {
            fold += batch.value(i);
        }
        return fold;
    }
}
