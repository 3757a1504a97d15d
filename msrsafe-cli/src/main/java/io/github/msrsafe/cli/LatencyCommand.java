package io.github.msrsafe.cli;

import io.github.msrsafe.BatchOutcome;
import io.github.msrsafe.Driver;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.internal.text.JsonWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code msrsafe latency}: the example from msr_safe's man page. MPERF counts at a fixed
 * rate while the CPU runs, so zeroing it on every CPU and reading it back gives, in the
 * last CPU's count, the cycles from that CPU's write to the last read.
 *
 * <p>Both paths are first run until their times stop improving ({@link WarmUp}): a JVM
 * runs new code in the interpreter and compiles it as it gets hot, and the batch path,
 * having more code, gets hot later. Measuring before then compares the JIT's progress on
 * two paths, not the paths.
 */
@Command(name = "latency",
        header = "Time zeroing and reading MPERF on every CPU, serially and in batches.",
        mixinStandardHelpOptions = true,
        description = {
            "Reproduces the example of msr_safe's man page: writes 0 to IA32_MPERF (0xE7) on every",
            "CPU and reads it back, serially through the per-CPU devices (one pwrite and one pread",
            "per CPU), then with two batches (one ioctl of writes, one of reads). It first runs both",
            "until their times stop improving (the JVM compiles code as it gets hot), then prints the",
            "median time and MPERF cycles of each over --rounds rounds, and what the batch saves.",
            "Needs 0xE7 in the allowlist with a write mask of all ones. On --device sim it measures",
            "the simulator in this JVM, not a kernel or a processor, and says so.",
        })
final class LatencyCommand extends DeviceCommand {

    /** IA32_MPERF: counts at the TSC rate while the CPU is in C0. */
    static final long IA32_MPERF = 0xE7;

    /** A warm-up window lasts at least this long, so that a compilation in progress spans few windows. */
    private static final long WINDOW_NANOS = 100_000_000L;
    /** ... and holds at least this many rounds, at most {@link #WINDOW_MAX_ROUNDS} (bounded memory). */
    private static final int WINDOW_MIN_ROUNDS = 20;
    private static final int WINDOW_MAX_ROUNDS = 20_000;
    /** A window more than 5% faster than the best before it means the code is still warming up. */
    private static final double TOLERANCE = 0.05;
    /** Steady after this many windows in a row without such an improvement. */
    private static final int STABLE_WINDOWS = 3;
    private static final int MAX_ROUNDS = 100_000;
    private static final Pattern SECONDS = Pattern.compile("\\d{1,3}(\\.\\d{1,3})?");

    @Option(names = {"-p", "--processor"}, paramLabel = "CPUS",
            description = "Only these CPUs, e.g. 0-3 (default: every online CPU).")
    String processors;

    @Option(names = {"-n", "--rounds"}, paramLabel = "N", defaultValue = "1000",
            description = "Measure N rounds of each after the warm-up and report the medians (at most "
                    + MAX_ROUNDS + "). Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--warmup-limit", paramLabel = "SECONDS", defaultValue = "10",
            description = "Warm up until the times stop improving (" + STABLE_WINDOWS + " windows in a row, each "
                    + WINDOW_NANOS / 1_000_000 + " ms or " + WINDOW_MAX_ROUNDS + " rounds, no more than "
                    + (int) (TOLERANCE * 100) + "%% faster than the best), but for at most SECONDS (up to 999;"
                    + " default ${DEFAULT-VALUE})."
                    + " 0 skips the warm-up: with -n 1, that is the man page's C program, measured once.")
    String warmupLimit;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    /** One path's timings: nanoseconds and MPERF cycles per round. */
    private static final class Timings {
        final long[] nanos;
        final long[] cycles;
        int count;

        Timings(int capacity) {
            nanos = new long[capacity];
            cycles = new long[capacity];
        }

        void add(long roundNanos, long roundCycles) {
            nanos[count] = roundNanos;
            cycles[count] = roundCycles;
            count++;
        }

        long medianNanos() {
            return median(nanos, count);
        }

        long medianCycles() {
            return median(cycles, count);
        }

        private static long median(long[] values, int count) {
            long[] sorted = Arrays.copyOf(values, count);
            Arrays.sort(sorted); // MPERF cycles and nanoseconds are far below 2^63: signed order is right
            return sorted[count / 2];
        }
    }

    /** The two paths, each run once per round. */
    private record Paths(MsrSafe msr, List<Integer> cpus, MsrBatch writes, MsrBatch reads) {

        void serial(Timings into) throws MsrSafeException {
            long start = System.nanoTime();
            for (int cpu : cpus) {
                msr.write(cpu, IA32_MPERF, 0);
            }
            long cycles = 0;
            for (int cpu : cpus) {
                cycles = msr.read(cpu, IA32_MPERF);
            }
            into.add(System.nanoTime() - start, cycles);
        }

