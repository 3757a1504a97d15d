package io.github.msrsafe.telemetry;

import java.util.Objects;

/**
 * The two limits of MSR_PKG_POWER_LIMIT (0x610) in watts and seconds, and the codec
 * between them and the register's fields (Intel SDM vol. 3B, RAPL):
 * <table>
 * <caption>MSR_PKG_POWER_LIMIT</caption>
 * <tr><th>bits</th><th>field</th></tr>
 * <tr><td>14:0</td><td>PL1 power, in power units</td></tr>
 * <tr><td>15, 16</td><td>PL1 enable, clamp</td></tr>
 * <tr><td>23:17</td><td>PL1 time window: Y in 21:17, Z in 23:22, window {@code 2^Y × (1 + Z/4)} time units</td></tr>
 * <tr><td>46:32, 47, 48, 55:49</td><td>the same fields for PL2</td></tr>
 * <tr><td>63</td><td>lock: the register ignores writes until reset</td></tr>
 * </table>
 * The units come from MSR_RAPL_POWER_UNIT ({@link RaplUnits}).
 *
 * {@snippet :
 * RaplUnits units = RaplUnits.decode(0x000A0E03L);                   // 1/8 W, 2^-10 s
 * PackagePowerLimit limits = PackagePowerLimit.decode(0x00DD84E000DD83E8L, units);
 * // PL1 125 W over 28 s (Y 14, Z 3: 2^14 x 1.75 x 2^-10 s), enabled and clamped; PL2 156 W over 28 s
 * long raw = limits.withPl1(limits.pl1().withWatts(100)).encode(0x00DD84E000DD83E8L, units);
 * }
 *
 * @param pl1    the long-term limit (bits 23:0)
 * @param pl2    the short-term limit (bits 55:32)
 * @param locked bit 63
 */
public record PackagePowerLimit(PowerLimit pl1, PowerLimit pl2, boolean locked) {

    /** The bits of PL1 in the register (power, enable, clamp, window). */
    public static final long PL1_BITS = 0x0000_0000_00FF_FFFFL;

    /** The bits of PL2 in the register. */
    public static final long PL2_BITS = 0x00FF_FFFF_0000_0000L;

    /** Bit 63, the lock. */
    public static final long LOCK_BIT = 1L << 63;

    /** The largest value of a 15-bit power field. */
    public static final int MAX_POWER_FIELD = 0x7FFF;

    /** The largest value of the 7-bit time-window field. */
    public static final int MAX_WINDOW_FIELD = 0x7F;

    private static final int PL2_SHIFT = 32;

    /**
     * Checks that both limits are given.
     *
     * @throws NullPointerException if pl1 or pl2 is null
     */
    public PackagePowerLimit {
        Objects.requireNonNull(pl1, "pl1");
        Objects.requireNonNull(pl2, "pl2");
    }

    /**
     * {@return the limits in a raw MSR_PKG_POWER_LIMIT value, in watts and seconds}
     *
     * @param raw   the register's value as read; its reserved bits are ignored
     * @param units the package's RAPL units, from MSR_RAPL_POWER_UNIT
     */
    public static PackagePowerLimit decode(long raw, RaplUnits units) {
        return new PackagePowerLimit(decodeLimit((int) raw, units), decodeLimit((int) (raw >>> PL2_SHIFT), units),
                (raw & LOCK_BIT) != 0);
    }

    /**
     * The register value that holds these limits: {@code current} with the PL1, PL2 and
     * lock fields replaced and every other bit (the reserved ones) kept. Watts and
     * seconds round to the nearest value the fields can hold.
     *
     * @param current the register's value now, whose reserved bits the result keeps
     * @param units   the package's RAPL units, from MSR_RAPL_POWER_UNIT
     * @return the value to write to MSR_PKG_POWER_LIMIT
     * @throws IllegalArgumentException if a limit needs more than the 15-bit power field
     *                                  or lies outside the time windows the field can encode
     */
    public long encode(long current, RaplUnits units) {
        long fields = encodeLimit(pl1, units, "PL1") | ((long) encodeLimit(pl2, units, "PL2") << PL2_SHIFT)
                | (locked ? LOCK_BIT : 0);
        return (current & ~(PL1_BITS | PL2_BITS | LOCK_BIT)) | fields;
    }

    /**
     * {@return these limits with another PL1; PL2 and the lock unchanged}
     *
     * @param limit the new long-term limit
     * @throws NullPointerException if limit is null
     */
    public PackagePowerLimit withPl1(PowerLimit limit) {
        return new PackagePowerLimit(limit, pl2, locked);
    }

    /**
     * {@return these limits with another PL2; PL1 and the lock unchanged}
     *
     * @param limit the new short-term limit
     * @throws NullPointerException if limit is null
     */
    public PackagePowerLimit withPl2(PowerLimit limit) {
        return new PackagePowerLimit(pl1, limit, locked);
    }

    // ---- the field codecs, on primitives so that a sampler can use them without allocating ----

