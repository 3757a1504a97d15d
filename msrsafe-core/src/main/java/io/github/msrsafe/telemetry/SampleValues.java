package io.github.msrsafe.telemetry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a sample derived: each signal's value per position of its scope, per package and over
 * the machine, the sample's times, and the signals it could not derive. Filled in place by the
 * sampler at each sample; {@link #copy()} detaches a reading that later samples leave alone.
 */
final class SampleValues {

    final double[][] values;        // by signal index, by position in the signal's scope
    final double[][] packageValues; // by signal index, by package position
    final double[] summaryValues;   // by signal index, over every package
    long sequence;
    long timestampNanos;
    long epochMillis;
    double intervalSeconds = Double.NaN;
    private List<SignalFailure> failures = List.of();

    /**
     * @param positions by signal index: the number of values of a derived signal, -1 for one
     *                  not derived
     * @param packages  the number of packages
     */
    SampleValues(int[] positions, int packages) {
        this.values = new double[positions.length][];
        this.packageValues = new double[positions.length][];
        this.summaryValues = new double[positions.length];
        for (int signal = 0; signal < positions.length; signal++) {
            values[signal] = new double[Math.max(positions[signal], 0)];
            packageValues[signal] = new double[positions[signal] >= 0 ? packages : 0];
            Arrays.fill(values[signal], Double.NaN);
            Arrays.fill(packageValues[signal], Double.NaN);
        }
        Arrays.fill(summaryValues, Double.NaN);
    }

    private SampleValues(SampleValues source) {
        this.values = deepCopy(source.values);
        this.packageValues = deepCopy(source.packageValues);
        this.summaryValues = source.summaryValues.clone();
        this.sequence = source.sequence;
        this.timestampNanos = source.timestampNanos;
        this.epochMillis = source.epochMillis;
        this.intervalSeconds = source.intervalSeconds;
        this.failures = source.failures;
    }

    SampleValues copy() {
        return new SampleValues(this);
    }

    /** Forgets the previous sample's failures. */
    void clearFailures() {
        if (!failures.isEmpty()) {
            failures = List.of();
        }
    }

    /** Records that a signal has no value at one or more positions, and why. One entry per signal and reason. */
    void fail(SignalFailure failure) {
        for (SignalFailure known : failures) {
            if (known.quantity().equals(failure.quantity()) && known.reason().equals(failure.reason())) {
                return;
            }
        }
        List<SignalFailure> more = new ArrayList<>(failures);
        more.add(failure);
        failures = List.copyOf(more);
    }

    List<SignalFailure> failures() {
        return failures;
    }

    private static double[][] deepCopy(double[][] arrays) {
        double[][] copy = new double[arrays.length][];
        for (int i = 0; i < arrays.length; i++) {
            copy[i] = arrays[i].clone();
        }
        return copy;
    }
}