        void batched(Timings into) throws MsrSafeException {
            // Only the outcome is checked between the two ioctls, as the C example checks rc.
            long start = System.nanoTime();
            if (writes.execute() != BatchOutcome.SUCCEEDED) {
                writes.throwIfFailed();
            }
            BatchOutcome readOutcome = reads.execute();
            long elapsed = System.nanoTime() - start;
            if (readOutcome != BatchOutcome.SUCCEEDED) {
                reads.throwIfFailed();
            }
            into.add(elapsed, reads.value(reads.size() - 1));
        }
    }

    /** How the warm-up went. */
    private record WarmUpResult(boolean steady, long rounds, long nanos) {}

    @Override
    ExitCode run(MsrSafe msr) throws MsrSafeException {
        if (rounds < 1 || rounds > MAX_ROUNDS) {
            throw CliException.usage("--rounds must be 1 to " + MAX_ROUNDS + ": " + rounds);
        }
        long limitNanos = limitNanos(warmupLimit);
        List<Integer> cpus = processors == null ? msr.cpus() : CpuList.parse(processors).cpus();
        CpuChoice.requireOnline(cpus, msr);
        if (cpus.isEmpty()) {
            throw new CliException(ExitCode.CPU_UNAVAILABLE, "the device has no online CPU");
        }
        Timings serial = new Timings(rounds);
        Timings batched = new Timings(rounds);
        WarmUpResult warmUp;
        try (MsrBatch writes = msr.newBatch(); MsrBatch reads = msr.newBatch()) {
            for (int cpu : cpus) {
                writes.addWrite(cpu, IA32_MPERF, 0);
                reads.addRead(cpu, IA32_MPERF);
            }
            Paths paths = new Paths(msr, cpus, writes, reads);
            warmUp = warmUp(paths, limitNanos);
            for (int round = 0; round < rounds; round++) {
                paths.serial(serial);
                paths.batched(batched);
            }
        }
        boolean simulated = root().deviceChoice().simulated();
        if (json) {
            printJson(cpus.size(), simulated, warmUp, serial, batched);
        } else {
            printText(msr, cpus.size(), simulated, warmUp, serial, batched);
        }
        return ExitCode.OK;
    }

    /** Runs both paths in windows until both are steady or the limit is reached. */
    private static WarmUpResult warmUp(Paths paths, long limitNanos) throws MsrSafeException {
        if (limitNanos == 0) {
            return new WarmUpResult(false, 0, 0);
        }
        WarmUp serialWarmUp = new WarmUp(TOLERANCE, STABLE_WINDOWS);
        WarmUp batchWarmUp = new WarmUp(TOLERANCE, STABLE_WINDOWS);
        Timings serial = new Timings(WINDOW_MAX_ROUNDS);
        Timings batched = new Timings(WINDOW_MAX_ROUNDS);
        long start = System.nanoTime();
        long rounds = 0;
        while (true) {
            serial.count = 0;
            batched.count = 0;
            long windowStart = System.nanoTime();
            while (serial.count < WINDOW_MAX_ROUNDS
                    && (serial.count < WINDOW_MIN_ROUNDS || System.nanoTime() - windowStart < WINDOW_NANOS)) {
                paths.serial(serial);
                paths.batched(batched);
            }
            rounds += serial.count;
            // Both are offered every window: each must see its own run of windows without improvement.
            boolean serialSteady = serialWarmUp.offer(serial.medianNanos());
            boolean batchSteady = batchWarmUp.offer(batched.medianNanos());
            long elapsed = System.nanoTime() - start;
            if (serialSteady && batchSteady || elapsed >= limitNanos) {
                return new WarmUpResult(serialSteady && batchSteady, rounds, elapsed);
            }
        }
    }

