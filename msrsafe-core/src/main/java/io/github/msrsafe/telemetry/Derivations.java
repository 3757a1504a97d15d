package io.github.msrsafe.telemetry;

/**
 * The arithmetic that turns raw register readings into physical quantities: counter
 * deltas with wrap-around, turbostat's frequency and busy-time formulas, RAPL unit
 * scaling and the thermal readouts. Pure functions of primitives, so that a sampler
 * can apply them to every CPU without allocating, and a reader can check each one
 * against a hand computation.
 *
 * <p>Rates take the interval in seconds; an interval that is not positive, or a zero
 * denominator, gives {@link Double#NaN} rather than an infinity.
 */
public final class Derivations {

    private static final double HZ_PER_MHZ = 1e6;

    private Derivations() {}

    /**
     * How far a counter of {@code bitWidth} bits advanced from {@code previous} to
     * {@code current}, counting across one wrap: {@code (current - previous) mod 2^bitWidth}.
     * A 32-bit RAPL energy counter at 200 W and 2^-14 J units wraps in under six
     * minutes; a 64-bit TSC never does in practice, but the same arithmetic covers it.
     * The result is unsigned (for 64 bits, read it with {@link #unsigned(long)}).
     *
     * @param previous the earlier reading; bits above bitWidth are ignored
     * @param current  the later reading; bits above bitWidth are ignored
     * @param bitWidth the counter's width in bits, 1..64: 32 for the RAPL energy counters, 64
     *                 for the TSC, IA32_APERF and IA32_MPERF
     * @return the counts between the two readings, 0 to 2^bitWidth - 1
     * @throws IllegalArgumentException if bitWidth is outside 1..64
     */
    public static long counterDelta(long previous, long current, int bitWidth) {
        if (bitWidth < 1 || bitWidth > 64) {
            throw new IllegalArgumentException("counter width " + bitWidth + " bits is outside 1..64");
        }
        long mask = bitWidth == 64 ? -1L : (1L << bitWidth) - 1;
        return (current - previous) & mask;
    }

    /**
     * {@return {@code value} read as an unsigned 64-bit number, 0 to 2^64 - 1 (exact up to
     * 2^53, beyond that the nearest double)}
     *
     * @param value a 64-bit counter reading or delta
     */
    public static double unsigned(long value) {
        return value >= 0 ? value : (double) (value >>> 1) * 2.0 + (value & 1);
    }

    /**
     * turbostat's Avg_MHz: the average frequency over the whole interval, halted time
     * included, {@code ΔAPERF / Δt / 10^6}.
     *
     * @param aperfDelta how far IA32_APERF advanced over the interval (unsigned)
     * @param seconds    the interval's length in seconds
     * @return the average frequency in MHz; NaN if seconds is not positive
     */
    public static double averageMhz(long aperfDelta, double seconds) {
        return averageMhz(unsigned(aperfDelta), 1, seconds);
    }

    /**
     * turbostat's Busy%: the share of the interval the CPU spent in C0,
     * {@code 100 × ΔMPERF / ΔTSC} (MPERF counts at the TSC rate, but only in C0).
     *
     * @param mperfDelta how far IA32_MPERF advanced over the interval (unsigned)
     * @param tscDelta   how far the TSC advanced over the same interval (unsigned)
     * @return the busy share in percent, 0 to 100 (a little above 100 if the two counters were
     *         read at slightly different times); NaN if tscDelta is 0
     */
    public static double busyPercent(long mperfDelta, long tscDelta) {
        return busyPercent(unsigned(mperfDelta), unsigned(tscDelta));
    }

    /**
     * turbostat's Bzy_MHz: the average frequency while busy,
     * {@code ΔTSC / Δt / 10^6 × ΔAPERF / ΔMPERF}.
     *
     * @param tscDelta   how far the TSC advanced over the interval (unsigned)
     * @param aperfDelta how far IA32_APERF advanced over the interval (unsigned)
     * @param mperfDelta how far IA32_MPERF advanced over the interval (unsigned)
     * @param seconds    the interval's length in seconds
     * @return the busy frequency in MHz; NaN if mperfDelta is 0 (the CPU never left a halted
     *         state) or seconds is not positive
     */
    public static double busyMhz(long tscDelta, long aperfDelta, long mperfDelta, double seconds) {
        return busyMhz(unsigned(tscDelta), unsigned(aperfDelta), unsigned(mperfDelta), 1, seconds);
    }

    /**
     * turbostat's TSC_MHz: the time-stamp counter's rate, {@code ΔTSC / Δt / 10^6}.
     *
     * @param tscDelta how far the TSC advanced over the interval (unsigned)
     * @param seconds  the interval's length in seconds
     * @return the TSC's rate in MHz; NaN if seconds is not positive
     */
    public static double tscMhz(long tscDelta, double seconds) {
        return averageMhz(unsigned(tscDelta), 1, seconds);
    }

