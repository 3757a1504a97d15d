package io.github.msrsafe.telemetry;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.internal.sys.HandleAccess;
import io.github.msrsafe.registers.CpuIdentity;
import java.util.Optional;

/**
 * Whose register layout the telemetry reads: Intel's RAPL and thermal MSRs, or AMD's
 * RAPL MSRs (AMD reports temperature and power limits through the SMU, not through MSRs).
 */
public enum Vendor {
    /** GenuineIntel: MSR_RAPL_POWER_UNIT, MSR_PKG/DRAM_ENERGY_STATUS, thermal status, MSR_PKG_POWER_LIMIT. */
    INTEL,
    /** AuthenticAMD: RAPL_PWR_UNIT, PKG_ENERGY_STAT and CORE_ENERGY_STAT. */
    AMD;

    /**
     * {@return the vendor of {@code cpu}}
     *
     * @param cpu the processor's identity, e.g. {@link CpuIdentity#current()}
     * @throws IllegalArgumentException for a vendor that is neither Intel nor AMD, naming it
     */
    public static Vendor of(CpuIdentity cpu) {
        return switch (cpu.vendor()) {
            case CpuIdentity.INTEL -> INTEL;
            case CpuIdentity.AMD -> AMD;
            default -> throw new IllegalArgumentException("no telemetry registers are known for CPU vendor '"
                    + cpu.vendor() + "' (known: " + CpuIdentity.INTEL + ", " + CpuIdentity.AMD + ")");
        };
    }

    /**
     * The vendor whose registers {@code msr} reaches: the vendor of the processor under it
     * (/proc/cpuinfo on a real machine), Intel when that is unknown (a simulated device,
     * whose registers are Intel's, or no /proc/cpuinfo) or names another vendor. Never
     * throws: when in doubt, the answer is Intel.
     *
     * @param msr an open handle
     * @return the vendor whose register layout to read through {@code msr}
     */
    public static Vendor detect(MsrSafe msr) {
        Optional<CpuIdentity> identity = HandleAccess.platform(msr).identity();
        return identity.map(cpu -> cpu.vendor().equals(CpuIdentity.AMD) ? AMD : INTEL).orElse(INTEL);
    }
}
