package io.github.msrsafe.cli;

import io.github.msrsafe.BatchOutcome;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code msrsafe latency}: the example from msr_safe's man page. MPERF counts at a fixed
 * rate while the CPU runs, so zeroing it on every CPU and reading it back gives, in the
 * last CPU's count, the cycles from that CPU's write to the last read.
 */
@Command(name = "latency",
        header = "Time zeroing and reading MPERF on every CPU, serially and in batches.",
        mixinStandardHelpOptions = true,
        description = {
            "Reproduces the example of msr_safe's man page: writes 0 to IA32_MPERF (0xE7) on every",
            "CPU and reads it back, first serially through the per-CPU devices, then with two",
            "batches (one of writes, one of reads), and prints the MPERF cycles from first write to",
            "last read for each (the fastest of --rounds rounds). Needs 0xE7 in the allowlist with a",
            "write mask of all ones.",
        })
final class LatencyCommand extends DeviceCommand {

    /** IA32_MPERF: counts at the TSC rate while the CPU is in C0. */
    static final long IA32_MPERF = 0xE7;

    @Option(names = {"-p", "--processor"}, paramLabel = "CPUS",
            description = "Only these CPUs, e.g. 0-3 (default: every online CPU).")
    String processors;

    @Option(names = {"-n", "--rounds"}, paramLabel = "N", defaultValue = "1000",
            description = "Measure N times and report the fastest round, so that the JVM's first-call costs"
                    + " (class loading, compilation) are not counted. Default: ${DEFAULT-VALUE}; 1 measures"
                    + " once, like the man page's C program.")
    int rounds;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    /** One way of zeroing and reading back MPERF: its cycles and wall time, the fastest round kept. */
    private static final class Best {
        long cycles = Long.MAX_VALUE;
        long nanos;

        void offer(long roundCycles, long roundNanos) {
            if (Long.compareUnsigned(roundCycles, cycles) < 0) {
                cycles = roundCycles;
                nanos = roundNanos;
            }
        }
    }

    @Override
    ExitCode run(MsrSafe msr) throws MsrSafeException {
        if (rounds < 1) {
            throw CliException.usage("--rounds must be at least 1: " + rounds);
        }
        List<Integer> cpus = processors == null ? msr.cpus() : CpuList.parse(processors).cpus();
        CpuChoice.requireOnline(cpus, msr);
        if (cpus.isEmpty()) {
            throw new CliException(ExitCode.CPU_UNAVAILABLE, "the device has no online CPU");
        }
        Best serial = new Best();
        Best batched = new Best();
        try (MsrBatch writes = msr.newBatch(); MsrBatch reads = msr.newBatch()) {
            for (int cpu : cpus) {
                writes.addWrite(cpu, IA32_MPERF, 0);
                reads.addRead(cpu, IA32_MPERF);
            }
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                for (int cpu : cpus) {
                    msr.write(cpu, IA32_MPERF, 0);
                }
                long cycles = 0;
                for (int cpu : cpus) {
                    cycles = msr.read(cpu, IA32_MPERF);
                }
                serial.offer(cycles, System.nanoTime() - start);

                // Only the outcome is checked between the two ioctls, as the C example checks rc.
                start = System.nanoTime();
                if (writes.execute() != BatchOutcome.SUCCEEDED) {
                    writes.throwIfFailed();
                }
                BatchOutcome readOutcome = reads.execute();
                long elapsed = System.nanoTime() - start;
                if (readOutcome != BatchOutcome.SUCCEEDED) {
                    reads.throwIfFailed();
                }
                batched.offer(reads.value(reads.size() - 1), elapsed);
            }
        }

        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("cpus", cpus.size());
            document.put("rounds", rounds);
            document.put("serialCycles", serial.cycles);
            document.put("serialMicroseconds", micros(serial.nanos));
            document.put("batchCycles", batched.cycles);
            document.put("batchMicroseconds", micros(batched.nanos));
            out().println(Json.write(document));
        } else {
            String on = " (on " + cpus.size() + (cpus.size() == 1 ? " CPU" : " CPUs")
                    + (rounds == 1 ? ", " : ", best of " + rounds + ", ");
            out().println("Serial cycles from first write to last read: " + Long.toUnsignedString(serial.cycles)
                    + on + String.format(Locale.ROOT, "%.1f", micros(serial.nanos)) + " us)");
            out().println("Batch cycles from first write to last read: " + Long.toUnsignedString(batched.cycles)
                    + on + String.format(Locale.ROOT, "%.1f", micros(batched.nanos)) + " us)");
        }
        return ExitCode.OK;
    }

    private static double micros(long nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }
}
