package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The hot paths allocate nothing on the Java heap once warm: per-CPU read and
 * write, and batch execute with its result accessors. Measured with the JVM's
 * per-thread allocation counter, not with time.
 */
class AllocationTest {

    private static final int WARM_UP = 30_000;
    private static final int MEASURED = 10_000;

    @Test
    void perCpuReadAndWriteAllocateNothing() throws Exception {
        try (MsrSafe msr = SimulatedDevice.standard(2).open()) {
            long[] sink = new long[1];
            AllocationMeter.Action readWrite = () -> {
                sink[0] += msr.read(1, 0xE7);
                msr.write(1, 0xE7, sink[0]);
            };
            assertEquals(0, allocatedBy(readWrite), "bytes allocated by " + MEASURED + " read+write pairs");
        }
    }

    @Test
    void batchExecuteAllocatesNothing() throws Exception {
        try (MsrSafe msr = SimulatedDevice.standard(8).open(); MsrBatch batch = msr.newBatch()) {
            for (int cpu : msr.cpus()) {
                batch.addRead(cpu, 0x10);
                batch.addWrite(cpu, 0xE7, cpu);
            }
            long[] sink = new long[1];
            AllocationMeter.Action execute = () -> {
                batch.execute();
                for (int i = 0; i < batch.size(); i++) {
                    sink[0] += (batch.isRead(i) ? batch.value(i) : batch.writeValue(i)) + batch.status(i).ordinal()
                            + batch.writeMask(i);
                }
            };
            assertEquals(0, allocatedBy(execute), "bytes allocated by " + MEASURED + " executes");
        }
    }

    @Test
    void bulkAddExecuteAndValuesAllocateNothing() throws Exception {
        try (MsrSafe msr = SimulatedDevice.standard(8).open(); MsrBatch batch = msr.newBatch()) {
            int[] cpus = msr.cpus().stream().mapToInt(Integer::intValue).toArray();
            long[] tsc = new long[cpus.length];
            long[] perfCtl = new long[cpus.length];
            long[] values = new long[cpus.length];
            Arrays.fill(tsc, 0x10);
            Arrays.fill(perfCtl, 0x199);
            long[] sink = new long[1];
            AllocationMeter.Action fillAndRun = () -> {
                batch.clear();
                int reads = batch.addReads(cpus, tsc);
                batch.addWrites(cpus, perfCtl, values); // writes back the values read last time
                batch.execute();
                batch.values(reads, values);
                sink[0] += values[0];
            };
            assertEquals(0, allocatedBy(fillAndRun), "bytes allocated by " + MEASURED + " bulk fills and executes");
        }
    }

    @Test
    void executeSkippingRejectedAllocatesNothingOnceWarm() throws Exception {
        try (MsrSafe msr = SimulatedDevice.standard(4).open(); MsrBatch batch = msr.newBatch()) {
            for (int cpu : msr.cpus()) {
                batch.addRead(cpu, 0x10);
            }
            batch.addRead(0, 0x3A); // not in the standard allowlist: every execute needs a rerun
            long[] sink = new long[1];
            AllocationMeter.Action execute = () -> {
                batch.executeSkippingRejected();
                for (int i = 0; i < batch.size() - 1; i++) {
                    sink[0] += batch.value(i) + batch.status(i).ordinal();
                }
                sink[0] += batch.status(batch.size() - 1).ordinal();
            };
            assertEquals(0, allocatedBy(execute), "bytes allocated by " + MEASURED + " executes with a rerun");
        }
    }

    @Test
    void batchesWithTimestampsAndPollsAllocateNothingOnEitherLayout() throws Exception {
        for (ModuleVersion version : new ModuleVersion[] {new ModuleVersion(1, 8, 0), new ModuleVersion(2, 0, 4)}) {
            SimulatedDevice device = SimulatedDevice.builder().cpus(4).registers(SimulatedDevice.standardRegisters())
                    .allowlist(SimulatedDevice.standardAllowlist()).moduleVersion(version).build();
            try (MsrSafe msr = device.open(); MsrBatch batch = msr.newBatch()) {
                java.util.Set<Timestamp> stamps = java.util.EnumSet.of(Timestamp.TSC, Timestamp.APERF);
                int[] stamped = new int[4];
                for (int cpu : msr.cpus()) {
                    stamped[cpu] = batch.addRead(cpu, 0x198, stamps);
                    batch.addWrite(cpu, 0xE7, cpu, stamps);
                }
                int poll = msr.batchLayout().modulePolls() ? batch.addPoll(0, 0x19C, 3) : -1;
                long[] sink = new long[1];
                AllocationMeter.Action execute = () -> {
                    batch.execute();
                    for (int cpu = 0; cpu < 4; cpu++) {
                        sink[0] += batch.value(stamped[cpu]) + batch.timestamp(stamped[cpu], Timestamp.TSC)
                                + batch.timestamp(stamped[cpu], Timestamp.APERF);
                    }
                    if (poll >= 0) {
                        sink[0] += batch.value(poll);
                    }
                };
                assertEquals(0, allocatedBy(execute), "bytes allocated by " + MEASURED + " executes on " + version);
            }
        }
    }

    private static long allocatedBy(AllocationMeter.Action action) throws Exception {
        return AllocationMeter.fewestBytes(WARM_UP, MEASURED, 5, action);
    }
}