    /**
     * Average power over the interval: {@code ΔE × unit / Δt}, in watts.
     *
     * @param energyDelta   how far an energy-status counter advanced over the interval, in energy
     *                      units (unsigned; {@link #counterDelta} with 32 bits across a wrap)
     * @param joulesPerUnit joules per energy unit ({@link RaplUnits#joulesPerUnit()}, or the
     *                      fixed DRAM unit where the processor has one)
     * @param seconds       the interval's length in seconds
     * @return the average power in watts; NaN if seconds is not positive
     */
    public static double watts(long energyDelta, double joulesPerUnit, double seconds) {
        return seconds > 0 ? unsigned(energyDelta) * joulesPerUnit / seconds : Double.NaN;
    }

    // ---- the same over sums of deltas of several CPUs (a package's or the machine's average) ----

    /** Mean rate in MHz of {@code cpus} counters whose deltas add up to {@code deltaSum}. */
    static double averageMhz(double deltaSum, int cpus, double seconds) {
        return seconds > 0 && cpus > 0 ? deltaSum / cpus / seconds / HZ_PER_MHZ : Double.NaN;
    }

    static double busyPercent(double mperfSum, double tscSum) {
        return tscSum != 0 ? 100.0 * mperfSum / tscSum : Double.NaN;
    }

    static double busyMhz(double tscSum, double aperfSum, double mperfSum, int cpus, double seconds) {
        return mperfSum != 0 ? averageMhz(tscSum, cpus, seconds) * (aperfSum / mperfSum) : Double.NaN;
    }

    // ---- RAPL units (MSR_RAPL_POWER_UNIT 0x606; AMD RAPL_PWR_UNIT 0xC0010299 has the same fields) ----

    /**
     * {@return watts per power-limit unit: {@code 1 / 2^bits[3:0]}}
     *
     * @param raplPowerUnit the value of MSR_RAPL_POWER_UNIT (0x606) or AMD RAPL_PWR_UNIT (0xC0010299)
     */
    public static double raplPowerUnit(long raplPowerUnit) {
        return Math.scalb(1.0, -(int) (raplPowerUnit & 0xF));
    }

    /**
     * {@return joules per energy-status unit: {@code 1 / 2^bits[12:8]}}
     *
     * @param raplPowerUnit the value of MSR_RAPL_POWER_UNIT (0x606) or AMD RAPL_PWR_UNIT (0xC0010299)
     */
    public static double raplEnergyUnit(long raplPowerUnit) {
        return Math.scalb(1.0, -(int) ((raplPowerUnit >>> 8) & 0x1F));
    }

    /**
     * {@return seconds per time unit: {@code 1 / 2^bits[19:16]}}
     *
     * @param raplPowerUnit the value of MSR_RAPL_POWER_UNIT (0x606) or AMD RAPL_PWR_UNIT (0xC0010299)
     */
    public static double raplTimeUnit(long raplPowerUnit) {
        return Math.scalb(1.0, -(int) ((raplPowerUnit >>> 16) & 0xF));
    }

    // ---- thermal ----

    /**
     * {@return TjMax, the throttling temperature in °C: MSR_TEMPERATURE_TARGET bits 23:16}
     *
     * @param temperatureTarget the value of MSR_TEMPERATURE_TARGET (0x1A2)
     */
    public static int tjMax(long temperatureTarget) {
        return (int) ((temperatureTarget >>> 16) & 0xFF);
    }

    /**
     * A core's temperature in °C from IA32_THERM_STATUS: TjMax minus the digital readout
     * (bits 22:16, degrees below TjMax); NaN when the reading-valid bit 31 is clear.
     *
     * @param thermStatus the value of IA32_THERM_STATUS (0x19C)
     * @param tjMax       the package's TjMax in °C ({@link #tjMax(long)})
     * @return the core's temperature in °C, or NaN if the reading is not valid
     */
    public static double coreTemperature(long thermStatus, int tjMax) {
        if ((thermStatus & (1L << 31)) == 0) {
            return Double.NaN;
        }
        return tjMax - digitalReadout(thermStatus);
    }

    /**
     * The package temperature in °C from IA32_PACKAGE_THERM_STATUS: TjMax minus the digital
     * readout (bits 22:16). The package register has no valid bit.
     *
     * @param packageThermStatus the value of IA32_PACKAGE_THERM_STATUS (0x1B1)
     * @param tjMax              the package's TjMax in °C ({@link #tjMax(long)})
     * @return the package's temperature in °C
     */
    public static double packageTemperature(long packageThermStatus, int tjMax) {
        return tjMax - digitalReadout(packageThermStatus);
    }

    private static int digitalReadout(long thermStatus) {
        return (int) ((thermStatus >>> 16) & 0x7F);
    }

    // ---- counters that may wrap more than once ----

