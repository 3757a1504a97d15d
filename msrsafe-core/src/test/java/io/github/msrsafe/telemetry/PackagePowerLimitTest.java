package io.github.msrsafe.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** MSR_PKG_POWER_LIMIT in watts and seconds: hand-decoded fixtures and the encoding round trip. */
class PackagePowerLimitTest {

    private static final RaplUnits UNITS = RaplUnits.decode(0x000A_0E03L); // 1/8 W, 2^-14 J, 2^-10 s
    private static final double SECOND_UNIT = UNITS.secondsPerUnit();
    // The simulated device's reset value: PL1 0xDD83E8, PL2 0xDD84E0 (see below).
    private static final long SIMULATED = 0x00DD_84E0_00DD_83E8L;

    @Test
    void decodesAHandWorkedValue() {
        // PL1 = 0x00DD83E8: power 0x3E8 = 1000 x 1/8 W = 125 W; bit 15 enable; 0xDD83E8 >> 16 = 0xDD, bit 0 of it
        // (bit 16) clamp; window field bits 23:17 = 0xDD >> 1 = 0x6E: Y = 0x0E = 14, Z = 0x6E >> 5 = 3,
        // 2^14 x (1 + 3/4) x 2^-10 s = 28 s. PL2 = 0x00DD84E0: power 0x4E0 = 1248 -> 156 W, same window.
        PackagePowerLimit limits = PackagePowerLimit.decode(SIMULATED, UNITS);
        assertEquals(new PowerLimit(125.0, 28.0, true, true), limits.pl1());
        assertEquals(new PowerLimit(156.0, 28.0, true, true), limits.pl2());
        assertFalse(limits.locked());
        assertTrue(PackagePowerLimit.decode(SIMULATED | PackagePowerLimit.LOCK_BIT, UNITS).locked());
    }

    @Test
    void encodesAHandWorkedValueKeepingReservedBits() {
        PackagePowerLimit limits = PackagePowerLimit.decode(SIMULATED, UNITS);
        PackagePowerLimit wanted = limits.withPl1(new PowerLimit(100, 1.0, true, false));
        // PL1: 100 W = 800 units = 0x320; enable 0x8000; no clamp; 1 s = 2^10 units: Y = 10, Z = 0, field 10,
        // 10 << 17 = 0x140000. Total 0x148320. PL2 unchanged.
        assertEquals(0x00DD_84E0_0014_8320L, wanted.encode(SIMULATED, UNITS));
        // A reserved bit set in the current value (bit 24) is kept, not cleared.
        assertEquals(0x00DD_84E0_0114_8320L, wanted.encode(SIMULATED | (1L << 24), UNITS));
        // The lock is written only when asked for.
        assertEquals(PackagePowerLimit.LOCK_BIT | 0x00DD_84E0_0014_8320L,
                new PackagePowerLimit(wanted.pl1(), wanted.pl2(), true).encode(SIMULATED, UNITS));
    }

    @Test
    void timeWindowFieldHandExamples() {
        assertEquals(SECOND_UNIT, PackagePowerLimit.decodeWindow(0, SECOND_UNIT));                  // 2^0 x 1
        assertEquals(1.0, PackagePowerLimit.decodeWindow(10, SECOND_UNIT));                         // 2^10 x 1
        assertEquals(2.5 * SECOND_UNIT, PackagePowerLimit.decodeWindow((1 << 5) | 1, SECOND_UNIT)); // 2^1 x 1.25
        assertEquals(Math.scalb(1.75, 31) * SECOND_UNIT, PackagePowerLimit.decodeWindow(0x7F, SECOND_UNIT));
        assertEquals(10, PackagePowerLimit.encodeWindow(1.0, SECOND_UNIT));
        // 2.56 units: the candidates near it are 2 (Y1 Z0), 2.5 (Y1 Z1), 3 (Y1 Z2); 2.5 is nearest.
        assertEquals((1 << 5) | 1, PackagePowerLimit.encodeWindow(2.56 * SECOND_UNIT, SECOND_UNIT));
        // 28 s = 28672 units = 2^14 x 1.75.
        assertEquals((3 << 5) | 14, PackagePowerLimit.encodeWindow(28.0, SECOND_UNIT));
    }

