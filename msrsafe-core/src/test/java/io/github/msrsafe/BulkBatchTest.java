package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.BatchOp.Status;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bulk forms (addReads, addWrites, values) add exactly what the per-op forms add, and a
 * batch run again reports this run's results, not the last one's.
 */
class BulkBatchTest {

    private static final long TSC = 0x10;
    private static final long MPERF = 0xE7;
    private static final long PERF_CTL = 0x199;

    private SimulatedDevice device;
    private MsrSafe msr;

    @BeforeEach
    void open() throws MsrSafeException {
        device = SimulatedDevice.builder().cpus(4)
                .registers(SimulatedDevice.standardRegisters())
                .clock(() -> 0L)
                .allowlist(new AllowlistEntry(TSC, 0), new AllowlistEntry(MPERF, -1L), new AllowlistEntry(PERF_CTL, 0xFFFF))
                .build();
        msr = device.open();
    }

    @AfterEach
    void close() {
        msr.close();
    }

    @Test
    void bulkFormsAddWhatPerOpFormsAdd() throws MsrSafeException {
        int[] cpus = {0, 1, 2, 3};
        long[] msrs = {PERF_CTL, PERF_CTL, PERF_CTL, PERF_CTL};
        long[] values = {0x1100, 0x1200, 0x1300, 0x1400};
        try (MsrBatch bulk = msr.newBatch(); MsrBatch single = msr.newBatch()) {
            bulk.addRead(3, TSC); // the bulk ops follow the ops already there
            assertEquals(1, bulk.addWrites(cpus, msrs, values));
            assertEquals(5, bulk.addReads(cpus, msrs));
            assertEquals(9, bulk.size());
            single.addRead(3, TSC);
            for (int i = 0; i < cpus.length; i++) {
                single.addWrite(cpus[i], msrs[i], values[i]);
            }
            for (int i = 0; i < cpus.length; i++) {
                single.addRead(cpus[i], msrs[i]);
            }
            for (int i = 0; i < bulk.size(); i++) {
                assertEquals(single.cpu(i), bulk.cpu(i), "cpu of op " + i);
                assertEquals(single.msr(i), bulk.msr(i), "msr of op " + i);
                assertEquals(single.isRead(i), bulk.isRead(i), "read? op " + i);
                assertEquals(single.status(i), bulk.status(i), "status of op " + i);
                if (!bulk.isRead(i)) {
                    assertEquals(single.writeValue(i), bulk.writeValue(i), "write value of op " + i);
                }
            }
            assertEquals(BatchOutcome.SUCCEEDED, bulk.execute());
            long[] read = new long[cpus.length];
            bulk.values(5, read);
            assertArrayEquals(values, read, "the reads see the writes before them");
            assertEquals(bulk.value(0), valuesOf(bulk, 0, 1)[0]);
        }
    }

    @Test
    void badArgumentsAddNothing() throws MsrSafeException {
        try (MsrBatch batch = msr.newBatch()) {
            batch.addRead(0, TSC);
            IllegalArgumentException cpu = assertThrows(IllegalArgumentException.class,
                    () -> batch.addReads(new int[] {0, 70_000}, new long[] {TSC, TSC}));
            assertTrue(cpu.getMessage().startsWith("cpus[1]: CPU 70000 is outside 0..65535"), cpu.getMessage());
            IllegalArgumentException address = assertThrows(IllegalArgumentException.class,
                    () -> batch.addWrites(new int[] {0, 1}, new long[] {-1L, TSC}, new long[2]));
            assertTrue(address.getMessage().startsWith("msrs[0]: MSR address"), address.getMessage());
            IllegalArgumentException lengths = assertThrows(IllegalArgumentException.class,
                    () -> batch.addWrites(new int[] {0, 1}, new long[] {TSC, TSC}, new long[1]));
            assertTrue(lengths.getMessage().contains("differ in length"), lengths.getMessage());
            assertThrows(NullPointerException.class, () -> batch.addReads(null, new long[0]));
            assertEquals(1, batch.size(), "a refused bulk add adds no op");
        }
    }

    @Test
    void valuesChecksTheWholeRangeBeforeCopying() throws MsrSafeException {
        try (MsrBatch batch = msr.newBatch()) {
            batch.addReads(new int[] {0, 1}, new long[] {TSC, TSC});
            batch.addWrite(2, PERF_CTL, 1);
            long[] into = {7, 7, 7};
            assertThrows(IllegalStateException.class, () -> batch.values(0, into), "not executed yet");
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            assertThrows(IllegalArgumentException.class, () -> batch.values(0, into), "op 2 is a write");
            assertArrayEquals(new long[] {7, 7, 7}, into, "nothing copied when an op has no value");
            IndexOutOfBoundsException outside = assertThrows(IndexOutOfBoundsException.class,
                    () -> batch.values(2, new long[2]));
            assertEquals("ops 2..3 are not all inside this batch of 3 ops", outside.getMessage());
            NullPointerException none = assertThrows(NullPointerException.class, () -> batch.values(0, null));
            assertEquals("into", none.getMessage());
            batch.addRead(3, MPERF); // added after the execute: no value yet
            assertThrows(IllegalStateException.class, () -> batch.values(3, new long[1]));
        }
    }

    @Test
    void bulkAddGrowsTheBatchAtOnce() throws MsrSafeException {
        int ops = 10_000;
        int[] cpus = new int[ops];
        long[] msrs = new long[ops];
        for (int i = 0; i < ops; i++) {
            cpus[i] = i % 4;
            msrs[i] = TSC;
        }
        try (MsrBatch batch = msr.newBatch()) {
            assertEquals(0, batch.addReads(cpus, msrs));
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            long[] values = new long[ops];
            batch.values(0, values);
            assertEquals(ops, batch.size());
        }
    }

    // Execute no longer zeroes every op's wmask before each run: a rerun must still not report
    // the mask of an earlier run for an op the module now refuses.
    @Test
    void aRefusedOpReportsNoMaskWhenTheBatchRunsAgain() throws MsrSafeException {
        try (MsrBatch batch = msr.newBatch()) {
            int write = batch.addWrite(0, PERF_CTL, 0x1000);
            int read = batch.addRead(1, MPERF);
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            assertEquals(0xFFFF, batch.writeMask(write));
            msr.installAllowlist(Allowlist.of(new AllowlistEntry(MPERF, -1L)));
            assertEquals(BatchOutcome.REJECTED, batch.execute());
            assertEquals(Status.REJECTED, batch.status(write));
            assertEquals(0, batch.writeMask(write), "PERF_CTL is no longer listed: no mask");
            assertEquals(Status.NOT_RUN, batch.status(read));
            assertEquals(-1L, batch.writeMask(read), "the module reports the mask of a listed op that did not run");
            msr.installAllowlist(Allowlist.of(new AllowlistEntry(MPERF, -1L), new AllowlistEntry(PERF_CTL, 0xFF)));
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute(), "the errors of the refused run are not carried over");
            assertEquals(0xFF, batch.writeMask(write));
        }
    }

    private static long[] valuesOf(MsrBatch batch, int first, int count) {
        long[] values = new long[count];
        batch.values(first, values);
        return values;
    }
}
