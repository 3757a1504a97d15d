package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.BatchOp.Status;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same scenarios on both personalities of the simulated device, msr-safe 1.8.0 and
 * 2.0.4: the handle picks the layout from the version file, and per-CPU access, batches,
 * rejected batches, read-modify-write under a mask, split batches and the version behave
 * the same; then what each layout adds or emulates (timestamps, polls).
 */
class BothLayoutsOnSimulatorTest {

    private static final long TSC = 0x10;
    private static final long MPERF = 0xE7;
    private static final long PERF_STATUS = 0x198;
    private static final long PERF_CTL = 0x199;
    private static final long THERM = 0x19C;
    private static final long ENERGY = 0x611;
    private static final long NOT_LISTED = 0x3A;

    record Personality(ModuleVersion version, BatchLayout layout, int maxOps) {
        @Override
        public String toString() {
            return "msr-safe " + version;
        }
    }

    static Stream<Personality> personalities() {
        return Stream.of(new Personality(new ModuleVersion(1, 8, 0), BatchLayout.MSR_SAFE_1, 131_072),
                new Personality(new ModuleVersion(2, 0, 4), BatchLayout.MSR_SAFE_2, 47_662));
    }

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private SimulatedDevice device(ModuleVersion version) {
        return SimulatedDevice.builder().cpus(4).offline(2)
                .registers(SimulatedDevice.standardRegisters())
                .allowlist(SimulatedDevice.standardAllowlist())
                .clock(nanos::get)
                .moduleVersion(version)
                .build();
    }

