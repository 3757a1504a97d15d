package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.allowlist.AllowlistException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The public API end to end over the simulated device, one contract rule per test. */
class MsrSafeOnSimulatorTest {

    private static final long TSC = 0x10;
    private static final long MPERF = 0xE7;
    private static final long PERF_CTL = 0x199;
    private static final long PERF_STATUS = 0x198;
    private static final long PKG_POWER_LIMIT = 0x610;
    private static final long NOT_LISTED = 0x3A;          // IA32_FEATURE_CONTROL: not in the standard allowlist
    private static final long NOT_IMPLEMENTED = 0x1234;   // listed below but no such register

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private SimulatedDevice device;
    private MsrSafe msr;

    @BeforeEach
    void open() throws MsrSafeException {
        device = SimulatedDevice.builder().cpus(4).offline(2)
                .registers(SimulatedDevice.standardRegisters())
                .allowlist(SimulatedDevice.standardAllowlist())
                .clock(nanos::get)
                .build();
        msr = device.open();
    }

    @AfterEach
    void close() {
        msr.close();
    }

    @Test
    void describesItself() {
        assertEquals(Driver.SIMULATED, msr.driver());
        assertEquals(List.of(0, 1, 3), msr.cpus());
        assertEquals(new ModuleVersion(1, 8, 0), msr.moduleVersion().orElseThrow());
        assertTrue(msr.toString().contains("SIMULATED"), msr.toString());
    }

    @Test
    void readsAndWritesThroughThePerCpuDevice() throws MsrSafeException {
        msr.write(1, MPERF, 1234);
        assertEquals(1234, device.peek(1, MPERF));
        nanos.addAndGet(1_000); // 1 us at 2.4 GHz = 2400 cycles
        assertEquals(1234 + 2400, msr.read(1, MPERF));
        assertEquals(device.peek(0, TSC), msr.read(0, TSC));
    }

    @Test
    void writesOnlyTheBitsOfTheWriteMask() throws MsrSafeException {
        device.poke(0, PKG_POWER_LIMIT, 0x00DD_84E0_00DD_83E8L);
        // Mask 0x00FFFFFF00FFFFFF: the lock bit 63 and bits 31:24 keep their old value.
        msr.write(0, PKG_POWER_LIMIT, 0x8000_0000_0000_0000L | 0x0000_0000_0000_0100L);
        assertEquals(0x0000_0000_0000_0100L, device.peek(0, PKG_POWER_LIMIT));
    }

    @Test
    void unlistedRegisterIsRefusedWithWordsNamingIt() {
        MsrNotAllowedException e = assertThrows(MsrNotAllowedException.class, () -> msr.read(0, NOT_LISTED));
        assertEquals(Errno.EACCES, e.errno().orElseThrow());
        assertEquals("pread sim:/dev/cpu/0/msr_safe (CPU 0, MSR 0x3A) failed: EACCES: MSR 0x3A is not in the"
                + " allowlist; an administrator must add it to /dev/cpu/msr_allowlist", e.getMessage());
    }

    @Test
    void readOnlyRegisterRefusesWritesWithEaccesOnThePerCpuDevice() {
        MsrNotAllowedException e = assertThrows(MsrNotAllowedException.class, () -> msr.write(0, PERF_STATUS, 1));
        assertEquals(Errno.EACCES, e.errno().orElseThrow()); // not EROFS: that is the batch's answer
        assertTrue(e.getMessage().contains("write mask is 0"), e.getMessage());
    }

    @Test
    void offlineAndMissingCpusAreUnavailable() {
        CpuUnavailableException offline = assertThrows(CpuUnavailableException.class, () -> msr.read(2, TSC));
        assertTrue(offline.getMessage().contains("online CPUs: 0-1,3"), offline.getMessage());
        assertThrows(CpuUnavailableException.class, () -> msr.read(99, TSC));
        assertThrows(IllegalArgumentException.class, () -> msr.read(-1, TSC));
    }

