package io.github.msrsafe.benchmarks;

import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafeException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Writing one register set, {@code cpus} CPUs times {@code msrsPerCpu} registers, either
 * one pwrite per register through {@code /dev/cpu/N/msr_safe} or all of them in one batch
 * ioctl (which the module runs as read-modify-write under the write mask). One benchmark
 * op is the whole round. Never on real hardware: writes would change the machine.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = Main.NATIVE_ACCESS)
@State(Scope.Thread)
public class SerialVsBatchWriteBenchmark extends RoundBenchmark {

    @Param({"sim", "native"})
    public String backend;

    private long[] writeValue;

    @Override
    String backendId() {
        return backend;
    }

    @Override
    MsrBatch checkedBatch(Workload workload) throws MsrSafeException {
        writeValue = workload.writeValue;
        MsrBatch writes = workload.newWriteBatch();
        workload.checkWrites(writes);
        return writes;
    }

    /** One pwrite per register, in the batch's order. */
    @Benchmark
    public void serialWrite() throws MsrSafeException {
        for (int i = 0; i < cpuOf.length; i++) {
            msr.write(cpuOf[i], msrOf[i], writeValue[i]);
        }
    }

    /** One batch ioctl that writes every register. */
    @Benchmark
    public void batchWrite() throws MsrSafeException {
        Workload.requireSucceeded(batch.execute(), batch);
    }
}
