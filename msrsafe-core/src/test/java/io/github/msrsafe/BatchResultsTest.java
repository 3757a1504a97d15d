package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.BatchOp.Status;
import io.github.msrsafe.allowlist.AllowlistEntry;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batch results cannot be misread: every way 0.1 let a caller take a failed or unrun op
 * for a value, and every outcome it named wrongly, has a test here that fails on 0.1.
 */
class BatchResultsTest {

    private static final long TSC = 0x10;
    private static final long MPERF = 0xE7;
    private static final long PERF_CTL = 0x199;
    private static final long PERF_STATUS = 0x198;     // listed read-only
    private static final long NOT_LISTED = 0x3A;
    private static final long NOT_IMPLEMENTED = 0x1234; // listed, but the processor faults

    private SimulatedDevice device;
    private MsrSafe msr;

    @BeforeEach
    void open() throws MsrSafeException {
        device = SimulatedDevice.builder().cpus(4).offline(2)
                .registers(SimulatedDevice.standardRegisters())
                .clock(() -> 0L)
                .allowlist(new AllowlistEntry(TSC, 0), new AllowlistEntry(MPERF, -1L), new AllowlistEntry(PERF_CTL, 0xFFFF),
                        new AllowlistEntry(PERF_STATUS, 0), new AllowlistEntry(NOT_IMPLEMENTED, -1L))
                .build();
        msr = device.open();
    }

    @AfterEach
    void close() {
        msr.close();
    }

    @Test
    void theValueOfARejectedReadThrowsInsteadOfReadingZero() throws MsrSafeException {
        try (MsrBatch batch = msr.newBatch()) {
            batch.addRead(0, MPERF);
            batch.addRead(0, NOT_LISTED);
            assertEquals(BatchOutcome.REJECTED, batch.execute());
            IllegalStateException notRun = assertThrows(IllegalStateException.class, () -> batch.value(0));
            assertTrue(notRun.getMessage().contains("did not run"), notRun.getMessage());
            IllegalStateException rejected = assertThrows(IllegalStateException.class, () -> batch.value(1));
            assertTrue(rejected.getMessage().contains("EACCES"), rejected.getMessage());
            assertEquals(Status.NOT_RUN, batch.status(0));
            assertEquals(Status.REJECTED, batch.status(1));
            assertEquals(OptionalLong.empty(), batch.op(0).value());
            assertEquals(OptionalLong.empty(), batch.op(1).value());
        }
    }

    @Test
    void theValueOfAFaultedReadThrows() throws MsrSafeException {
        try (MsrBatch batch = msr.newBatch()) {
            batch.addRead(0, NOT_IMPLEMENTED);
            batch.addRead(1, MPERF);
            assertEquals(BatchOutcome.OPS_FAILED, batch.execute());
            assertThrows(IllegalStateException.class, () -> batch.value(0));
            assertEquals(Status.FAILED, batch.status(0));
            assertEquals(Optional.of(Errno.EIO), batch.error(0));
            assertEquals(Optional.of(FailureKind.FAULT), batch.kind(0));
            assertEquals(Status.SUCCEEDED, batch.status(1));
            batch.value(1); // the other op ran and has its value
        }
    }

    @Test
    void accessorsBehaveTheSameBeforeAndAfterExecute() throws MsrSafeException {
        try (MsrBatch batch = msr.newBatch()) {
            int read = batch.addRead(0, MPERF);
            int write = batch.addWrite(1, PERF_CTL, 0x1A00);
            for (int op : new int[] {read, write}) {
                assertEquals(Status.NOT_EXECUTED, batch.status(op));
                assertEquals(Optional.empty(), batch.error(op));
                assertThrows(IllegalStateException.class, () -> batch.writeMask(op));
                assertEquals(Status.NOT_EXECUTED, batch.op(op).status());
            }
            assertThrows(IllegalStateException.class, () -> batch.value(read)); // 0.1 returned 0
            assertThrows(IllegalStateException.class, batch::throwIfFailed);
            assertEquals(List.of(), batch.failures());

            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            assertEquals(Status.SUCCEEDED, batch.status(read));
            assertEquals(device.peek(0, MPERF) > 0, batch.value(read) > 0);
            assertEquals(0xFFFF, batch.writeMask(write));

            int added = batch.addRead(3, TSC);
            assertEquals(Status.NOT_EXECUTED, batch.status(added), "added since the last execute");
            assertThrows(IllegalStateException.class, () -> batch.value(added));
            assertEquals(Status.SUCCEEDED, batch.status(read), "the others keep their results");
        }
    }

