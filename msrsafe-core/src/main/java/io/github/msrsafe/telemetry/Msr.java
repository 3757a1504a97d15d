package io.github.msrsafe.telemetry;

import io.github.msrsafe.registers.Register;
import io.github.msrsafe.registers.RegisterCatalog;

/** The addresses telemetry reads (Intel SDM vol. 4; AMD PPR for family 19h), and their catalog entries. */
final class Msr {
    static final long TSC = 0x10;
    static final long MPERF = 0xE7;
    static final long APERF = 0xE8;
    static final long THERM_STATUS = 0x19C;
    static final long TEMPERATURE_TARGET = 0x1A2;
    static final long PACKAGE_THERM_STATUS = 0x1B1;
    static final long RAPL_POWER_UNIT = 0x606;
    static final long PKG_POWER_LIMIT = 0x610;
    static final long PKG_ENERGY_STATUS = 0x611;
    static final long DRAM_ENERGY_STATUS = 0x619;
    static final long AMD_RAPL_POWER_UNIT = 0xC001_0299L;
    static final long AMD_CORE_ENERGY_STATUS = 0xC001_029AL;
    static final long AMD_PKG_ENERGY_STATUS = 0xC001_029BL;

    /** Width of the RAPL energy-status counters; the 64-bit registers wrap at 2^32. */
    static final int ENERGY_COUNTER_BITS = 32;

    private Msr() {}

    /** The catalog's entry for {@code address}: its name and scope. */
    static Register register(long address) {
        return RegisterCatalog.builtIn().byAddress(address).orElseThrow(() -> new IllegalStateException(
                "the register catalog has no entry for telemetry register " + hex(address)));
    }

    /** "MSR_PKG_ENERGY_STATUS (0x611)", or just the address when the catalog does not know it. */
    static String describe(long address) {
        return RegisterCatalog.builtIn().byAddress(address)
                .map(register -> register.name() + " (" + hex(address) + ")")
                .orElse(hex(address));
    }

    /** "0x611". */
    static String hex(long address) {
        return "0x" + Long.toHexString(address).toUpperCase(java.util.Locale.ROOT);
    }
}
