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

    public PowerLimit {
        if (!(watts >= 0) || Double.isInfinite(watts)) {
            throw new IllegalArgumentException("a power limit must be a finite number of watts >= 0: " + watts);
        }
        if (!(windowSeconds > 0) || Double.isInfinite(windowSeconds)) {
            throw new IllegalArgumentException("a time window must be a finite number of seconds > 0: " + windowSeconds);
        }
    }

    /** This limit with another wattage. */
    public PowerLimit withWatts(double newWatts) {
        return new PowerLimit(newWatts, windowSeconds, enabled, clamped);
    }

    /** This limit with another time window. */
    public PowerLimit withWindowSeconds(double seconds) {
        return new PowerLimit(watts, seconds, enabled, clamped);
    }

    @Override
    public String toString() {
        return "%.3f W over %.6f s%s%s".formatted(watts, windowSeconds, enabled ? ", enabled" : ", disabled",
                clamped ? ", clamped" : "");
    }
}