    @Test
    void aCpuThatGoesOfflineAfterOpenGivesEnxio() throws MsrSafeException {
        msr.read(3, TSC);
        device.setOnline(3, false);
        CpuUnavailableException e = assertThrows(CpuUnavailableException.class, () -> msr.read(3, TSC));
        assertEquals(Errno.ENXIO, e.errno().orElseThrow());
        assertTrue(e.getMessage().contains("went offline"), e.getMessage());
    }

    @Test
    void addressesBeyondThirtyTwoBitsNeverReachTheDevice() {
        // The device would truncate 0x1_0000_0010 to 0x10 and happily read the TSC.
        assertThrows(IllegalArgumentException.class, () -> msr.read(0, 0x1_0000_0010L));
        assertThrows(IllegalArgumentException.class, () -> msr.write(0, 0x1_0000_0010L, 0));
        try (MsrBatch batch = msr.newBatch()) {
            assertThrows(IllegalArgumentException.class, () -> batch.addRead(0, 0x1_0000_0010L));
            assertThrows(IllegalArgumentException.class, () -> batch.addRead(65536, TSC));
            assertEquals(0, batch.size());
        }
    }

    @Test
    void unimplementedRegisterFaults() throws MsrSafeException {
        device.installAllowlist(new AllowlistEntry(NOT_IMPLEMENTED, 0));
        MsrFaultException e = assertThrows(MsrFaultException.class, () -> msr.read(0, NOT_IMPLEMENTED));
        assertEquals(Errno.EIO, e.errno().orElseThrow());
    }

    @Test
    void batchReadsEveryCpuInOneCall() throws MsrSafeException {
        for (int cpu : msr.cpus()) {
            device.poke(cpu, MPERF, 1000L * cpu);
        }
        try (MsrBatch batch = msr.newBatch()) {
            for (int cpu : msr.cpus()) {
                batch.addRead(cpu, MPERF);
            }
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            for (int i = 0; i < batch.size(); i++) {
                assertEquals(1000L * batch.cpu(i), batch.value(i));
                assertEquals(-1L, batch.writeMask(i));
                assertEquals(BatchOp.Status.SUCCEEDED, batch.status(i));
            }
            assertEquals(List.of(), batch.failures());
        }
    }

    @Test
    void batchWritesUnderTheMaskAndReportsIt() throws MsrSafeException {
        device.poke(0, PERF_CTL, 0x1_0000_1C00L);
        try (MsrBatch batch = msr.newBatch()) {
            batch.addWrite(0, PERF_CTL, 0xFFFF_FFFF_FFFF_2000L);
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            assertEquals(0xFFFFL, batch.writeMask(0));
            assertEquals(0xFFFF_FFFF_FFFF_2000L, batch.writeValue(0)); // a write's msrdata is left as set
            assertEquals(0x1_0000_2000L, device.peek(0, PERF_CTL));
        }
    }

    @Test
    void oneBadOpRejectsTheWholeBatchAndNothingRuns() throws MsrSafeException {
        device.poke(0, MPERF, 5);
        try (MsrBatch batch = msr.newBatch()) {
            batch.addWrite(0, MPERF, 777);           // valid, must not run
            batch.addRead(2, TSC);                   // offline: ENXIO
            batch.addWrite(1, PERF_STATUS, 1);       // read-only: EROFS
            batch.addRead(0, NOT_LISTED);            // EACCES
            assertEquals(BatchOutcome.REJECTED, batch.execute());
            assertEquals(5, device.peek(0, MPERF));
            assertTrue(batch.error(0).isEmpty());
            assertFalse(batch.status(0).ran());
            assertEquals(-1L, batch.writeMask(0));   // validation still reports the mask
            assertEquals(Optional.of(Errno.ENXIO), batch.error(1));
            assertEquals(Optional.of(Errno.EROFS), batch.error(2));
            assertEquals(Optional.of(Errno.EACCES), batch.error(3));
            assertEquals(4, batch.failures().size());
            assertTrue(batch.op(0).describe().startsWith("not run"));
            MsrSafeException e = assertThrows(MsrSafeException.class, batch::throwIfFailed);
            assertInstanceOf(CpuUnavailableException.class, e);
            assertTrue(e.getMessage().contains("(3 more op(s) failed or did not run)"), e.getMessage());
        }
    }

