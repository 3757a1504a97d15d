package io.github.msrsafe.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.registers.CpuIdentity;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Every formula against numbers worked out by hand (the working is in the comments). */
class DerivationsTest {

    private static final double EXACT = 0;

    @Test
    void thirtyTwoBitCounterDeltaCountsAcrossTheWrap() {
        assertEquals(0x100, Derivations.counterDelta(0x1000, 0x1100, 32));
        // 0xFFFFFF00 -> 0x100: 0x100 to the wrap, 0x100 after it.
        assertEquals(0x200, Derivations.counterDelta(0xFFFF_FF00L, 0x100, 32));
        // Bits above the width are ignored (the energy registers' upper half is reserved).
        assertEquals(5, Derivations.counterDelta(0xABCD_0000_FFFF_FFFEL, 0x1234_0000_0000_0003L, 32));
        // No change is 0, not 2^32.
        assertEquals(0, Derivations.counterDelta(0x1234, 0x1234, 32));
    }

    @Test
    void sixtyFourBitCounterDeltaCountsAcrossTheWrap() {
        assertEquals(32, Derivations.counterDelta(-16L, 16L, 64));
        assertEquals(2_400_000_000L, Derivations.counterDelta(1_000L, 2_400_001_000L, 64));
        // Above 2^63 the delta is unsigned.
        long huge = Derivations.counterDelta(0, Long.MIN_VALUE + 1, 64);
        assertEquals(9.223372036854775808E18, Derivations.unsigned(huge), 1e4);
        assertEquals(18446744073709551615.0, Derivations.unsigned(-1L), EXACT);
    }

