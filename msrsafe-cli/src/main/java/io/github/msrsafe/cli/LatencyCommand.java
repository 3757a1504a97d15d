package io.github.msrsafe.cli;

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
            "last read for each. Needs 0xE7 in the allowlist with a write mask of all ones.",
        })
final class LatencyCommand extends DeviceCommand {

    /** IA32_MPERF: counts at the TSC rate while the CPU is in C0. */
    static final long IA32_MPERF = 0xE7;

    @Option(names = {"-p", "--processor"}, paramLabel = "CPUS",
            description = "Only these CPUs, e.g. 0-3 (default: every online CPU).")
    String processors;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    ExitCode run(MsrSafe msr) throws MsrSafeException {
        List<Integer> cpus = processors == null ? msr.cpus() : CpuList.parse(processors).cpus();
        CpuChoice.requireOnline(cpus, msr);
        if (cpus.isEmpty()) {
            throw new CliException(ExitCode.CPU_UNAVAILABLE, "the device has no online CPU");
        }

        long serialStart = System.nanoTime();
        for (int cpu : cpus) {
            msr.write(cpu, IA32_MPERF, 0);
        }
        long serialCycles = 0;
        for (int cpu : cpus) {
            serialCycles = msr.read(cpu, IA32_MPERF);
        }
        long serialNanos = System.nanoTime() - serialStart;

        long batchCycles;
        long batchNanos;
        try (MsrBatch writes = msr.newBatch(); MsrBatch reads = msr.newBatch()) {
            for (int cpu : cpus) {
                writes.addWrite(cpu, IA32_MPERF, 0);
                reads.addRead(cpu, IA32_MPERF);
            }
            long batchStart = System.nanoTime();
            writes.execute();
            writes.throwIfFailed();
            reads.execute();
            batchNanos = System.nanoTime() - batchStart;
            reads.throwIfFailed();
            batchCycles = reads.value(reads.size() - 1);
        }

        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("cpus", cpus.size());
            document.put("serialCycles", serialCycles);
            document.put("serialMicroseconds", micros(serialNanos));
            document.put("batchCycles", batchCycles);
            document.put("batchMicroseconds", micros(batchNanos));
            out().println(Json.write(document));
        } else {
            String on = " (on " + cpus.size() + (cpus.size() == 1 ? " CPU, " : " CPUs, ");
            out().println("Serial cycles from first write to last read: " + Long.toUnsignedString(serialCycles)
                    + on + String.format(Locale.ROOT, "%.1f", micros(serialNanos)) + " us)");
            out().println("Batch cycles from first write to last read: " + Long.toUnsignedString(batchCycles)
                    + on + String.format(Locale.ROOT, "%.1f", micros(batchNanos)) + " us)");
        }
        return ExitCode.OK;
    }

    private static double micros(long nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }
}
