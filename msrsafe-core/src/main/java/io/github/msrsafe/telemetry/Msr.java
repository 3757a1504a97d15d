package io.github.msrsafe.telemetry;

import io.github.msrsafe.internal.text.Hex;
import io.github.msrsafe.registers.Register;
import io.github.msrsafe.registers.RegisterCatalog;

/** The addresses telemetry reads (Intel SDM vol. 4; AMD PPR for family 19h), and their catalog entries. */
final class Msr {
    static final long TSC = 0x10;
    static final long SMI_COUNT = 0x34;
    static final long MPERF = 0xE7;
    static final long APERF = 0xE8;
    static final long THERM_STATUS = 0x19C;
    static final long TEMPERATURE_TARGET = 0x1A2;
    static final long TURBO_RATIO_LIMIT = 0x1AD;
    static final long PACKAGE_THERM_STATUS = 0x1B1;
    static final long PKG_C3_RESIDENCY = 0x3F8;
    static final long PKG_C6_RESIDENCY = 0x3F9;
    static final long PKG_C7_RESIDENCY = 0x3FA;
    static final long CORE_C3_RESIDENCY = 0x3FC;
    static final long CORE_C6_RESIDENCY = 0x3FD;
    static final long CORE_C7_RESIDENCY = 0x3FE;
    static final long RAPL_POWER_UNIT = 0x606;
    static final long PKG_POWER_LIMIT = 0x610;
    static final long PKG_C2_RESIDENCY = 0x60D;
    static final long PKG_ENERGY_STATUS = 0x611;
    static final long PKG_PERF_STATUS = 0x613;
    static final long PKG_POWER_INFO = 0x614;
    static final long DRAM_ENERGY_STATUS = 0x619;
    static final long DRAM_PERF_STATUS = 0x61B;
    static final long DRAM_POWER_INFO = 0x61C;
    static final long UNCORE_RATIO_LIMIT = 0x620;
    static final long UNCORE_PERF_STATUS = 0x621;
    static final long PKG_C8_RESIDENCY = 0x630;
    static final long PKG_C9_RESIDENCY = 0x631;
    static final long PKG_C10_RESIDENCY = 0x632;
    static final long PLATFORM_ENERGY_STATUS = 0x64D;
    static final long AMD_RAPL_POWER_UNIT = 0xC001_0299L;
    static final long AMD_CORE_ENERGY_STATUS = 0xC001_029AL;
    static final long AMD_PKG_ENERGY_STATUS = 0xC001_029BL;

    /** Width of the RAPL energy-status and perf-status counters; the 64-bit registers wrap at 2^32. */
    static final int ENERGY_COUNTER_BITS = 32;

    /** Width of MSR_SMI_COUNT's count (bits 31:0). */
    static final int SMI_COUNTER_BITS = 32;

    /** The bus clock Intel's ratios multiply (100 MHz since Sandy Bridge; every Intel model of the catalog). */
    static final double BUS_MHZ = 100;

    private Msr() {}

    /** The catalog's entry for {@code address}: its name and scope. */
    static Register register(long address) {
        return RegisterCatalog.builtIn().byAddress(address).orElseThrow(() -> new IllegalStateException(
                "the register catalog has no entry for telemetry register " + Hex.of(address)));
    }

    /** "MSR_PKG_ENERGY_STATUS (0x611)", or just the address when the catalog does not know it. */
    static String describe(long address) {
        return RegisterCatalog.builtIn().byAddress(address)
                .map(register -> register.name() + " (" + Hex.of(address) + ")")
                .orElse(Hex.of(address));
    }
}
