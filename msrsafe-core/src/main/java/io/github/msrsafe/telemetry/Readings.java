package io.github.msrsafe.telemetry;

import java.util.Arrays;

/**
 * The raw values of the last two samples, by op of the layout, with the time of each and the
 * errno of every op that did not read (0 where it did). Two preallocated pairs of arrays,
 * swapped at each sample, so that taking one allocates nothing.
 */
final class Readings {

    private static final double NANOS_PER_SECOND = 1e9;

    private long[] previous;
    private long[] current;
    private int[] previousErrno;
    private int[] currentErrno;
    private boolean previousComplete;
    private boolean currentComplete;
    private long previousNanos;
    private long currentNanos;
    private long count;

    Readings(int ops) {
        this.previous = new long[ops];
        this.current = new long[ops];
        this.previousErrno = new int[ops];
        this.currentErrno = new int[ops];
    }

    /** Starts a new sample at {@code nanos}: the current values become the previous ones. */
    void advance(long nanos) {
        long[] values = previous;
        previous = current;
        current = values;
        int[] errnos = previousErrno;
        previousErrno = currentErrno;
        currentErrno = errnos;
        previousComplete = currentComplete;
        currentComplete = true;
        Arrays.fill(currentErrno, 0);
        previousNanos = currentNanos;
        currentNanos = nanos;
        count++;
    }

    /** Sets op {@code op}'s value of the sample begun by {@link #advance}. */
    void set(int op, long value) {
        current[op] = value;
    }

    /** {@return the values of the sample begun by {@link #advance}, one per op, to be filled in place} */
    long[] current() {
        return current;
    }

    /** Marks op {@code op} of this sample as failed with {@code errno}: no value. */
    void fail(int op, int errno) {
        currentErrno[op] = errno;
        currentComplete = false;
    }

    /** {@return the number of samples taken} */
    long count() {
        return count;
    }

    /** {@return whether there is a previous sample, so that deltas exist} */
    boolean hasInterval() {
        return count > 1;
    }

    /** {@return seconds between the previous and this sample; NaN for the first} */
    double seconds() {
        return count > 1 ? (currentNanos - previousNanos) / NANOS_PER_SECOND : Double.NaN;
    }

    long nanos() {
        return currentNanos;
    }

    /** {@return whether every op of this and the previous sample read} */
    boolean complete() {
        return currentComplete && (count < 2 || previousComplete);
    }

    long raw(int op) {
        return current[op];
    }

    long previousRaw(int op) {
        return previous[op];
    }

    /** {@return whether op {@code op} read in this sample} */
    boolean read(int op) {
        return currentErrno[op] == 0;
    }

    /** {@return whether op {@code op} read in this sample and the previous one, so its delta exists} */
    boolean readTwice(int op) {
        return count > 1 && currentErrno[op] == 0 && previousErrno[op] == 0;
    }

    /** {@return the errno of op {@code op} in this sample, 0 if it read} */
    int errno(int op) {
        return currentErrno[op];
    }

    /** {@return how far op {@code op}'s counter of {@code bits} bits advanced since the previous sample} */
    long delta(int op, int bits) {
        return Derivations.counterDelta(previous[op], current[op], bits);
    }
}
