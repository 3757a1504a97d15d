package io.github.msrsafe.cli;

import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.telemetry.Sample;
import io.github.msrsafe.telemetry.Sampler;
import io.github.msrsafe.telemetry.SignalFailure;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Samples on its own fixed interval, on one thread of its own, and publishes each completed
 * sample as an immutable copy: what the exporter serves. Readers never sample, so the interval
 * the rates cover is the sampler's, whoever reads and however often.
 */
final class BackgroundSampler implements AutoCloseable {

    /**
     * What the last sampling left to serve.
     *
     * @param sample    the latest completed sample (an immutable copy), or null before the first
     * @param nanos     when it was published, on the publisher's clock
     * @param up        whether the latest attempt sampled (with or without per-signal failures)
     * @param error     why the latest attempt failed as a whole, or null
     * @param attempts  samples attempted so far
     * @param failures  attempts that failed as a whole so far
     */
    record Published(Sample sample, long nanos, boolean up, String error, long attempts, long failures) {
        static final Published NONE = new Published(null, 0, false, "no sample yet", 0, 0);
    }

    private final Sampler sampler;
    private final Duration interval;
    private final LongSupplier clock;
    private final PrintWriter err;
    private final Object lock = new Object();
    private final Set<String> reported = new HashSet<>();
    private volatile Published latest = Published.NONE;
    private ScheduledExecutorService thread;

    /**
     * @param sampler  the sampler, built with {@code tolerateFailures()}; only this object uses it from now on
     * @param interval the time between samples
     * @param clock    the monotonic clock the age of a sample is measured on, in nanoseconds
     * @param err      where failures are reported, each distinct one once
     */
    BackgroundSampler(Sampler sampler, Duration interval, LongSupplier clock, PrintWriter err) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.err = Objects.requireNonNull(err, "err");
    }

    /** Takes a first sample now, then one every interval on a daemon thread of its own. */
    void start() {
        sampleNow();
        thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("msrsafe-sampler").daemon().factory());
        long nanos = interval.toNanos();
        thread.scheduleAtFixedRate(this::sampleNow, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Takes one sample and publishes it (the scheduled task; a test calls it to step time itself). */
    void sampleNow() {
        synchronized (lock) {
            Published before = latest;
            try {
                Sample sample = sampler.sample().copy();
                for (SignalFailure failure : sample.failures()) {
                    report("msrsafe: " + failure.quantity().columnName() + " has no value: " + failure.reason());
                }
                latest = new Published(sample, clock.getAsLong(), true, null, before.attempts() + 1,
                        before.failures());
            } catch (MsrSafeException | RuntimeException e) {
                String reason = String.valueOf(e.getMessage());
                report("msrsafe: sampling failed: " + reason);
                latest = new Published(before.sample(), before.nanos(), false, reason, before.attempts() + 1,
                        before.failures() + 1);
            }
        }
    }

    private void report(String line) {
        if (reported.add(line)) { // once per distinct failure: a CPU offline for an hour is one line
            err.println(line);
            err.flush();
        }
    }

    /** {@return what the last sampling left to serve} */
    Published latest() {
        return latest;
    }

    /** {@return the clock a sample's age is measured on} */
    long now() {
        return clock.getAsLong();
    }

    /** {@return the time between samples} */
    Duration interval() {
        return interval;
    }

    /** Stops sampling, waiting for a sample in progress. The sampler stays open. */
    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
            try {
                thread.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
