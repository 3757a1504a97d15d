package io.github.msrsafe;

import static io.github.msrsafe.registers.Register.Scope.PACKAGE;
import static io.github.msrsafe.registers.Register.Scope.THREAD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SimulatedRegisterTest {

    @Test
    void factoriesDescribeTheirBehaviour() {
        SimulatedRegister energy = SimulatedRegister.counter(0x611, "MSR_PKG_ENERGY_STATUS", PACKAGE, 1_000, 32);
        assertEquals(new SimulatedRegister.Counter(1_000, 32, false), energy.behavior());
        assertEquals(0xFFFF_FFFF_0000_0000L, energy.reservedBits());
        assertFalse(energy.writable());
        assertTrue(SimulatedRegister.writableCounter(0x10, "TSC", THREAD, 1, 64).writable());
        assertFalse(SimulatedRegister.readOnly(0x198, "S", THREAD, 5).writable());
        assertTrue(SimulatedRegister.readWrite(0x199, "C", THREAD, 5, ~0xFFFFL).writable());
        assertEquals("MSR_PKG_ENERGY_STATUS@0x611[PACKAGE, 32-bit counter at 1000 Hz from 0x0]", energy.toString());
    }

    @Test
    void mistakesAreIllegalArgumentsNamingTheValue() {
        assertMessage("0x100000000", () -> SimulatedRegister.readOnly(0x1_0000_0000L, "X", THREAD, 0));
        assertMessage("0xFFFFFFFFFFFFFFFF", () -> SimulatedRegister.readOnly(-1, "X", THREAD, 0));
        assertMessage("needs a name", () -> SimulatedRegister.readOnly(0x10, " ", THREAD, 0));
        assertMessage("sets reserved bits 0x10000", () -> SimulatedRegister.readWrite(0x199, "C", THREAD, 0x1_0000, ~0xFFFFL));
        assertMessage("does not fit a 16-bit counter",
                () -> SimulatedRegister.counter(0x10, "C", THREAD, 1, 16).withResetValue(0x1_0000));
        assertMessage("9000000000 Hz", () -> SimulatedRegister.counter(0x10, "C", THREAD, 9_000_000_000L, 64));
        assertMessage("65 bits", () -> SimulatedRegister.counter(0x10, "C", THREAD, 1, 65));
        assertMessage("must be reserved", () -> new SimulatedRegister(0x10, "C", THREAD, 0, 0,
                new SimulatedRegister.Counter(1, 32, true)));
    }

    private static void assertMessage(String fragment, Runnable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' should mention " + fragment);
    }
}