    @Test
    void aFaultFailsOnlyItsOpAndTheOthersRun() throws MsrSafeException {
        device.installAllowlist(new AllowlistEntry(MPERF, -1L), new AllowlistEntry(NOT_IMPLEMENTED, 0));
        try (MsrBatch batch = msr.newBatch()) {
            batch.addRead(0, NOT_IMPLEMENTED);
            batch.addWrite(1, MPERF, 42);
            assertEquals(BatchOutcome.OPS_FAILED, batch.execute());
            assertEquals(Optional.of(Errno.EIO), batch.error(0));
            assertTrue(batch.status(0).ran());
            assertEquals(BatchOp.Status.SUCCEEDED, batch.status(1));
            assertEquals(42, device.peek(1, MPERF));
            assertThrows(MsrFaultException.class, batch::throwIfFailed);
        }
    }

    @Test
    void aBatchIsReusableAndItsWriteValuesAdjustable() throws MsrSafeException {
        try (MsrBatch batch = msr.newBatch()) {
            int op = batch.addWrite(1, MPERF, 1);
            batch.execute();
            batch.setWriteValue(op, 2);
            batch.execute();
            assertEquals(2, device.peek(1, MPERF));
            assertThrows(IllegalStateException.class, () -> {
                batch.clear();
                batch.addRead(0, TSC);
                batch.writeMask(0); // added since the last execute
            });
        }
    }

    @Test
    void anEmptyBatchSucceedsWithoutAnIoctl() throws MsrSafeException {
        try (MsrBatch batch = msr.newBatch()) {
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
        }
    }

    @Test
    void aBatchLargerThanOneIoctlIsSplit() throws MsrSafeException {
        int ops = msr.batchLayout().maxOpsPerIoctl() + 10;
        try (MsrBatch batch = msr.newBatch()) {
            for (int i = 0; i < ops; i++) {
                batch.addRead(i % 2, TSC);
            }
            batch.addRead(0, NOT_LISTED); // rejects the second ioctl only
            assertEquals(BatchOutcome.PARTLY_REJECTED, batch.execute());
            assertTrue(batch.status(0).ran());
            assertEquals(BatchOp.Status.SUCCEEDED, batch.status(msr.batchLayout().maxOpsPerIoctl() - 1));
            assertFalse(batch.status(msr.batchLayout().maxOpsPerIoctl()).ran());
            assertEquals(Optional.of(Errno.EACCES), batch.error(ops));
            assertEquals(11, batch.failures().size());
        }
    }

    @Test
    void closedHandlesAndBatchesSayWhatHappened() throws MsrSafeException {
        MsrBatch batch = msr.newBatch();
        batch.close();
        batch.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> batch.addRead(0, TSC));
        msr.close();
        msr.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> msr.read(0, TSC));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void allowlistInstallListAndClearRoundTrip() throws MsrSafeException {
        Allowlist wanted = Allowlist.of(List.of(new AllowlistEntry(TSC, 0), new AllowlistEntry(PERF_CTL, 0xFFFF)));
        msr.installAllowlist(wanted);
        assertEquals(wanted, msr.allowlist());
        assertEquals(0xFFFF, msr.allowlist().writeMask(PERF_CTL).orElseThrow());
        assertThrows(MsrNotAllowedException.class, () -> msr.read(0, MPERF));
        msr.clearAllowlist();
        assertEquals(Allowlist.EMPTY, msr.allowlist());
        assertThrows(MsrNotAllowedException.class, () -> msr.read(0, TSC));
    }

    @Test
    void aBadAllowlistIsDiagnosedInJavaAndTheLiveListSurvives() throws MsrSafeException {
        Allowlist before = msr.allowlist();
        byte[] duplicate = "0x10 0x0\n0x199 0xffff\n0x10 0x0\n".getBytes(StandardCharsets.US_ASCII);
        AllowlistException e = assertThrows(AllowlistException.class, () -> msr.installAllowlist(duplicate));
        assertEquals(Errno.ENOTUNIQ, e.errno());
        assertFalse(e.keepsPreviousAllowlist()); // the module would have emptied it...
        assertEquals(before, msr.allowlist());   // ...but the library never sent it
    }
}