    /**
     * {@return the watts of the 15-bit power field (bits 14:0) of a 24-bit limit}
     *
     * @param limitBits    the limit's bits: the register's PL1 bits, or its PL2 bits shifted
     *                     down by 32; only bits 14:0 are read
     * @param wattsPerUnit watts per power unit ({@link RaplUnits#wattsPerUnit()})
     */
    public static double watts(long limitBits, double wattsPerUnit) {
        return (limitBits & MAX_POWER_FIELD) * wattsPerUnit;
    }

    /**
     * {@return the seconds of the 7-bit time-window field (bits 23:17) of a 24-bit limit}
     *
     * @param limitBits      the limit's bits, as for {@link #watts(long, double)}; only bits
     *                       23:17 are read
     * @param secondsPerUnit seconds per time unit ({@link RaplUnits#secondsPerUnit()})
     */
    public static double windowSeconds(long limitBits, double secondsPerUnit) {
        return decodeWindow((int) ((limitBits >>> 17) & MAX_WINDOW_FIELD), secondsPerUnit);
    }

    /**
     * The seconds a 7-bit time-window field stands for: {@code 2^Y × (1 + Z/4) × unit}, with
     * Y its low 5 bits and Z its high 2 bits.
     *
     * @param field          the field's value, 0..127
     * @param secondsPerUnit seconds per time unit ({@link RaplUnits#secondsPerUnit()})
     * @return the window in seconds
     * @throws IllegalArgumentException if field is outside 0..127
     */
    public static double decodeWindow(int field, double secondsPerUnit) {
        if (field < 0 || field > MAX_WINDOW_FIELD) {
            throw new IllegalArgumentException("time-window field " + field + " is outside 0..127");
        }
        int y = field & 0x1F;
        int z = field >>> 5;
        return Math.scalb(1.0 + z / 4.0, y) * secondsPerUnit;
    }

    /**
     * The 7-bit time-window field nearest to {@code seconds} (the smaller window on a tie).
     *
     * @param seconds        the window wanted, in seconds
     * @param secondsPerUnit seconds per time unit ({@link RaplUnits#secondsPerUnit()})
     * @return the field's value, 0..127, for bits 23:17 of a limit
     * @throws IllegalArgumentException if seconds lies outside the smallest and largest
     *                                  windows the field encodes (1 and 2^31 × 1.75 time units)
     */
    public static int encodeWindow(double seconds, double secondsPerUnit) {
        double smallest = decodeWindow(0, secondsPerUnit);
        double largest = decodeWindow(MAX_WINDOW_FIELD, secondsPerUnit);
        if (!(seconds >= smallest && seconds <= largest)) {
            throw new IllegalArgumentException("time window " + seconds + " s is outside the " + smallest + " to "
                    + largest + " s the register can encode with a time unit of " + secondsPerUnit + " s");
        }
        int best = 0;
        double bestError = Double.POSITIVE_INFINITY;
        for (int field = 0; field <= MAX_WINDOW_FIELD; field++) {
            double error = Math.abs(decodeWindow(field, secondsPerUnit) - seconds);
            if (error < bestError || (error == bestError && decodeWindow(field, secondsPerUnit)
                    < decodeWindow(best, secondsPerUnit))) {
                best = field;
                bestError = error;
            }
        }
        return best;
    }

    /**
     * The 15-bit power field nearest to {@code watts}.
     *
     * @param watts        the limit wanted, in watts
     * @param wattsPerUnit watts per power unit ({@link RaplUnits#wattsPerUnit()})
     * @return the field's value, 0..32767, for bits 14:0 of a limit
     * @throws IllegalArgumentException if watts, rounded to whole units, is below 0 or above
     *                                  {@code 32767 × unit}, or is NaN
     */
    public static int encodeWatts(double watts, double wattsPerUnit) {
        double units = Math.rint(watts / wattsPerUnit);
        if (!(units >= 0 && units <= MAX_POWER_FIELD)) {
            throw new IllegalArgumentException("power limit " + watts + " W is outside 0 to "
                    + MAX_POWER_FIELD * wattsPerUnit + " W, what the 15-bit field holds in units of "
                    + wattsPerUnit + " W");
        }
        return (int) units;
    }

    private static PowerLimit decodeLimit(int bits, RaplUnits units) {
        return new PowerLimit(watts(bits, units.wattsPerUnit()), windowSeconds(bits, units.secondsPerUnit()),
                (bits & (1 << 15)) != 0, (bits & (1 << 16)) != 0);
    }

    private static int encodeLimit(PowerLimit limit, RaplUnits units, String which) {
        int power;
        int window;
        try {
            power = encodeWatts(limit.watts(), units.wattsPerUnit());
            window = encodeWindow(limit.windowSeconds(), units.secondsPerUnit());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(which + ": " + e.getMessage(), e);
        }
        return power | (limit.enabled() ? 1 << 15 : 0) | (limit.clamped() ? 1 << 16 : 0) | (window << 17);
    }
}
