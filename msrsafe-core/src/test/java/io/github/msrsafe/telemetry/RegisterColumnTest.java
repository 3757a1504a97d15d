package io.github.msrsafe.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.MsrFaultException;
import io.github.msrsafe.MsrNotAllowedException;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.registers.Register;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** turbostat's --add: the specification, and each format's values on a simulated device with a fake clock. */
class RegisterColumnTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void parsesTurbostatsFieldsInAnyOrderWithDefaults() {
        assertEquals(new RegisterColumn("SMI", 0x34, Register.Scope.THREAD, 32, RegisterColumn.Format.DELTA),
                RegisterColumn.parse("msr0x34,cpu,u32,delta,SMI"));
        assertEquals(new RegisterColumn("C6", 0x3F9, Register.Scope.PACKAGE, 64, RegisterColumn.Format.PERCENT),
                RegisterColumn.parse("percent, package, C6, msr0x3f9"));
        assertEquals(new RegisterColumn("msr1553", 1553, Register.Scope.THREAD, 64, RegisterColumn.Format.DELTA),
                RegisterColumn.parse("msr1553"));
        RegisterColumn column = RegisterColumn.parse("msr0x1A2,package,raw,u64,TjMax");
        assertEquals(column, RegisterColumn.parse(column.spec()));
    }

    @Test
    void badSpecificationsNameTheField() {
        assertMessage("names no register", "cpu,u32,delta");
        assertMessage("'msr0xZZ' is not a register", "msr0xZZ,cpu");
        assertMessage("'msr0x123456789' is not a register", "msr0x123456789");
        assertMessage("above the highest address", "msr4294967296");
        assertMessage("the scope is given twice (again as 'core')", "msr0x10,cpu,core");
        assertMessage("the name is given twice (again as 'B')", "msr0x10,A,B");
        assertMessage("has an empty field", "msr0x10,,cpu");
        assertMessage("column name 'no spaces' must be", "msr0x10,no spaces");
        assertMessage("at most 200 characters", "msr0x10," + "x".repeat(300));
    }

    private static void assertMessage(String expected, String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegisterColumn.parse(spec));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void rawDeltaAndPercentColumnsOnASimulatedMachine() throws MsrSafeException {
        AtomicLong nanos = new AtomicLong();
        SimulatedDevice device = SimulatedDevice.builder().cpus(4).packages(2)
                .registers(SimulatedDevice.standardRegisters(0.25))
                .allowlist(SimulatedDevice.standardAllowlist())
                .clock(nanos::get)
                .build();
        RegisterColumn mperfShare = RegisterColumn.parse("msr0xE7,cpu,percent,C0");
        RegisterColumn energy = RegisterColumn.parse("msr0x611,package,u32,delta,PkgUnits");
        RegisterColumn target = RegisterColumn.parse("msr0x1A2,package,raw,Target");
        try (MsrSafe msr = device.open();
             Sampler sampler = Sampler.builder(msr).clock(nanos::get).signals(Signal.BUSY_PERCENT)
                     .add(mperfShare, energy, target).open()) {
            device.poke(2, 0x611, 0xFFFF_FFFFL - 100); // package 1's counter wraps in the first interval
            Sample first = sampler.sample();
            assertTrue(Double.isNaN(first.value(mperfShare, 0)), "a percent needs an interval");
            assertEquals(0x0064_0000L, (long) first.packageValue(target, 1));
            nanos.addAndGet(2 * SECOND);
            Sample sample = sampler.sample();
            assertEquals(sample.cpuValue(Signal.BUSY_PERCENT, 3), sample.cpuValue(mperfShare, 3), 1e-9);
            assertEquals(25.0, sample.summaryValue(mperfShare), 1e-9);
            // (15 + 0.25 x 50) W = 27.5 W = 450,560 units of 2^-14 J per second, over 2 s.
            assertEquals(2 * 450_560.0, sample.packageValue(energy, 0));
            assertEquals(2 * 450_560.0, sample.packageValue(energy, 1)); // across the wrap
            assertTrue(device.peek(2, 0x611) < 2 * 450_560, "the counter wrapped");
            assertEquals(4 * 450_560.0, sample.summaryValue(energy));
            assertEquals(0x0064_0000L, (long) sample.summaryValue(target));
            nanos.addAndGet(SECOND);
            assertEquals(450_560.0, sampler.sample().packageValue(energy, 1));
        }
    }

    @Test
    void columnsAreCheckedLikeSignals() throws MsrSafeException {
        SimulatedDevice device = SimulatedDevice.standard(2);
        try (MsrSafe msr = device.open()) {
            MsrNotAllowedException notListed = assertThrows(MsrNotAllowedException.class, () -> Sampler.builder(msr)
                    .signals(Signal.TSC_MHZ).add(RegisterColumn.parse("msr0x3FC,core,percent,C3")).open());
            assertTrue(notListed.getMessage().contains("MSR_CORE_C3_RESIDENCY (0x3FC) for C3"), notListed.getMessage());
            IllegalArgumentException signalName = assertThrows(IllegalArgumentException.class,
                    () -> Sampler.builder(msr).add(RegisterColumn.parse("msr0x34,u32,smi")));
            assertTrue(signalName.getMessage().contains("smi is taken"), signalName.getMessage());
            device.installAllowlist(SimulatedDevice.standardAllowlist().stream().toList());
            IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
                    () -> Sampler.builder(msr).add(RegisterColumn.parse("msr0x10,Busy%")));
            assertTrue(taken.getMessage().contains("Busy% is taken"), taken.getMessage());
            IllegalArgumentException scope = assertThrows(IllegalArgumentException.class, () -> Sampler.builder(msr)
                    .signals(Signal.TSC_MHZ).add(RegisterColumn.parse("msr0x10,package,raw,T")).open());
            assertTrue(scope.getMessage().contains("reads it per CPU"), scope.getMessage());
        }
        assertTrue(MsrFaultException.class.getSimpleName().length() > 0);
    }
}
