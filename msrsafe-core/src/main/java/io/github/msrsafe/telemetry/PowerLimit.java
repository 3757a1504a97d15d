package io.github.msrsafe.telemetry;

/**
 * One RAPL power limit (PL1 or PL2 of MSR_PKG_POWER_LIMIT): the average power the
 * package may draw over a time window, in physical units.
 *
 * @param watts         the limit in watts
 * @param windowSeconds the averaging window in seconds
 * @param enabled       whether the limit is enforced
 * @param clamped       whether the processor may go below the requested P-state to honour it
 */
public record PowerLimit(double watts, double windowSeconds, boolean enabled, boolean clamped) {

    /**
     * Checks that the limit is physically meaningful.
     *
     * @throws IllegalArgumentException if watts is negative, NaN or infinite, or windowSeconds is
     *                                  not a finite number above 0; the message gives the value
     */
    public PowerLimit {
        if (!(watts >= 0) || Double.isInfinite(watts)) {
            throw new IllegalArgumentException("a power limit must be a finite number of watts >= 0: " + watts);
        }
        if (!(windowSeconds > 0) || Double.isInfinite(windowSeconds)) {
            throw new IllegalArgumentException("a time window must be a finite number of seconds > 0: " + windowSeconds);
        }
    }

    /**
     * {@return this limit with another wattage; window, enable and clamp unchanged}
     *
     * @param newWatts the new limit in watts, finite and at least 0
     * @throws IllegalArgumentException if newWatts is negative, NaN or infinite
     */
    public PowerLimit withWatts(double newWatts) {
        return new PowerLimit(newWatts, windowSeconds, enabled, clamped);
    }

    /**
     * {@return this limit with another averaging window; watts, enable and clamp unchanged}
     *
     * @param seconds the new window in seconds, finite and above 0
     * @throws IllegalArgumentException if seconds is not a finite number above 0
     */
    public PowerLimit withWindowSeconds(double seconds) {
        return new PowerLimit(watts, seconds, enabled, clamped);
    }

    @Override
    public String toString() {
        return "%.3f W over %.6f s%s%s".formatted(watts, windowSeconds, enabled ? ", enabled" : ", disabled",
                clamped ? ", clamped" : "");
    }
}
