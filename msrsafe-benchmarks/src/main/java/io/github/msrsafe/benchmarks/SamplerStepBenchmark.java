package io.github.msrsafe.benchmarks;

import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.telemetry.Sample;
import io.github.msrsafe.telemetry.Sampler;
import io.github.msrsafe.telemetry.Signal;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * One telemetry sampling step on a simulated machine of {@code cpus} CPUs (2 packages, 2
 * threads per core): the batch of every register the signals need (thread-scope on every
 * CPU, core-scope per core, package-scope per package), then every signal derived. Run with
 * {@code -prof gc}: gc.alloc.rate.norm is the bytes one step allocates (0 once warm).
 * {@code allSignals} is what {@code msrsafe stat --show all} and the exporter do per interval
 * or scrape; {@code frequencySignals} the turbostat frequency columns alone (3 reads per CPU);
 * {@code bareBatchOfTheSameReads} the batch of allSignals without the sampler around it;
 * {@code everyTurbostatColumn} every signal on a device with every register the columns read
 * ({@code SimulatedDevice.telemetryRegisters}: C-states, SMIs, uncore, throttling, platform energy).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = Main.NATIVE_ACCESS)
@State(Scope.Thread)
public class SamplerStepBenchmark {

    @Param({"256"})
    public int cpus;

    private MsrSafe msr;
    private MsrSafe telemetryMsr;
    private Sampler everything;
    private Sampler all;
    private Sampler frequencies;
    private MsrBatch sameReads;

    @Setup(Level.Trial)
    public void setUp() throws MsrSafeException {
        int packages = cpus >= 4 ? 2 : 1;
        int threadsPerCore = cpus >= 2 ? 2 : 1;
        SimulatedDevice device = SimulatedDevice.builder().cpus(cpus).packages(packages).threadsPerCore(threadsPerCore)
                .registers(SimulatedDevice.standardRegisters(0.5))
                .allowlist(SimulatedDevice.standardAllowlist())
                .build();
        msr = device.open();
        all = Sampler.builder(msr).open();
        frequencies = Sampler.builder(msr)
                .signals(List.of(Signal.AVG_MHZ, Signal.BUSY_PERCENT, Signal.BZY_MHZ, Signal.TSC_MHZ)).open();
        all.sample();
        frequencies.sample();
        SimulatedDevice server = SimulatedDevice.builder().cpus(cpus).packages(packages).threadsPerCore(threadsPerCore)
                .registers(SimulatedDevice.telemetryRegisters(0.5))
                .allowlist(SimulatedDevice.telemetryAllowlist())
                .build();
        telemetryMsr = server.open();
        everything = Sampler.builder(telemetryMsr).open();
        everything.sample();
        // The reads of allSignals in a bare batch, to show what deriving the signals adds.
        sameReads = msr.newBatch();
        int cpusPerPackage = cpus / packages;
        for (int cpu = 0; cpu < cpus; cpu++) {
            for (long thread : new long[] {0x10, 0xE7, 0xE8}) {
                sameReads.addRead(cpu, thread);
            }
            if (cpu % threadsPerCore == 0) {
                sameReads.addRead(cpu, 0x19C);
            }
            if (cpu % cpusPerPackage == 0) {
                for (long pkg : new long[] {0x1A2, 0x1B1, 0x606, 0x610, 0x611, 0x619}) {
                    sameReads.addRead(cpu, pkg);
                }
            }
        }
        if (sameReads.size() != all.batchSize()) {
            throw new IllegalStateException("the bare batch has " + sameReads.size() + " reads, the sampler's "
                    + all.batchSize());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sameReads.close();
        everything.close();
        telemetryMsr.close();
        frequencies.close();
        all.close();
        msr.close();
    }

    /** Every Intel signal: 3 reads per CPU, 1 per core, 6 per package, one batch. */
    @Benchmark
    public void allSignals(Blackhole blackhole) throws MsrSafeException {
        Sample sample = all.sample();
        blackhole.consume(sample.summaryValue(Signal.BZY_MHZ));
        blackhole.consume(sample.summaryValue(Signal.PACKAGE_WATTS));
    }

    /** The same reads as allSignals in a bare MsrBatch, values consumed, nothing derived. */
    @Benchmark
    public void bareBatchOfTheSameReads(Blackhole blackhole) throws MsrSafeException {
        sameReads.execute();
        for (int i = 0; i < sameReads.size(); i++) {
            blackhole.consume(sameReads.value(i));
        }
    }

    /** Every signal on a server with every register: 4 reads per CPU, 2 per core, 17 per package, one batch. */
    @Benchmark
    public void everyTurbostatColumn(Blackhole blackhole) throws MsrSafeException {
        Sample sample = everything.sample();
        blackhole.consume(sample.summaryValue(Signal.CPU_C1));
        blackhole.consume(sample.summaryValue(Signal.PACKAGE_WATTS));
    }

    /** Avg_MHz, Busy%, Bzy_MHz and TSC_MHz only: 3 reads per CPU, one batch. */
    @Benchmark
    public void frequencySignals(Blackhole blackhole) throws MsrSafeException {
        blackhole.consume(frequencies.sample().summaryValue(Signal.BUSY_PERCENT));
    }
}
