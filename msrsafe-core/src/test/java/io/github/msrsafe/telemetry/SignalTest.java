package io.github.msrsafe.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.registers.CpuIdentity;
import io.github.msrsafe.registers.Register;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignalTest {

    @Test
    void everySignalsRegistersComeFromTheCatalogWithNames() {
        for (Vendor vendor : Vendor.values()) {
            for (Signal signal : Signal.supportedBy(vendor)) {
                List<Register> registers = signal.registers(vendor);
                assertFalse(registers.isEmpty(), signal + " on " + vendor);
                registers.forEach(register -> assertFalse(register.name().isBlank()));
            }
        }
        assertEquals(List.of("IA32_MPERF", "IA32_TIME_STAMP_COUNTER"),
                Signal.BUSY_PERCENT.registers(Vendor.INTEL).stream().map(Register::name).toList());
        assertEquals(List.of("PKG_ENERGY_STAT", "RAPL_PWR_UNIT"),
                Signal.PACKAGE_WATTS.registers(Vendor.AMD).stream().map(Register::name).toList());
    }

    @Test
    void vendorAvailability() {
        assertTrue(Signal.DRAM_WATTS.availableOn(Vendor.INTEL));
        assertFalse(Signal.DRAM_WATTS.availableOn(Vendor.AMD));
        assertFalse(Signal.CORE_WATTS.availableOn(Vendor.INTEL));
        assertTrue(Signal.AVG_MHZ.availableOn(Vendor.AMD));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Signal.PL1_WATTS.registers(Vendor.AMD));
        assertTrue(e.getMessage().startsWith("PL1_W is not available on AMD"), e.getMessage());
    }

    @Test
    void scopesAndKinds() {
        assertEquals(Register.Scope.THREAD, Signal.BZY_MHZ.scope());
        assertEquals(Register.Scope.CORE, Signal.CORE_TEMPERATURE.scope());
        assertEquals(Register.Scope.PACKAGE, Signal.DRAM_WATTS.scope());
        assertTrue(Signal.PACKAGE_JOULES.cumulative());
        assertFalse(Signal.PACKAGE_JOULES.needsInterval());
        assertTrue(Signal.PACKAGE_WATTS.needsInterval());
        assertFalse(Signal.PL2_SECONDS.needsInterval());
        assertEquals(Unit.MEGAHERTZ, Signal.TSC_MHZ.unit());
    }

    @Test
    void namesLookUpEitherWay() {
        assertEquals(Optional.of(Signal.BUSY_PERCENT), Signal.byName("busy%"));
        assertEquals(Optional.of(Signal.PACKAGE_WATTS), Signal.byName(" PkgWatt "));
        assertEquals(Optional.of(Signal.PACKAGE_WATTS), Signal.byName("package_watts"));
        assertEquals(Optional.empty(), Signal.byName("GFXWatt"));
    }

    @Test
    void vendorsFromCpuIdentityAndDevices() throws Exception {
        assertEquals(Vendor.AMD, Vendor.of(new CpuIdentity(CpuIdentity.AMD, 0x19, 0x11)));
        assertEquals(Vendor.INTEL, Vendor.of(new CpuIdentity(CpuIdentity.INTEL, 6, 0x8F)));
        CpuIdentity hygon = new CpuIdentity("HygonGenuine", 0x18, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Vendor.of(hygon));
        assertTrue(e.getMessage().contains("HygonGenuine"), e.getMessage());
        try (MsrSafe msr = SimulatedDevice.standard(1).open()) {
            assertEquals(Vendor.INTEL, Vendor.detect(msr)); // the simulated registers are Intel's
        }
    }
}
