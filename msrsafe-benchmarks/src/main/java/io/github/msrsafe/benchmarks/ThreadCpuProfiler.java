package io.github.msrsafe.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Thread CPU time per benchmark op, beside JMH's wall time: on a shared machine a
 * benchmark thread that waits for a CPU loses wall time but not CPU time, so this view
 * keeps a regression visible when the load hides it in the primary score.
 *
 * <p>Around each iteration it reads the CPU time (user and system, the kernel's
 * per-thread clock) of JMH's worker threads, the threads that run the benchmark method,
 * and divides the difference by the ops of the iteration (JMH's "all ops", the same
 * count the gc profiler normalises by, {@code @OperationsPerInvocation} included). It
 * does not count the JIT compiler, the garbage collector or other processes. Two
 * secondary results:
 * <ul>
 * <li>{@value #PER_OP}: CPU time per op, in the benchmark's time unit per op (also
 *     for throughput benchmarks);</li>
 * <li>{@value #SHARE}: worker CPU time over the iteration's wall time, per thread:
 *     about 1 when the benchmark thread had a CPU all the time, lower when it waited
 *     for one (or slept).</li>
 * </ul>
 * Use: {@code -prof io.github.msrsafe.benchmarks.ThreadCpuProfiler}.
 */
public final class ThreadCpuProfiler implements InternalProfiler {

    /** The secondary result: worker thread CPU time per op. */
    public static final String PER_OP = "thread.cpu.time.norm";
    /** The secondary result: worker thread CPU time over wall time. */
    public static final String SHARE = "thread.cpu.share";

    /** JMH names the threads that run benchmark methods "{benchmark}-jmh-worker-{n}". */
    private static final String WORKER_MARK = "-jmh-worker-";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> cpuAtStart = new HashMap<>();
    private long wallAtStart;

    /** The constructor JMH calls for {@code -prof} without options. */
    public ThreadCpuProfiler() {
        if (!threads.isThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure thread CPU time");
        }
        if (!threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
    }

    /**
     * The constructor JMH calls for {@code -prof name:options}; there are no options.
     *
     * @param options ignored
     */
    public ThreadCpuProfiler(String options) {
        this();
    }

    @Override
    public String getDescription() {
        return "CPU time of JMH's worker threads per op, and their share of wall time";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpuAtStart.clear();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains(WORKER_MARK)) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu >= 0) {
                    cpuAtStart.put(info.getThreadId(), cpu);
                }
            }
        }
        wallAtStart = System.nanoTime();
    }

    @Override
    public List<Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                       IterationResult result) {
        long wall = System.nanoTime() - wallAtStart;
        long cpu = 0;
        int workers = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains(WORKER_MARK)) {
                long now = threads.getThreadCpuTime(info.getThreadId());
                if (now >= 0) {
                    // A worker started during the iteration spent all its CPU time in it.
                    cpu += now - cpuAtStart.getOrDefault(info.getThreadId(), 0L);
                    workers++;
                }
            }
        }
        long ops = result.getMetadata().getAllOps();
        if (workers == 0 || ops <= 0 || wall <= 0) {
            return List.of();
        }
        TimeUnit unit = benchmarkParams.getTimeUnit();
        double nanosPerUnit = unit.toNanos(1);
        String unitName = switch (unit) {
            case NANOSECONDS -> "ns";
            case MICROSECONDS -> "us";
            case MILLISECONDS -> "ms";
            case SECONDS -> "s";
            case MINUTES -> "min";
            case HOURS -> "hr";
            case DAYS -> "day";
        };
        double threadsRunning = Math.max(1, benchmarkParams.getThreads());
        return List.of(
                new ScalarResult(PER_OP, cpu / nanosPerUnit / ops, unitName + "/op", AggregationPolicy.AVG),
                new ScalarResult(SHARE, cpu / (double) wall / threadsRunning, "ratio", AggregationPolicy.AVG));
    }
}