    @Test
    void aWriteHasNoValueToRead() throws MsrSafeException {
        try (MsrBatch batch = msr.newBatch()) {
            int write = batch.addWrite(1, PERF_CTL, 0x1A00);
            batch.execute();
            // 0.1's value(i) returned the value the caller asked to write, as if it had been read back.
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> batch.value(write));
            assertTrue(e.getMessage().contains("writeValue"), e.getMessage());
            assertEquals(0x1A00, batch.writeValue(write));
            assertEquals(OptionalLong.of(0x1A00), batch.op(write).value());
            assertThrows(IllegalArgumentException.class, () -> batch.writeValue(batch.addRead(0, TSC)));
        }
    }

    @Test
    void aSplitBatchWhoseSecondIoctlIsRejectedSaysPartOfItRan() throws MsrSafeException {
        int ops = msr.batchLayout().maxOpsPerIoctl() + 10;
        try (MsrBatch batch = msr.newBatch()) {
            for (int i = 0; i < ops; i++) {
                batch.addWrite(i % 2, MPERF, i);
            }
            batch.addRead(0, NOT_LISTED);
            // 0.1 said REJECTED, "nothing ran", although the first 131,072 writes had taken effect.
            assertEquals(BatchOutcome.PARTLY_REJECTED, batch.execute());
            assertEquals(msr.batchLayout().maxOpsPerIoctl() - 1, device.peek(1, MPERF), "the first ioctl's writes took effect");
            assertEquals(Status.SUCCEEDED, batch.status(msr.batchLayout().maxOpsPerIoctl() - 1));
            assertEquals(Status.NOT_RUN, batch.status(msr.batchLayout().maxOpsPerIoctl()));
            assertEquals(Status.REJECTED, batch.status(ops));
            assertTrue(batch.execute().anyRan());
            assertFalse(BatchOutcome.PARTLY_REJECTED.allRan());
        }
    }

    @Test
    void executeSkippingRejectedRunsEveryOpTheModuleAccepts() throws MsrSafeException {
        device.poke(0, MPERF, 5);
        try (MsrBatch batch = msr.newBatch()) {
            int write = batch.addWrite(0, MPERF, 777);
            int offline = batch.addRead(2, TSC);           // ENXIO
            int readOnly = batch.addWrite(1, PERF_STATUS, 1); // EROFS
            int unlisted = batch.addRead(0, NOT_LISTED);   // EACCES
            int read = batch.addRead(3, PERF_CTL);
            assertEquals(BatchOutcome.PARTLY_REJECTED, batch.executeSkippingRejected());
            assertEquals(777, device.peek(0, MPERF), "the innocent write ran");
            assertEquals(Status.SUCCEEDED, batch.status(write));
            assertEquals(Status.SUCCEEDED, batch.status(read));
            batch.value(read);
            assertEquals(Optional.of(FailureKind.CPU_UNAVAILABLE), batch.kind(offline));
            assertEquals(Optional.of(FailureKind.READ_ONLY), batch.kind(readOnly));
            assertEquals(Optional.of(FailureKind.NOT_ALLOWED), batch.kind(unlisted));
            for (int op = 0; op < batch.size(); op++) {
                assertTrue(batch.status(op) != Status.NOT_RUN, "no op is left unrun");
            }
            assertEquals(3, batch.failures().size());

            batch.clear();
            batch.addRead(0, NOT_LISTED);
            batch.addRead(2, TSC);
            assertEquals(BatchOutcome.REJECTED, batch.executeSkippingRejected(), "nothing the module accepts");
            batch.clear();
            batch.addRead(0, TSC);
            assertEquals(BatchOutcome.SUCCEEDED, batch.executeSkippingRejected());
        }
    }

    @Test
    void executeSkippingRejectedWorksAcrossSplitIoctls() throws MsrSafeException {
        int ops = msr.batchLayout().maxOpsPerIoctl() + 3;
        try (MsrBatch batch = msr.newBatch()) {
            batch.addRead(0, NOT_LISTED);
            for (int i = 1; i < ops; i++) {
                batch.addRead(i % 2, TSC);
            }
            batch.addRead(2, TSC);
            assertEquals(BatchOutcome.PARTLY_REJECTED, batch.executeSkippingRejected());
            assertEquals(Status.REJECTED, batch.status(0));
            assertEquals(Status.REJECTED, batch.status(ops));
            for (int i = 1; i < ops; i++) {
                assertEquals(Status.SUCCEEDED, batch.status(i), "op " + i);
            }
        }
    }

    @Test
    void aFailedOpAndTheExceptionForItAgreeOnTheKind() throws MsrSafeException {
        try (MsrBatch batch = msr.newBatch()) {
            batch.addWrite(1, PERF_STATUS, 1);
            batch.execute();
            MsrSafeException e = assertThrows(MsrSafeException.class, batch::throwIfFailed);
            assertInstanceOf(MsrNotAllowedException.class, e);
            assertEquals(FailureKind.READ_ONLY, e.kind());
            assertEquals(batch.kind(0).orElseThrow(), e.kind());
            assertEquals(Optional.of(Errno.EROFS), e.errno());
            assertEquals(1, e.cpu().orElseThrow());
            assertEquals(PERF_STATUS, e.msr().orElseThrow());
        }
    }

    @Test
    void batchOpsRefuseComponentsThatContradictEachOther() {
        assertThrows(IllegalArgumentException.class, () -> new BatchOp(0, 0, TSC, true, Status.FAILED,
                OptionalLong.of(0), OptionalLong.of(0), Optional.of(Errno.EIO)), "a failed read with a value");
        assertThrows(IllegalArgumentException.class, () -> new BatchOp(0, 0, TSC, true, Status.SUCCEEDED,
                OptionalLong.of(0), OptionalLong.of(0), Optional.of(Errno.EIO)), "success with an errno");
        assertThrows(IllegalArgumentException.class, () -> new BatchOp(0, 0, TSC, true, Status.NOT_EXECUTED,
                OptionalLong.empty(), OptionalLong.of(0), Optional.empty()), "a mask before execution");
        assertEquals(Optional.of(FailureKind.PERMISSION), new BatchOp(0, 0, TSC, false, Status.FAILED,
                OptionalLong.of(1), OptionalLong.of(0), Optional.of(Errno.EBADF)).kind());
    }
}
