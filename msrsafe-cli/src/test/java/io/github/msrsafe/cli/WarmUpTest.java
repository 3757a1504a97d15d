package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The steady-state criterion of {@code latency}'s warm-up, on window medians made up to show each case. */
class WarmUpTest {

    /** Offers the medians in turn; returns the 1-based window at which it became steady, or 0. */
    private static int steadyAt(WarmUp warmUp, long... medians) {
        for (int i = 0; i < medians.length; i++) {
            if (warmUp.offer(medians[i])) {
                return i + 1;
            }
        }
        return 0;
    }

    @Test
    void steadyOnceThreeWindowsInARowDoNotBeatTheBestByMoreThanTheTolerance() {
        // Interpreter, C1, C2: each compilation makes a window much faster; then only noise.
        assertEquals(7, steadyAt(new WarmUp(0.05, 3), 14_000, 9_000, 2_000, 400, 398, 420, 401));
    }

    @Test
    void aLateCompilationStartsTheCountAgain() {
        // The batch path got hot later: 400 -> 240 after two quiet windows.
        assertEquals(8, steadyAt(new WarmUp(0.05, 3), 2_000, 400, 405, 399, 240, 250, 241, 239));
    }

    @Test
    void slowerWindowsAreNoiseNotWarmUp() {
        // A busy machine makes windows slower, never faster: that is not warm-up.
        assertEquals(4, steadyAt(new WarmUp(0.05, 3), 300, 900, 600, 450));
    }

    @Test
    void codeThatKeepsGettingFasterIsNeverSteady() {
        WarmUp warmUp = new WarmUp(0.05, 3);
        assertEquals(0, steadyAt(warmUp, 1000, 900, 800, 700, 600, 500, 400, 300));
        assertFalse(warmUp.steady());
        assertEquals(8, warmUp.windows());
    }

    @Test
    void theFirstWindowIsNeverEvidenceOfSteadiness() {
        WarmUp warmUp = new WarmUp(0.05, 1);
        assertFalse(warmUp.offer(100));
        assertTrue(warmUp.offer(100));
    }

    @Test
    void rejectsNonsenseParameters() {
        assertThrows(IllegalArgumentException.class, () -> new WarmUp(-0.1, 3));
        assertThrows(IllegalArgumentException.class, () -> new WarmUp(1.0, 3));
        assertThrows(IllegalArgumentException.class, () -> new WarmUp(Double.NaN, 3));
        assertThrows(IllegalArgumentException.class, () -> new WarmUp(0.05, 0));
    }
}