    private void printText(MsrSafe msr, int cpus, boolean simulated, WarmUpResult warmUp,
                           Timings serial, Timings batched) {
        if (simulated) {
            out().println("Device: the simulated msr_safe inside this JVM. These times measure the simulator's code,");
            out().println("not a kernel or a processor; on a node with msr_safe, run without --device sim.");
        } else {
            out().println("Device: " + Drivers.label(msr.driver()) + " at " + msr.root() + ".");
        }
        if (warmUp.rounds == 0) {
            out().println("Warm-up: none (--warmup-limit 0).");
        } else if (warmUp.steady) {
            out().printf(Locale.ROOT, "Warm-up: steady after %.1f s (%d rounds of each): %d windows in a row were no"
                            + " more than %d%% faster than the best.%n",
                    warmUp.nanos / 1e9, warmUp.rounds, STABLE_WINDOWS, (int) (TOLERANCE * 100));
        } else {
            out().printf(Locale.ROOT, "Warm-up: NOT steady after %.1f s (%d rounds of each): the times were still"
                            + " improving; a busy machine may be the cause. Raise --warmup-limit.%n",
                    warmUp.nanos / 1e9, warmUp.rounds);
        }
        String plural = cpus == 1 ? " CPU" : " CPUs";
        out().println("Zeroing and reading back IA32_MPERF on " + cpus + plural + ", median of " + rounds
                + (rounds == 1 ? " round:" : " rounds:"));
        String serialCalls = (2 * cpus) + " calls (" + cpus + " pwrite, " + cpus + " pread)";
        // The stock msr driver has no batch ioctl: the library runs a batch as one call per op.
        boolean emulated = msr.driver() == Driver.STOCK_MSR;
        String batchCalls = emulated ? "2 batches of " + cpus + " (emulated: " + 2 * cpus + " calls)"
                : "2 ioctls (" + cpus + (cpus == 1 ? " write, " : " writes, ") + cpus + (cpus == 1 ? " read)" : " reads)");
        int width = Math.max(serialCalls.length(), batchCalls.length());
        long serialNanos = serial.medianNanos();
        long batchNanos = batched.medianNanos();
        out().printf(Locale.ROOT, "  serial  %-" + width + "s  %9s  %12s MPERF cycles%n",
                serialCalls, micros(serialNanos), Long.toUnsignedString(serial.medianCycles()));
        out().printf(Locale.ROOT, "  batch   %-" + width + "s  %9s  %12s MPERF cycles%n",
                batchCalls, micros(batchNanos), Long.toUnsignedString(batched.medianCycles()));
        long saved = serialNanos - batchNanos;
        String calls = cpus == 1 || emulated ? "" : ", and " + (2 * cpus - 2) + " of " + (2 * cpus) + " system calls";
        if (saved >= 0) {
            out().printf(Locale.ROOT, "A batch saves %s per round (%d%%)%s.%n", micros(saved),
                    serialNanos == 0 ? 0 : Math.round(100.0 * saved / serialNanos), calls);
        } else {
            out().printf(Locale.ROOT, "A batch costs %s more per round (%d%%) here%s.%n", micros(-saved),
                    serialNanos == 0 ? 0 : Math.round(-100.0 * saved / serialNanos),
                    cpus == 1 || emulated ? "" : ", though it makes " + (2 * cpus - 2) + " fewer system calls");
        }
    }

    private void printJson(int cpus, boolean simulated, WarmUpResult warmUp, Timings serial, Timings batched) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("cpus", cpus);
        document.put("simulated", simulated);
        document.put("warmupSteady", warmUp.steady);
        document.put("warmupRounds", warmUp.rounds);
        document.put("warmupSeconds", Math.round(warmUp.nanos / 1e6) / 1e3);
        document.put("rounds", rounds);
        document.put("serialCalls", 2 * cpus);
        document.put("serialCycles", serial.medianCycles());
        document.put("serialMicroseconds", microsNumber(serial.medianNanos()));
        document.put("batchCalls", 2);
        document.put("batchCycles", batched.medianCycles());
        document.put("batchMicroseconds", microsNumber(batched.medianNanos()));
        out().println(JsonWriter.write(document));
    }

    /** {@code --warmup-limit} in nanoseconds: a plain decimal number of seconds, 0 to 999.999. */
    static long limitNanos(String text) {
        String trimmed = text.strip();
        if (!SECONDS.matcher(trimmed).matches()) {
            throw CliException.usage("--warmup-limit must be seconds from 0 to 999.999, e.g. 10 or 0.5, not '" + text + "'");
        }
        int dot = trimmed.indexOf('.');
        long whole = Long.parseLong(dot < 0 ? trimmed : trimmed.substring(0, dot));
        String fraction = dot < 0 ? "" : (trimmed.substring(dot + 1) + "00").substring(0, 3);
        return whole * 1_000_000_000L + (fraction.isEmpty() ? 0 : Long.parseLong(fraction) * 1_000_000L);
    }

    /** Microseconds with three significant digits or more: "0.214 us", "12.3 us", "1530 us". */
    private static String micros(long nanos) {
        double us = nanos / 1e3;
        String digits = us >= 100 ? String.format(Locale.ROOT, "%.0f", us)
                : us >= 10 ? String.format(Locale.ROOT, "%.1f", us)
                : us >= 1 ? String.format(Locale.ROOT, "%.2f", us)
                : String.format(Locale.ROOT, "%.3f", us);
        return digits + " us";
    }

    private static double microsNumber(long nanos) {
        return Math.round(nanos) / 1e3;
    }
}
