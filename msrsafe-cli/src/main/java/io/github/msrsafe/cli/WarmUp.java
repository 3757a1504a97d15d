package io.github.msrsafe.cli;

/**
 * When repeated timings of one piece of code have stopped improving, so that what is
 * measured afterwards is the code as the JIT left it rather than the interpreter or a
 * first compilation.
 *
 * <p>Timings come in windows (each a median of many rounds). Warming up only ever makes
 * code faster, while noise on a shared machine goes both ways; so a window that is not
 * more than {@code tolerance} faster than the best window so far shows no further
 * warm-up. The code is steady once {@code stableWindows} windows in a row show none.
 * Not thread-safe: one per measured path, used by one thread.
 */
final class WarmUp {

    private final double tolerance;
    private final int stableWindows;
    private long best = Long.MAX_VALUE;
    private int windowsWithoutImprovement;
    private int windows;

    /**
     * @param tolerance     the fraction a window must beat the best by to count as still warming up (e.g. 0.05)
     * @param stableWindows how many windows in a row must not improve
     */
    WarmUp(double tolerance, int stableWindows) {
        if (!(tolerance >= 0 && tolerance < 1) || stableWindows < 1) {
            throw new IllegalArgumentException("tolerance " + tolerance + " must be in [0, 1) and stableWindows "
                    + stableWindows + " at least 1");
        }
        this.tolerance = tolerance;
        this.stableWindows = stableWindows;
    }

    /**
     * Takes the median time of the latest window.
     *
     * @return whether the code is now steady
     */
    boolean offer(long windowMedian) {
        windows++;
        if (windows > 1 && windowMedian >= best * (1 - tolerance)) {
            windowsWithoutImprovement++;
        } else {
            windowsWithoutImprovement = 0;
        }
        best = Math.min(best, windowMedian);
        return steady();
    }

    /** {@return whether the last {@code stableWindows} windows showed no further warm-up} */
    boolean steady() {
        return windowsWithoutImprovement >= stableWindows;
    }

    /** {@return how many windows were offered} */
    int windows() {
        return windows;
    }
}
