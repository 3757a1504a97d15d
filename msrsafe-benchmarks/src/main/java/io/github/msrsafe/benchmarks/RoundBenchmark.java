package io.github.msrsafe.benchmarks;

import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the serial-vs-batch read and write benchmarks share: a {@link Workload} of
 * {@code cpus} CPUs times {@code msrsPerCpu} registers on a backend, and the batch of one
 * round, checked against the workload's values before anything is timed. Each subclass
 * declares its own {@code backend} parameter (writes never run on real hardware).
 */
@State(Scope.Thread)
public abstract class RoundBenchmark {

    @Param({"1", "8", "60"})
    public int cpus;

    @Param({"1", "16", "500"})
    public int msrsPerCpu;

    Workload workload;
    MsrSafe msr;
    MsrBatch batch;
    int[] cpuOf;
    long[] msrOf;

    /** {@return the id of the backend this run measures} */
    abstract String backendId();

    /** {@return the batch of one round, checked against the workload} */
    abstract MsrBatch checkedBatch(Workload workload) throws MsrSafeException;

    @Setup(Level.Trial)
    public void setUp() throws MsrSafeException {
        workload = Workload.open(Backend.byId(backendId()), cpus, msrsPerCpu);
        msr = workload.msr();
        cpuOf = workload.cpuOf;
        msrOf = workload.msrOf;
        batch = checkedBatch(workload);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        batch.close();
        workload.close();
    }
}