    @Test
    void everyWindowFieldRoundTrips() {
        for (int field = 0; field <= PackagePowerLimit.MAX_WINDOW_FIELD; field++) {
            double seconds = PackagePowerLimit.decodeWindow(field, SECOND_UNIT);
            assertEquals(field, PackagePowerLimit.encodeWindow(seconds, SECOND_UNIT), "field " + field);
        }
    }

    @Property
    void anyRepresentableLimitRoundTripsThroughTheRegister(@ForAll @IntRange(max = 0x7FFF) int power1,
            @ForAll @IntRange(max = 0x7F) int window1, @ForAll @IntRange(max = 0x7FFF) int power2,
            @ForAll @IntRange(max = 0x7F) int window2, @ForAll boolean enable, @ForAll boolean clamp) {
        PackagePowerLimit limits = new PackagePowerLimit(
                new PowerLimit(power1 * UNITS.wattsPerUnit(), PackagePowerLimit.decodeWindow(window1, SECOND_UNIT),
                        enable, clamp),
                new PowerLimit(power2 * UNITS.wattsPerUnit(), PackagePowerLimit.decodeWindow(window2, SECOND_UNIT),
                        clamp, enable),
                false);
        long raw = limits.encode(0, UNITS);
        assertEquals(limits, PackagePowerLimit.decode(raw, UNITS));
        // And register -> limits -> register gives back the same bits.
        assertEquals(raw, PackagePowerLimit.decode(raw, UNITS).encode(0, UNITS));
    }

    @Property
    void anyWindowInRangeEncodesToTheNearestStep(@ForAll @DoubleRange(min = -10, max = 21) double log2Seconds) {
        double seconds = Math.pow(2, log2Seconds); // 1 ms to 24 days, spread evenly over the binades
        double encoded = PackagePowerLimit.decodeWindow(PackagePowerLimit.encodeWindow(seconds, SECOND_UNIT), SECOND_UNIT);
        // Steps are 2^Y x {1, 1.25, 1.5, 1.75}: neighbours a < b differ by at most a/4, so the nearest is within 12.5%.
        assertTrue(Math.abs(encoded - seconds) <= 0.125 * seconds, seconds + " s encoded as " + encoded + " s");
        for (int field = 0; field <= PackagePowerLimit.MAX_WINDOW_FIELD; field++) {
            double other = PackagePowerLimit.decodeWindow(field, SECOND_UNIT);
            assertTrue(Math.abs(other - seconds) >= Math.abs(encoded - seconds),
                    "field " + field + " (" + other + " s) is nearer to " + seconds + " s than " + encoded + " s");
        }
    }

    @Test
    void wattsRoundToTheNearestUnit() {
        assertEquals(800, PackagePowerLimit.encodeWatts(100.0, 0.125));
        assertEquals(801, PackagePowerLimit.encodeWatts(100.1, 0.125));   // 800.8 units
        assertEquals(800, PackagePowerLimit.encodeWatts(100.05, 0.125));  // 800.4 units
        assertEquals(0x7FFF, PackagePowerLimit.encodeWatts(4095.875, 0.125));
    }

    @Test
    void outOfRangeValuesAreRefusedWithTheValue() {
        IllegalArgumentException watts = assertThrows(IllegalArgumentException.class,
                () -> PackagePowerLimit.encodeWatts(4096.5, 0.125));
        assertTrue(watts.getMessage().contains("4096.5"), watts.getMessage());
        IllegalArgumentException window = assertThrows(IllegalArgumentException.class,
                () -> PackagePowerLimit.encodeWindow(0.0001, SECOND_UNIT));
        assertTrue(window.getMessage().contains("1.0E-4"), window.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> new PowerLimit(-1, 1, true, false));
        assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
        IllegalArgumentException inRecord = assertThrows(IllegalArgumentException.class,
                () -> PackagePowerLimit.decode(SIMULATED, UNITS).withPl2(new PowerLimit(5000, 1, true, false))
                        .encode(SIMULATED, UNITS));
        assertTrue(inRecord.getMessage().startsWith("PL2: "), inRecord.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PackagePowerLimit.decodeWindow(128, SECOND_UNIT));
    }
}