    @Test
    void counterWidthOutsideOneToSixtyFourIsRefusedWithTheWidth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Derivations.counterDelta(0, 1, 65));
        assertTrue(e.getMessage().contains("65"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Derivations.counterDelta(0, 1, 0));
    }

    @Test
    void turbostatFrequencyFormulas() {
        // One second in which TSC ticked 2.4e9 (2.4 GHz), MPERF 0.6e9 (busy 25% of it) and
        // APERF 0.7e9 (at 2.8 GHz while busy).
        long tsc = 2_400_000_000L;
        long mperf = 600_000_000L;
        long aperf = 700_000_000L;
        assertEquals(700.0, Derivations.averageMhz(aperf, 1.0), 1e-9);     // 0.7e9 / 1 s / 1e6
        assertEquals(25.0, Derivations.busyPercent(mperf, tsc), 1e-12);     // 100 * 0.6 / 2.4
        assertEquals(2800.0, Derivations.busyMhz(tsc, aperf, mperf, 1.0), 1e-9); // 2400 * 0.7 / 0.6
        assertEquals(2400.0, Derivations.tscMhz(tsc, 1.0), 1e-9);
        // Half a second: the same deltas mean twice the rates, Busy% unchanged.
        assertEquals(1400.0, Derivations.averageMhz(aperf, 0.5), 1e-9);
        assertEquals(4800.0, Derivations.tscMhz(tsc, 0.5), 1e-9);
        assertEquals(5600.0, Derivations.busyMhz(tsc, aperf, mperf, 0.5), 1e-9);
    }

    @Test
    void ratesWithoutAnIntervalOrADenominatorAreNaN() {
        assertTrue(Double.isNaN(Derivations.averageMhz(1000, 0)));
        assertTrue(Double.isNaN(Derivations.tscMhz(1000, -1)));
        assertTrue(Double.isNaN(Derivations.busyPercent(1000, 0)));
        assertTrue(Double.isNaN(Derivations.busyMhz(1000, 1000, 0, 1)));
        assertTrue(Double.isNaN(Derivations.watts(1000, 1e-6, 0)));
        assertTrue(Double.isNaN(Derivations.averageMhz(1000, Double.NaN)));
    }

    @Test
    void raplUnitsOfIntelAndAmdFixtures() {
        // Intel server value 0x000A0E03: power 2^-3 W, energy 2^-14 J, time 2^-10 s.
        RaplUnits intel = RaplUnits.decode(0x000A_0E03L);
        assertEquals(0.125, intel.wattsPerUnit(), EXACT);
        assertEquals(6.103515625e-05, intel.joulesPerUnit(), EXACT);
        assertEquals(9.765625e-04, intel.secondsPerUnit(), EXACT);
        // AMD RAPL_PWR_UNIT (0xC0010299) as Zen 3/4 report it, 0x000A1003: energy 2^-16 J = 15.2587890625 µJ.
        RaplUnits amd = RaplUnits.decode(0x000A_1003L);
        assertEquals(0.125, amd.wattsPerUnit(), EXACT);
        assertEquals(1.52587890625e-05, amd.joulesPerUnit(), EXACT);
        assertEquals(9.765625e-04, amd.secondsPerUnit(), EXACT);
        // Bits outside the three fields do not matter.
        assertEquals(intel, RaplUnits.decode(0x000A_0E03L | ~0x000F_1F0FL));
    }

    @Test
    void energyDeltaToWattsWithUnitScalingAndWrap() {
        double unit = Derivations.raplEnergyUnit(0x000A_0E03L); // 2^-14 J
        // 65 W for one second is 65 * 2^14 = 1,064,960 units.
        assertEquals(65.0, Derivations.watts(1_064_960, unit, 1.0), EXACT);
        // Counter from 0xFFFF0000 to 0x0000FFFF: 0x10000 + 0xFFFF = 131,071 units = 7.99993896484375 J,
        // over half a second: 15.9998779296875 W.
        long delta = Derivations.counterDelta(0xFFFF_0000L, 0x0000_FFFFL, 32);
        assertEquals(131_071, delta);
        assertEquals(15.9998779296875, Derivations.watts(delta, unit, 0.5), EXACT);
        // AMD's unit 2^-16 J: 280 W for 2 s is 280 * 2 * 65536 = 36,700,160 units.
        assertEquals(280.0, Derivations.watts(36_700_160, Derivations.raplEnergyUnit(0x000A_1003L), 2.0), EXACT);
        // Intel server DRAM: 15.3 µJ units; 1,000,000 units in 2 s = 15.3 J / 2 s = 7.65 W.
        assertEquals(7.65, Derivations.watts(1_000_000, RaplUnits.SERVER_DRAM_JOULES_PER_UNIT, 2.0), 1e-12);
    }

    @Test
    void serverDramUnitIsChosenByModel() {
        assertEquals(OptionalDouble.of(15.3e-6), RaplUnits.dramJoulesPerUnit(new CpuIdentity(CpuIdentity.INTEL, 6, 0x55)));
        assertEquals(OptionalDouble.of(15.3e-6), RaplUnits.dramJoulesPerUnit(new CpuIdentity(CpuIdentity.INTEL, 6, 0x8F)));
        assertEquals(OptionalDouble.empty(), RaplUnits.dramJoulesPerUnit(new CpuIdentity(CpuIdentity.INTEL, 6, 0x9E)));
        assertEquals(OptionalDouble.empty(), RaplUnits.dramJoulesPerUnit(new CpuIdentity(CpuIdentity.AMD, 0x19, 0x11)));
    }

    @Test
    void temperaturesFromTheDigitalReadoutAndTjMax() {
        // MSR_TEMPERATURE_TARGET 0x00640000: TjMax 0x64 = 100 °C. An activation offset in bits 29:24
        // (here 10) does not move TjMax: the readouts count down from TjMax itself.
        assertEquals(100, Derivations.tjMax(0x0064_0000L));
        assertEquals(100, Derivations.tjMax(0x0A64_0000L));
        assertEquals(105, Derivations.tjMax(0x0069_0000L));
        // IA32_THERM_STATUS 0x88390000: valid (bit 31), readout 0x39 = 57 below TjMax -> 43 °C.
        assertEquals(43.0, Derivations.coreTemperature(0x8839_0000L, 100), EXACT);
        // Status and log bits (0..15) do not disturb the readout.
        assertEquals(43.0, Derivations.coreTemperature(0x8839_0003L, 100), EXACT);
        // Reading not valid: no temperature.
        assertTrue(Double.isNaN(Derivations.coreTemperature(0x0839_0000L, 100)));
        // IA32_PACKAGE_THERM_STATUS 0x00370000: readout 55 -> 45 °C at TjMax 100; there is no valid bit.
        assertEquals(45.0, Derivations.packageTemperature(0x0037_0000L, 100), EXACT);
        assertEquals(45.0, Derivations.packageTemperature(0x8837_0000L, 100), EXACT);
        // The readout is 7 bits: 0x7F below TjMax 105 is -22 °C.
        assertEquals(-22.0, Derivations.packageTemperature(0x007F_0000L, 105), EXACT);
    }
}