    @ParameterizedTest
    @MethodSource("personalities")
    void theVersionFileChoosesTheLayout(Personality p) throws MsrSafeException {
        SimulatedDevice device = device(p.version());
        assertEquals(p.version(), device.moduleVersion());
        try (MsrSafe msr = device.open(); MsrBatch batch = msr.newBatch()) {
            assertEquals(Optional.of(p.version()), msr.moduleVersion());
            assertEquals(p.layout(), msr.batchLayout());
            assertEquals(p.layout(), batch.layout());
            assertEquals(p.maxOps(), batch.maxOpsPerIoctl());
            assertEquals(p.maxOps(), msr.batchLayout().maxOpsPerIoctl());
            assertEquals(p.layout() == BatchLayout.MSR_SAFE_2, msr.batchLayout().modulePolls());
            assertTrue(batch.toString().contains(p.layout().toString()), batch.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("personalities")
    void perCpuReadsAndWritesAreTheSame(Personality p) throws MsrSafeException {
        SimulatedDevice device = device(p.version());
        try (MsrSafe msr = device.open()) {
            msr.write(1, MPERF, 1234);
            assertEquals(1234, msr.read(1, MPERF));
            msr.write(3, PERF_CTL, 0xFFFF_FFFF_FFFF_1A00L); // mask 0xFFFF: read-modify-write
            assertEquals(0x1A00, msr.read(3, PERF_CTL));
            assertThrows(MsrNotAllowedException.class, () -> msr.write(0, THERM, 1));
            assertThrows(MsrNotAllowedException.class, () -> msr.read(0, NOT_LISTED));
        }
    }

    @ParameterizedTest
    @MethodSource("personalities")
    void aBatchReadsAndWritesUnderTheMask(Personality p) throws MsrSafeException {
        SimulatedDevice device = device(p.version());
        device.poke(1, PERF_CTL, 0x1_0000_1C00L);
        try (MsrSafe msr = device.open(); MsrBatch batch = msr.newBatch()) {
            int write = batch.addWrite(1, PERF_CTL, 0xABCD_0000_0000_1A00L);
            int read = batch.addRead(1, PERF_CTL);
            int tsc = batch.addRead(0, TSC);
            int mperf = batch.addWrite(3, MPERF, 77);
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            assertEquals(0x1_0000_1A00L, device.peek(1, PERF_CTL), "bit 32 kept: outside the mask");
            assertEquals(0x1_0000_1A00L, batch.value(read), "ops of one CPU run in order");
            assertEquals(0xABCD_0000_0000_1A00L, batch.writeValue(write), "a write keeps the caller's value");
            assertEquals(0xFFFFL, batch.writeMask(write));
            assertEquals(device.peek(0, TSC), batch.value(tsc));
            assertEquals(77, device.peek(3, MPERF));
            assertEquals(-1L, batch.writeMask(mperf));
            assertEquals(4, batch.size());
        }
    }

    @ParameterizedTest
    @MethodSource("personalities")
    void aRejectedBatchRunsNothing(Personality p) throws MsrSafeException {
        SimulatedDevice device = device(p.version());
        try (MsrSafe msr = device.open(); MsrBatch batch = msr.newBatch()) {
            batch.addWrite(0, MPERF, 5);         // valid: must not run
            batch.addRead(2, TSC);               // CPU 2 offline
            batch.addRead(0, NOT_LISTED);
            batch.addWrite(1, THERM, 1);         // read-only
            long before = device.peek(0, MPERF);
            assertEquals(BatchOutcome.REJECTED, batch.execute());
            assertEquals(before, device.peek(0, MPERF));
            assertEquals(Status.NOT_RUN, batch.status(0));
            assertEquals(Optional.of(Errno.ENXIO), batch.error(1));
            assertEquals(Optional.of(Errno.EACCES), batch.error(2));
            assertEquals(Optional.of(Errno.EROFS), batch.error(3));
            assertEquals(BatchOutcome.PARTLY_REJECTED, batch.executeSkippingRejected());
            assertEquals(5, device.peek(0, MPERF), "the rerun ran the op that was only held back");
            CpuUnavailableException e = assertThrows(CpuUnavailableException.class, batch::throwIfFailed);
            assertTrue(e.getMessage().contains("op 1: CPU 2 does not exist or is offline"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("personalities")
    void aBatchLargerThanOneIoctlIsSplitAtTheLayoutsLimit(Personality p) throws MsrSafeException {
        SimulatedDevice device = device(p.version());
        try (MsrSafe msr = device.open(); MsrBatch batch = msr.newBatch()) {
            int ops = p.maxOps() + 10;
            for (int i = 0; i < ops; i++) {
                batch.addRead(i % 2, TSC);
            }
            batch.addRead(0, NOT_LISTED);        // rejects the second ioctl only
            assertEquals(BatchOutcome.PARTLY_REJECTED, batch.execute());
            assertEquals(Status.SUCCEEDED, batch.status(p.maxOps() - 1), "the last op of the first ioctl");
            assertEquals(Status.NOT_RUN, batch.status(p.maxOps()), "the first op of the second");
            assertEquals(11, batch.failures().size());
            assertEquals(BatchOutcome.PARTLY_REJECTED, batch.executeSkippingRejected());
            assertEquals(Status.SUCCEEDED, batch.status(ops - 1));
        }
    }

    // ---- timestamps: recorded by the 2.x module, read by extra ops on 1.x

    @ParameterizedTest
    @MethodSource("personalities")
    void timestampsComeRightAfterTheOpOnBothLayouts(Personality p) throws MsrSafeException {
        SimulatedDevice device = device(p.version());
        try (MsrSafe msr = device.open(); MsrBatch batch = msr.newBatch()) {
            int status = batch.addRead(3, PERF_STATUS, EnumSet.allOf(Timestamp.class));
            int plain = batch.addRead(3, PERF_CTL);
            int write = batch.addWrite(1, MPERF, 9, EnumSet.of(Timestamp.MPERF, Timestamp.TSC));
            boolean emulated = p.layout() == BatchLayout.MSR_SAFE_1;
            assertEquals(emulated ? 10 : 3, batch.size(), "1.x: one read per timestamp, right after the op");
            assertEquals(emulated ? 6 : 1, plain, "the indices are the batch's own");
            assertEquals(emulated, batch.isTimestampRead(status + 1));
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            assertEquals(device.peek(3, PERF_STATUS), batch.value(status));
            assertEquals(device.peek(3, TSC), batch.timestamp(status, Timestamp.TSC));
            assertEquals(device.peek(3, MPERF), batch.timestamp(status, Timestamp.MPERF));
            assertEquals(device.peek(3, 0xE8), batch.timestamp(status, Timestamp.APERF));
            assertEquals(device.peek(3, THERM), batch.timestamp(status, Timestamp.THERM_STATUS));
            assertEquals(device.peek(3, 0x1B1), batch.timestamp(status, Timestamp.PACKAGE_THERM_STATUS));
            assertEquals(9, batch.timestamp(write, Timestamp.MPERF), "after the write: the value written");
            assertEquals(EnumSet.of(Timestamp.TSC, Timestamp.MPERF), batch.timestamps(write));
            assertEquals(Set.of(), batch.timestamps(plain));
            IllegalArgumentException notAsked = assertThrows(IllegalArgumentException.class,
                    () -> batch.timestamp(write, Timestamp.APERF));
            assertEquals("op " + write + " did not ask for the APERF timestamp (it asked for [TSC, MPERF])",
                    notAsked.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("personalities")
    void anOpThatFaultsHasNoTimestamps(Personality p) throws MsrSafeException {
        SimulatedDevice device = SimulatedDevice.builder().cpus(1)
                .registers(SimulatedDevice.standardRegisters())
                .allowlist("0x10 0\n0xE7 0\n0xE8 0\n0x19C 0\n0x1B1 0\n0x777 0\n")
                .clock(nanos::get).moduleVersion(p.version()).build();
        try (MsrSafe msr = device.open(); MsrBatch batch = msr.newBatch()) {
            int phantom = batch.addRead(0, 0x777, EnumSet.of(Timestamp.TSC)); // listed, not implemented
            assertEquals(BatchOutcome.OPS_FAILED, batch.execute());
            assertEquals(Optional.of(Errno.EIO), batch.error(phantom));
            IllegalStateException none = assertThrows(IllegalStateException.class,
                    () -> batch.timestamp(phantom, Timestamp.TSC));
            assertTrue(none.getMessage().startsWith("op 0 failed: EIO"), none.getMessage());
        }
    }

    @Test
    void onOneXATimestampTheAllowlistRefusesRejectsItsIoctlAndSaysWhy() throws MsrSafeException {
        SimulatedDevice device = SimulatedDevice.builder().cpus(1)
                .registers(SimulatedDevice.standardRegisters())
                .allowlist("0x198 0\n")               // PERF_STATUS only: not the TSC
                .clock(nanos::get).build();
        try (MsrSafe msr = device.open(); MsrBatch batch = msr.newBatch()) {
            int op = batch.addRead(0, PERF_STATUS, EnumSet.of(Timestamp.TSC));
            assertEquals(BatchOutcome.REJECTED, batch.execute());
            assertEquals(Status.NOT_RUN, batch.status(op));
            assertEquals(Optional.of(Errno.EACCES), batch.error(op + 1));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> batch.timestamp(op, Timestamp.TSC));
            assertTrue(e.getMessage().contains("did not run"), e.getMessage());
            MsrNotAllowedException refused = assertThrows(MsrNotAllowedException.class, batch::throwIfFailed);
            assertTrue(refused.getMessage().contains("op 1 (the TSC timestamp read of op 0, which msr-safe 1.x needs the"
                    + " allowlist to permit): MSR 0x10 is not in the allowlist"), refused.getMessage());
        }
        // the 2.x module reads the timestamp registers whatever the allowlist says
        SimulatedDevice two = SimulatedDevice.builder().cpus(1)
                .registers(SimulatedDevice.standardRegisters())
                .allowlist("0x198 0\n").clock(nanos::get).moduleVersion(new ModuleVersion(2, 0, 4)).build();
        try (MsrSafe msr = two.open(); MsrBatch batch = msr.newBatch()) {
            int op = batch.addRead(0, PERF_STATUS, EnumSet.of(Timestamp.TSC));
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            assertEquals(two.peek(0, TSC), batch.timestamp(op, Timestamp.TSC));
        }
    }

    @Test
    void onOneXAnOpAndItsTimestampReadsAreNeverSplitBetweenIoctls() throws MsrSafeException {
        SimulatedDevice device = device(new ModuleVersion(1, 8, 0));
        try (MsrSafe msr = device.open(); MsrBatch batch = msr.newBatch()) {
            int max = batch.maxOpsPerIoctl();
            for (int i = 0; i < max - 2; i++) {
                batch.addRead(0, TSC);
            }
            // six ops, of which only two would fit in the first ioctl
            int stamped = batch.addRead(1, PERF_STATUS, EnumSet.allOf(Timestamp.class));
            assertEquals(max - 2, stamped);
            batch.addRead(0, NOT_LISTED);        // rejects the second ioctl
            assertEquals(BatchOutcome.PARTLY_REJECTED, batch.execute());
            assertEquals(Status.SUCCEEDED, batch.status(max - 3), "the first ioctl ends before the op");
            assertEquals(Status.NOT_RUN, batch.status(stamped), "the op went with its timestamp reads");
            for (int i = stamped + 1; i <= stamped + 5; i++) {
                assertEquals(Status.NOT_RUN, batch.status(i));
            }
            assertEquals(BatchOutcome.PARTLY_REJECTED, batch.executeSkippingRejected());
            assertEquals(device.peek(1, TSC), batch.timestamp(stamped, Timestamp.TSC));
        }
    }

    // ---- polls: 2.x only

    @Test
    void aPollOnTwoXReturnsTheFirstValueAndTheOneItChangedTo() throws MsrSafeException {
        AtomicLong ticking = new AtomicLong(1_000_000_000L);
        SimulatedDevice device = SimulatedDevice.builder().cpus(2)
                .registers(SimulatedDevice.standardRegisters())
                .allowlist(SimulatedDevice.standardAllowlist())
                .clock(() -> ticking.addAndGet(100))     // every look at the clock: 100 ns later
                .moduleVersion(new ModuleVersion(2, 0, 4)).build();
        try (MsrSafe msr = device.open(); MsrBatch batch = msr.newBatch()) {
            int energy = batch.addPoll(1, ENERGY, 1_000, EnumSet.of(Timestamp.TSC));
            int status = batch.addPoll(0, PERF_STATUS, 50);
            assertTrue(batch.isPoll(energy) && batch.isRead(energy));
            for (int round = 0; round < 3; round++) {     // again and again: poll_max is set anew each time
                assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
                PollResult moved = batch.pollResult(energy);
                assertTrue(moved.changed(), moved.toString());
                assertEquals(moved.first() + 1, moved.last(), "65 W in 2^-14 J units: one unit per ~940 ns");
                assertTrue(moved.tries() >= 1 && moved.tries() <= 20, moved.toString());
                assertEquals(moved.first(), batch.value(energy));
                assertTrue(batch.timestamp(energy, Timestamp.TSC) > 0);
                PollResult still = batch.pollResult(status);
                assertEquals(new PollResult(0x0000_1CCD_0000_1C00L, 0x0000_1CCD_0000_1C00L, false, 50), still);
            }
            assertEquals("op " + status + " is a poll, not a write",
                    assertThrows(IllegalArgumentException.class, () -> batch.setWriteValue(status, 1)).getMessage());
        }
    }

    @Test
    void pollTriesAreBoundedPerOpAndPerBatch() throws MsrSafeException {
        try (MsrSafe msr = device(new ModuleVersion(2, 0, 4)).open(); MsrBatch batch = msr.newBatch()) {
            assertEquals("a poll tries 1..100000 times, not 0",
                    assertThrows(IllegalArgumentException.class, () -> batch.addPoll(0, ENERGY, 0)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> batch.addPoll(0, ENERGY, MsrBatch.MAX_POLL_TRIES + 1));
            batch.addPoll(0, ENERGY, 60_000);
            IllegalStateException tooMany = assertThrows(IllegalStateException.class,
                    () -> batch.addPoll(1, ENERGY, 40_001));
            assertTrue(tooMany.getMessage().startsWith("the polls of this batch would try 100001 times in all"),
                    tooMany.getMessage());
            batch.addPoll(1, ENERGY, 40_000);
            batch.clear();
            batch.addPoll(1, ENERGY, MsrBatch.MAX_POLL_TRIES); // clear() gives the budget back
            assertEquals("op 0 is not a poll", assertThrows(IllegalArgumentException.class, () -> {
                batch.clear();
                batch.addRead(0, TSC);
                batch.pollResult(0);
            }).getMessage());
        }
    }

    @Test
    void onOneXPollingIsRefusedSayingWhatTheModuleLacks() throws MsrSafeException {
        try (MsrSafe msr = device(new ModuleVersion(1, 8, 0)).open(); MsrBatch batch = msr.newBatch()) {
            assertFalse(msr.batchLayout().modulePolls());
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> batch.addPoll(0, ENERGY, 10));
            assertEquals("polling needs msr-safe 2.x, whose module polls inside one interrupt handler; the module"
                    + " here (msr-safe 1.8.0) takes the 1.x batch layout, which has no poll op: read the register in a"
                    + " loop instead", e.getMessage());
            assertEquals(0, batch.size());
        }
    }

    @Test
    void theLayoutsDescribeThemselves() {
        assertEquals("msr-safe 1.x (32-byte ops)", BatchLayout.MSR_SAFE_1.toString());
        assertEquals("msr-safe 2.x (88-byte ops)", BatchLayout.MSR_SAFE_2.toString());
        assertEquals(List.of(32, 88), Stream.of(BatchLayout.values()).map(BatchLayout::opSize).toList());
        assertFalse(BatchLayout.MSR_SAFE_1.moduleTimestamps());
        assertTrue(BatchLayout.MSR_SAFE_2.moduleTimestamps());
    }
}
