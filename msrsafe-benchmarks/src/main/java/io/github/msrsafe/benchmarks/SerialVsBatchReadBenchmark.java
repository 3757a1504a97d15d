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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reading one register set, {@code cpus} CPUs times {@code msrsPerCpu} registers, either
 * one pread per register through {@code /dev/cpu/N/msr_safe} or all of them in one batch
 * ioctl. One benchmark op is the whole round; the report divides by the op count.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = Main.NATIVE_ACCESS)
@State(Scope.Thread)
public class SerialVsBatchReadBenchmark extends RoundBenchmark {

    @Param({"sim", "native", "real"})
    public String backend;

    @Override
    String backendId() {
        return backend;
    }

    @Override
    MsrBatch checkedBatch(Workload workload) throws MsrSafeException {
        MsrBatch reads = workload.newReadBatch();
        workload.checkReads(reads);
        return reads;
    }

    /** One pread per register, in the batch's order. */
    @Benchmark
    public void serialRead(Blackhole blackhole) throws MsrSafeException {
        for (int i = 0; i < cpuOf.length; i++) {
            blackhole.consume(msr.read(cpuOf[i], msrOf[i]));
        }
    }

    /** One batch ioctl for every register, then every value read back. */
    @Benchmark
    public void batchRead(Blackhole blackhole) throws MsrSafeException {
        Workload.requireSucceeded(batch.execute(), batch);
        for (int i = 0; i < cpuOf.length; i++) {
            blackhole.consume(batch.value(i));
        }
    }
}