    /**
     * Whether a counter of {@code bitWidth} bits could have wrapped more than once in an interval:
     * true when the most it can count in that time, at its highest rate, reaches
     * {@code delta + 2^bitWidth}, so that {@code delta} and {@code delta + 2^bitWidth} are both
     * possible and the interval's true count cannot be known.
     *
     * @param delta       the counter's advance modulo 2^bitWidth ({@link #counterDelta})
     * @param bitWidth    the counter's width, 1..63
     * @param maxPerSecond the highest rate it can count at, in counts per second (for an energy
     *                    counter: the package's maximum power / joules per unit); NaN if unknown
     * @param seconds     the interval's length
     * @return true if the advance is ambiguous; false if it is certain, or the rate is unknown
     */
    public static boolean mayHaveWrappedTwice(long delta, int bitWidth, double maxPerSecond, double seconds) {
        if (Double.isNaN(maxPerSecond) || !(seconds > 0)) {
            return false;
        }
        return unsigned(delta) + Math.scalb(1.0, bitWidth) <= maxPerSecond * seconds;
    }

    /**
     * {@return the shortest time a counter of {@code bitWidth} bits takes to wrap, counting at
     * {@code maxPerSecond}; NaN if the rate is unknown or not positive} Sampling at least this
     * often keeps every interval's advance certain.
     *
     * @param bitWidth     the counter's width, 1..63
     * @param maxPerSecond its highest rate, in counts per second
     */
    public static double wrapSeconds(int bitWidth, double maxPerSecond) {
        return maxPerSecond > 0 ? Math.scalb(1.0, bitWidth) / maxPerSecond : Double.NaN;
    }

    // ---- residencies, ratios, RAPL status ----

    /**
     * {@return a residency counter's share of the interval in percent: {@code 100 × Δresidency / ΔTSC}
     * (C-state residency counters count at the TSC's rate); NaN if tscDelta is 0}
     *
     * @param residencyDelta how far the residency counter advanced (unsigned)
     * @param tscDelta       how far the TSC advanced on the CPU it was read on (unsigned)
     */
    public static double residencyPercent(long residencyDelta, long tscDelta) {
        return busyPercent(unsigned(residencyDelta), unsigned(tscDelta));
    }

    /**
     * {@return turbostat's CPU%c1: the share of the interval neither busy nor in a deeper state,
     * {@code 100 × (ΔTSC − ΔMPERF − Δdeeper) / ΔTSC}, at least 0; NaN if tscDelta is 0}
     *
     * @param tscDelta    how far the TSC advanced (unsigned)
     * @param mperfDelta  how far IA32_MPERF advanced (unsigned)
     * @param deeperDelta the sum of the core's deeper residency counters' advances (C3, C6, C7)
     */
    public static double c1Percent(long tscDelta, long mperfDelta, double deeperDelta) {
        double tsc = unsigned(tscDelta);
        if (tsc == 0) {
            return Double.NaN;
        }
        return Math.max(0, 100.0 * (tsc - unsigned(mperfDelta) - deeperDelta) / tsc);
    }

    /**
     * {@return a frequency from a 7-bit ratio field at {@code shift}: {@code ratio × 100 MHz}}
     *
     * @param value the register's value (MSR_UNCORE_PERF_STATUS, MSR_UNCORE_RATIO_LIMIT, ...)
     * @param shift where the ratio field starts: 0 for a current ratio or a maximum, 8 for
     *              MSR_UNCORE_RATIO_LIMIT's minimum
     */
    public static double ratioMhz(long value, int shift) {
        return ((value >>> shift) & 0x7F) * Msr.BUS_MHZ;
    }

    /**
     * {@return the share of the interval RAPL throttled a domain, in percent: {@code 100 × Δstatus ×
     * time unit / Δt}, from MSR_PKG_PERF_STATUS or MSR_DRAM_PERF_STATUS; NaN if seconds is not positive}
     *
     * @param statusDelta    how far the perf-status counter advanced (modulo 2^32), in time units
     * @param secondsPerUnit the time unit ({@link #raplTimeUnit(long)})
     * @param seconds        the interval's length
     */
    public static double throttledPercent(long statusDelta, double secondsPerUnit, double seconds) {
        return seconds > 0 ? 100.0 * unsigned(statusDelta) * secondsPerUnit / seconds : Double.NaN;
    }

    /**
     * {@return the maximum power field of MSR_PKG_POWER_INFO or MSR_DRAM_POWER_INFO (bits 46:32) in
     * watts; NaN when the field is 0 (not given)}
     *
     * @param powerInfo    the register's value
     * @param wattsPerUnit the power unit ({@link #raplPowerUnit(long)})
     */
    public static double maxPowerWatts(long powerInfo, double wattsPerUnit) {
        long field = (powerInfo >>> 32) & 0x7FFF;
        return field == 0 ? Double.NaN : field * wattsPerUnit;
    }
}
