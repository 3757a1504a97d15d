package io.github.msrsafe.telemetry;

import java.util.Objects;

/**
 * Why a sample has no value for a quantity at one or more of its positions: a register that
 * did not read (a CPU went offline, the allowlist changed, the processor faulted), or an
 * energy counter whose interval was long enough to wrap more than once. The other quantities of
 * the sample are unaffected.
 *
 * @param quantity the signal or register column without a value
 * @param reason   what went wrong, in one line, naming the CPU and register, e.g.
 *                 "CPU 5: ENXIO (CPU offline) reading IA32_APERF (0xE8)"
 */
public record SignalFailure(Quantity quantity, String reason) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException if either is null
     */
    public SignalFailure {
        Objects.requireNonNull(quantity, "quantity");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return quantity.columnName() + ": " + reason;
    }
}
