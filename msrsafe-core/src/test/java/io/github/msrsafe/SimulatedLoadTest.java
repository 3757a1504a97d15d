package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.internal.sys.HandleAccess;
import io.github.msrsafe.telemetry.CpuTopology;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The simulated device's configurable load and the topology it reports (added for telemetry). */
class SimulatedLoadTest {

    @Test
    void fullLoadIsTheStandardRegisterSet() {
        assertEquals(SimulatedDevice.standardRegisters(), SimulatedDevice.standardRegisters(1.0));
    }

    @Test
    void idleAndQuarterLoadCountersAndPower() throws MsrSafeException {
        AtomicLong nanos = new AtomicLong();
        SimulatedDevice device = SimulatedDevice.builder().cpus(2).registers(SimulatedDevice.standardRegisters(0.25))
                .allowlist(SimulatedDevice.standardAllowlist()).clock(nanos::get).build();
        nanos.addAndGet(1_000_000_000L);
        assertEquals(600_000_000L, device.peek(1, 0xE7));     // MPERF: a quarter of 2.4 GHz
        assertEquals(700_000_000L, device.peek(1, 0xE8));     // APERF: a quarter of 2.8 GHz
        assertEquals(2_400_000_000L, device.peek(1, 0x10));   // TSC never stops
        assertEquals(450_560L, device.peek(0, 0x611));        // 27.5 W in 2^-14 J
        assertEquals(45_056L, device.peek(0, 0x619));         // 2.75 W
        SimulatedDevice idle = SimulatedDevice.builder().registers(SimulatedDevice.standardRegisters(0))
                .clock(nanos::get).build();
        nanos.addAndGet(1_000_000_000L);
        assertEquals(0, idle.peek(0, 0xE8));
        assertEquals(15L << 14, idle.peek(0, 0x611));
    }

    @Test
    void loadOutsideZeroToOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimulatedDevice.standardRegisters(1.5));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SimulatedDevice.standardRegisters(Double.NaN));
    }

    @Test
    void reportsItsTopology() {
        SimulatedDevice device = SimulatedDevice.builder().cpus(12).packages(3).threadsPerCore(2).build();
        assertEquals(3, device.packages());
        assertEquals(2, device.threadsPerCore());
        assertEquals(1, SimulatedDevice.standard(4).packages());
    }

    @Test
    void aHandleFindsTheSimulatedDevicesLayoutAndClock() throws MsrSafeException {
        AtomicLong nanos = new AtomicLong(5);
        SimulatedDevice device = SimulatedDevice.builder().cpus(4).packages(2).clock(nanos::get)
                .registers(SimulatedDevice.standardRegisters()).build();
        try (MsrSafe msr = device.open()) {
            assertEquals(List.of(0, 1), CpuTopology.detect(msr).packageIds());
            LongSupplier clock = HandleAccess.platform(msr).nanoClock();
            nanos.set(42);
            assertEquals(42, clock.getAsLong(), "the device's own clock, which its counters follow");
        }
        try (MsrSafe wrapped = UnreadableAllowlist.open(4, SimulatedDevice.standardRegisters(), List.of(), System::nanoTime)) {
            assertEquals(List.of(0), CpuTopology.detect(wrapped).packageIds(), "a wrapped device tree answers too");
        }
    }
}
