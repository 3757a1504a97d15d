package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.allowlist.AllowlistException;
import io.github.msrsafe.registers.Register;
import io.github.msrsafe.registers.RegisterCatalog;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The public face: the standard device, the builder, and MsrSafe over the simulator. */
class SimulatedDeviceTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong nanos = new AtomicLong(123_456_789L);
    private final SimulatedDevice device = SimulatedDevice.builder()
            .cpus(4)
            .registers(SimulatedDevice.standardRegisters())
            .allowlist(SimulatedDevice.standardAllowlist())
            .clock(nanos::get)
            .build();

    @Test
    void theStandardDeviceListsEveryRegisterItImplements() {
        SimulatedDevice standard = SimulatedDevice.standard();
        assertEquals(4, standard.cpuCount());
        assertEquals(8, SimulatedDevice.standard(8).cpuCount());
        List<Long> implemented = standard.registers().stream().map(SimulatedRegister::address).toList();
        List<Long> listed = standard.allowlist().stream().map(AllowlistEntry::address).sorted().toList();
        assertEquals(implemented, listed);
        assertTrue(implemented.containsAll(List.of(0x10L, 0xE7L, 0xE8L, 0x198L, 0x199L, 0x19CL, 0x1A0L, 0x1A2L,
                0x1B1L, 0x606L, 0x610L, 0x611L, 0x619L)));
        assertEquals(new AllowlistEntry(0x199, 0xFFFF),
                standard.allowlist().stream().filter(e -> e.address() == 0x199).findFirst().orElseThrow());
    }

    @Test
    void theStandardAndTelemetryRegistersAreTheCatalogsInAddressNameAndScope() {
        RegisterCatalog catalog = RegisterCatalog.builtIn();
        for (SimulatedRegister simulated : SimulatedDevice.telemetryRegisters(0.5)) {
            Register known = catalog.byAddress(simulated.address()).orElseThrow(() -> new AssertionError(
                    simulated + " is not in the register catalog"));
            assertEquals(known.name(), simulated.name(), simulated.toString());
            assertEquals(known.scope(), simulated.scope(), simulated.toString());
        }
        assertEquals(27, SimulatedDevice.telemetryRegisters(0.5).size());
    }

    @Test
    void theStandardAllowlistGrantsTheDocumentedWriteMasks() {
        List<AllowlistEntry> writable = SimulatedDevice.standardAllowlist().stream()
                .filter(entry -> entry.writeMask() != 0).toList();
        assertEquals(List.of(new AllowlistEntry(0xE7, -1L), new AllowlistEntry(0xE8, -1L),
                new AllowlistEntry(0x199, 0xFFFF), new AllowlistEntry(0x610, 0x00FF_FFFF_00FF_FFFFL)), writable);
    }

    @Test
    void aHandleOnTheDeviceLooksLikeMsrSafe() throws MsrSafeException {
        try (MsrSafe msr = device.open()) {
            assertEquals(Driver.SIMULATED, msr.driver());
            assertEquals("sim:/dev/cpu", msr.root());
            assertEquals(List.of(0, 1, 2, 3), msr.cpus());
            assertEquals(Optional.of(ModuleVersion.parse("1.8.0")), msr.moduleVersion());
        }
    }

    @Test
    void countersFollowTheClock() throws MsrSafeException {
        try (MsrSafe msr = device.open()) {
            nanos.addAndGet(SECOND);
            assertEquals(SimulatedDevice.NOMINAL_HZ, msr.read(0, 0x10));
            assertEquals(SimulatedDevice.NOMINAL_HZ, msr.read(3, 0xE7));
            assertEquals(SimulatedDevice.ACTUAL_HZ, msr.read(3, 0xE8));
            assertEquals(65L << 14, msr.read(0, 0x611), "65 W in 2^-14 J units");
            assertEquals(65L << 14, msr.read(2, 0x611), "one package: every CPU sees the same counter");
            assertEquals(5L << 14, msr.read(0, 0x619));
            // 4033 s at 1,064,960 units/s passes 2^32 once
            nanos.addAndGet(4032 * SECOND);
            assertEquals((4033L * (65L << 14)) & 0xFFFF_FFFFL, msr.read(1, 0x611));
            assertTrue(msr.read(1, 0x611) < 65L << 14, "wrapped");
        }
    }

    @Test
    void writesGoThroughTheWriteMask() throws MsrSafeException {
        try (MsrSafe msr = device.open()) {
            msr.write(1, 0x199, 0xFFFF_FFFF_FFFF_1A00L);
            assertEquals(0x1A00, msr.read(1, 0x199), "only bits 15:0 were written");
            assertEquals(0x1C00, msr.read(0, 0x199));
            msr.write(0, 0xE7, 0);
            nanos.addAndGet(1_000);
            assertEquals(2_400, msr.read(0, 0xE7), "MPERF restarted from 0");
        }
    }

    @Test
    void errorsArriveAsTheLibrarysExceptions() throws MsrSafeException {
        device.installAllowlist(new AllowlistEntry(0x10, 0), new AllowlistEntry(0x777, -1L),
                new AllowlistEntry(0x1A0, -1L));
        device.setOnline(2, false);
        try (MsrSafe msr = device.open()) {
            assertInstanceOf(MsrNotAllowedException.class, assertThrows(MsrSafeException.class, () -> msr.read(0, 0x199)));
            assertInstanceOf(MsrNotAllowedException.class,
                    assertThrows(MsrSafeException.class, () -> msr.write(0, 0x10, 0)));
            MsrSafeException fault = assertThrows(MsrFaultException.class, () -> msr.read(0, 0x777));
            assertEquals(Errno.EIO, fault.errno().orElseThrow());
            assertTrue(fault.getMessage().contains("sim:/dev/cpu/0/msr_safe"), fault.getMessage());
            assertThrows(MsrFaultException.class, () -> msr.write(0, 0x1A0, 1L << 40), "reserved bit");
            assertThrows(CpuUnavailableException.class, () -> msr.read(2, 0x10));
            assertEquals(List.of(0, 1, 3), msr.cpus());
        }
    }

    @Test
    void aCpuThatGoesOfflineUnderAnOpenHandleAnswersEnxio() throws MsrSafeException {
        try (MsrSafe msr = device.open()) {
            msr.read(1, 0x10);
            device.setOnline(1, false);
            assertFalse(device.isOnline(1));
            CpuUnavailableException offline = assertThrows(CpuUnavailableException.class, () -> msr.read(1, 0x10));
            assertEquals(Errno.ENXIO, offline.errno().orElseThrow());
            device.setOnline(1, true);
            nanos.addAndGet(1_000);
            assertEquals(2_400, msr.read(1, 0x10), "the same descriptor works again; 1 µs at 2.4 GHz");
        }
    }

    @Test
    void batchesRunThroughTheSimulatedIoctl() throws MsrSafeException {
        device.poke(0, 0x19C, 0x8830_0000L); // CPU 0's core reads 48 below TjMax
        try (MsrSafe msr = device.open(); MsrBatch batch = msr.newBatch()) {
            for (int cpu : msr.cpus()) {
                batch.addRead(cpu, 0x19C);
            }
            batch.addWrite(2, 0x610, 0x00DD_84E0_00DD_8320L);
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            assertEquals(0x8830_0000L, batch.value(0));
            assertEquals(0x8839_0000L, batch.value(1), "thermal status is per core; one thread per core here");
            assertEquals(0x00DD_84E0_00DD_8320L, device.peek(0, 0x610), "package-wide power limit");

            device.setOnline(3, false);
            assertEquals(BatchOutcome.REJECTED, batch.execute());
            assertEquals(Optional.of(Errno.ENXIO), batch.error(3));
            assertFalse(batch.status(0).ran());
        }
    }

    @Test
    void theAllowlistCanBeListedAndReplacedThroughAHandle() throws MsrSafeException {
        try (MsrSafe msr = device.open()) {
            assertEquals(Allowlist.of(device.allowlist()), msr.allowlist());
            msr.installAllowlist(Allowlist.of(new AllowlistEntry(0x10, 0), new AllowlistEntry(0x199, 0xFF)));
            assertEquals(List.of(new AllowlistEntry(0x10, 0), new AllowlistEntry(0x199, 0xFF)), device.allowlist());
            msr.clearAllowlist();
            assertEquals(List.of(), device.allowlist());
            assertEquals(Allowlist.EMPTY, msr.allowlist());
        }
    }

    @Test
    void installingTextFollowsTheModule() throws AllowlistException {
        device.installAllowlist("0x10 0\n0x199 0xFFFF # PERF_CTL\n");
        assertEquals(List.of(new AllowlistEntry(0x10, 0), new AllowlistEntry(0x199, 0xFFFF)), device.allowlist());
        AllowlistException bad = assertThrows(AllowlistException.class, () -> device.installAllowlist("0x10 zz\n"));
        assertEquals(Errno.EINVAL, bad.errno());
        assertEquals(2, device.allowlist().size(), "a first-pass error keeps the list");
        AllowlistException twice = assertThrows(AllowlistException.class,
                () -> device.installAllowlist("0x10 0\n0x10 0\n"));
        assertEquals(Errno.ENOTUNIQ, twice.errno());
        assertEquals(List.of(), device.allowlist(), "a duplicate leaves the list empty, as in the module");
    }

    @Test
    void peekAndPokeBypassTheAllowlist() throws MsrSafeException {
        device.installAllowlist(List.of());
        device.poke(3, 0x199, 0x1800);                        // IA32_PERF_CTL: thread scope
        assertEquals(0x1800, device.peek(3, 0x199));
        assertEquals(0x1C00, device.peek(2, 0x199), "other threads keep the standard value");
        device.poke(3, 0x198, 0x1800);                        // IA32_PERF_STATUS: read-only, package scope
        assertEquals(0x1800, device.peek(3, 0x198));
        assertEquals(0x1800, device.peek(2, 0x198), "the package's other CPUs see the poked value");
        device.poke(0, 0x611, 0xFFFF_FF00L);
        nanos.addAndGet(SECOND);
        assertEquals((0xFFFF_FF00L + (65L << 14)) & 0xFFFF_FFFFL, device.peek(1, 0x611));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> device.peek(0, 0x777));
        assertTrue(missing.getMessage().contains("0x777"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> device.peek(4, 0x10));
        assertThrows(IllegalArgumentException.class, () -> device.poke(0, 0x611, 1L << 32));
    }

    @Test
    void closingOneHandleLeavesTheDeviceAndOtherHandlesWorking() throws MsrSafeException {
        MsrSafe first = device.open();
        try (MsrSafe second = device.open()) {
            first.close();
            assertEquals(0x1C00, second.read(0, 0x199));
        }
        try (MsrSafe third = device.open()) {
            assertEquals(0x1C00, third.read(3, 0x199));
        }
    }

    @Test
    void builderMistakesNameTheBadValue() {
        assertMessage("CPU count 0", () -> SimulatedDevice.builder().cpus(0));
        assertMessage("offline CPU 4", () -> SimulatedDevice.builder().cpus(4).offline(1, 4).build());
        assertMessage("-1", () -> SimulatedDevice.builder().offline(-1));
        assertMessage("6 CPUs do not divide into 4 package(s)", () -> SimulatedDevice.builder().cpus(6).packages(4).build());
        assertMessage("two registers at 0x10", () -> SimulatedDevice.builder()
                .register(SimulatedRegister.readOnly(0x10, "A", Register.Scope.THREAD, 0))
                .register(SimulatedRegister.readOnly(0x10, "B", Register.Scope.THREAD, 0)).build());
        assertMessage("0x10", () -> SimulatedDevice.builder()
                .allowlist(new AllowlistEntry(0x10, 0), new AllowlistEntry(0x10, 1)).build());
        assertMessage("EINVAL", () -> SimulatedDevice.builder().allowlist("0x10 0x1G\n"));
    }

    @Test
    void aBuilderWithTopologyAndTextAllowlist() throws MsrSafeException {
        SimulatedDevice twoSockets = SimulatedDevice.builder()
                .cpus(8).packages(2).threadsPerCore(2).offline(7)
                .registers(SimulatedDevice.standardRegisters())
                .allowlist("0x611 0\n0x19C 0\n")
                .clock(nanos::get)
                .build();
        twoSockets.poke(4, 0x611, 1_000);
        twoSockets.poke(2, 0x19C, 0x8800_0000L);
        assertEquals(0, twoSockets.peek(3, 0x611));
        assertEquals(1_000, twoSockets.peek(5, 0x611));
        assertEquals(0x8800_0000L, twoSockets.peek(3, 0x19C), "CPUs 2 and 3 share a core");
        assertEquals(0x8839_0000L, twoSockets.peek(4, 0x19C));
        try (MsrSafe msr = twoSockets.open()) {
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), msr.cpus());
            assertEquals(1_000, msr.read(6, 0x611));
        }
        assertTrue(twoSockets.toString().contains("8 CPUs, 7 online"), twoSockets.toString());
    }

    @Test
    void theConfigurationInTheDocsBuilds() throws MsrSafeException {
        SimulatedDevice documented = SimulatedDevice.builder()
                .cpus(16).packages(2).threadsPerCore(2)
                .offline(15)
                .registers(SimulatedDevice.standardRegisters())
                .register(SimulatedRegister.readWrite(0x1B0, "IA32_ENERGY_PERF_BIAS", Register.Scope.THREAD,
                        6, ~0xFL))
                .allowlist("""
                        0x00000611 0x0000000000000000 # MSR_PKG_ENERGY_STATUS
                        0x000001B0 0x000000000000000F # IA32_ENERGY_PERF_BIAS
                        """)
                .clock(nanos::get)
                .build();
        try (MsrSafe msr = documented.open()) {
            msr.write(14, 0x1B0, 0xFF);
            assertEquals(0xF, msr.read(14, 0x1B0));
            assertEquals(6, documented.peek(13, 0x1B0));
            assertEquals(15, msr.cpus().size());
        }
    }

    private static void assertMessage(String fragment, Runnable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' should mention " + fragment);
    }
}
