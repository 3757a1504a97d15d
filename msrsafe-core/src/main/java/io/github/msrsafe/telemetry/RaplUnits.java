package io.github.msrsafe.telemetry;

import io.github.msrsafe.registers.CpuIdentity;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The units of the RAPL registers, decoded from MSR_RAPL_POWER_UNIT (0x606) on Intel
 * or RAPL_PWR_UNIT (0xC0010299) on AMD, which share the layout: power in
 * {@code 1/2^bits[3:0]} W, energy in {@code 1/2^bits[12:8]} J, time in
 * {@code 1/2^bits[19:16]} s.
 *
 * {@snippet :
 * RaplUnits units = RaplUnits.decode(0x000A0E03L);   // 1/8 W, 2^-14 J (61 µJ), 2^-10 s (977 µs)
 * }
 *
 * @param wattsPerUnit   watts per unit of a power-limit field
 * @param joulesPerUnit  joules per unit of an energy-status counter
 * @param secondsPerUnit seconds per time unit (the base of the power-limit time window)
 */
public record RaplUnits(double wattsPerUnit, double joulesPerUnit, double secondsPerUnit) {

    /**
     * The DRAM energy unit of Intel server processors, 15.3 µJ, which their DRAM energy
     * counter uses instead of the unit in MSR_RAPL_POWER_UNIT (Intel's Xeon datasheets).
     */
    public static final double SERVER_DRAM_JOULES_PER_UNIT = 15.3e-6;

    // Family 6 models whose MSR_DRAM_ENERGY_STATUS counts in the fixed server unit: Haswell-EP,
    // Broadwell-EP and -DE, Skylake-SP/Cascade Lake, Xeon Phi (Knights Landing and Mill),
    // Ice Lake-SP and -D, Sapphire Rapids, Emerald Rapids.
    private static final Set<Integer> FIXED_DRAM_UNIT_MODELS = Set.of(0x3F, 0x4F, 0x56, 0x55, 0x57, 0x85, 0x6A,
            0x6C, 0x8F, 0xCF);

    /**
     * Checks the units.
     *
     * @throws IllegalArgumentException if a unit is zero, negative or NaN; the message gives all three
     */
    public RaplUnits {
        if (!(wattsPerUnit > 0) || !(joulesPerUnit > 0) || !(secondsPerUnit > 0)) {
            throw new IllegalArgumentException("RAPL units must be positive: " + wattsPerUnit + " W, "
                    + joulesPerUnit + " J, " + secondsPerUnit + " s");
        }
    }

    /**
     * {@return the units in a raw MSR_RAPL_POWER_UNIT (or AMD RAPL_PWR_UNIT) value}
     *
     * @param raplPowerUnit the register's value as read; bits outside the three unit fields
     *                      (3:0, 12:8, 19:16) are ignored
     */
    public static RaplUnits decode(long raplPowerUnit) {
        return new RaplUnits(Derivations.raplPowerUnit(raplPowerUnit), Derivations.raplEnergyUnit(raplPowerUnit),
                Derivations.raplTimeUnit(raplPowerUnit));
    }

    /**
     * {@return the fixed DRAM energy unit of {@code cpu} in joules, when its DRAM counter ignores
     * MSR_RAPL_POWER_UNIT ({@link #SERVER_DRAM_JOULES_PER_UNIT} on Intel server models);
     * empty when the DRAM counter uses the common energy unit}
     *
     * @param cpu the processor's identity: its vendor, family and model decide
     */
    public static OptionalDouble dramJoulesPerUnit(CpuIdentity cpu) {
        if (cpu.vendor().equals(CpuIdentity.INTEL) && cpu.family() == 6 && FIXED_DRAM_UNIT_MODELS.contains(cpu.model())) {
            return OptionalDouble.of(SERVER_DRAM_JOULES_PER_UNIT);
        }
        return OptionalDouble.empty();
    }
}
