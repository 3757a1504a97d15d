package io.github.msrsafe;

import static io.github.msrsafe.registers.Msrs.IA32_PERF_CTL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.registers.Register;
import io.github.msrsafe.registers.RegisterCatalog;
import org.junit.jupiter.api.Test;

/** MsrSafe and MsrBatch by register name and catalog entry, as well as by address. */
class ByRegisterNameTest {

    private static final Register MPERF = RegisterCatalog.builtIn().require("IA32_MPERF");

    private static SimulatedDevice device() {
        return SimulatedDevice.builder().cpus(2).registers(SimulatedDevice.standardRegisters())
                .allowlist(SimulatedDevice.standardAllowlist()).clock(() -> 1_000_000_000L).build();
    }

    @Test
    void readsAndWritesByNameAndByEntryTheSameRegisterAsByAddress() throws MsrSafeException {
        SimulatedDevice device = device();
        try (MsrSafe msr = device.open()) {
            msr.write(1, "perf_ctl", 0x1A00);
            assertEquals(0x1A00, device.peek(1, 0x199));
            assertEquals(0x1A00, msr.read(1, "IA32_PERF_CTL"));
            assertEquals(0x1A00, msr.read(1, IA32_PERF_CTL));
            msr.write(0, MPERF, 77);
            assertEquals(77, device.peek(0, 0xE7));
            assertEquals(77, msr.read(0, MPERF));
            assertEquals(msr.read(0, 0xCE), msr.read(0, "platform_info"));
        }
    }

    @Test
    void batchesAddOpsByNameAndByEntry() throws MsrSafeException {
        SimulatedDevice device = device();
        try (MsrSafe msr = device.open(); MsrBatch batch = msr.newBatch()) {
            int write = batch.addWrite(0, "mperf", 5);
            int read = batch.addRead(0, MPERF);
            int byName = batch.addRead(1, "msr_platform_info");
            int perfCtl = batch.addWrite(1, RegisterCatalog.builtIn().require("perf_ctl"), 0x1B00);
            assertEquals(BatchOutcome.SUCCEEDED, batch.execute());
            assertEquals(0xE7, batch.msr(write));
            assertEquals(5, batch.value(read));
            assertEquals(0xCE, batch.msr(byName));
            assertEquals(0x1B00, device.peek(1, 0x199));
            assertEquals(0x199, batch.msr(perfCtl));
        }
    }

    @Test
    void anUnknownNameIsACallersMistakeThatSuggestsNames() throws MsrSafeException {
        try (MsrSafe msr = device().open(); MsrBatch batch = msr.newBatch()) {
            IllegalArgumentException read = assertThrows(IllegalArgumentException.class, () -> msr.read(0, "IA32_MPREF"));
            assertTrue(read.getMessage().contains("did you mean IA32_MPERF"), read.getMessage());
            assertThrows(IllegalArgumentException.class, () -> msr.write(0, "NO_SUCH_MSR", 1));
            assertThrows(IllegalArgumentException.class, () -> batch.addRead(0, "perf"));
            assertThrows(IllegalArgumentException.class, () -> batch.addWrite(0, "perf", 1));
            assertEquals(0, batch.size(), "nothing was added");
            assertThrows(NullPointerException.class, () -> msr.read(0, (Register) null));
            assertThrows(NullPointerException.class, () -> batch.addRead(0, (Register) null));
        }
    }

    @Test
    void opsPrintInHexWithTheRegistersName() throws MsrSafeException {
        try (MsrSafe msr = device().open(); MsrBatch batch = msr.newBatch()) {
            batch.addWrite(1, "perf_ctl", 0x1A00);
            batch.addRead(1, "perf_ctl");
            batch.addRead(0, 0x1234);
            batch.execute();
            assertEquals("#0 write CPU 1 0x199 IA32_PERF_CTL: not run: another op of the batch was rejected",
                    batch.op(0).toString());
            assertEquals("#2 read CPU 0 0x1234: EACCES: MSR 0x1234 is not in the allowlist", batch.op(2).toString());
            batch.clear();
            batch.addWrite(1, "perf_ctl", 0x1A00);
            batch.addRead(1, "perf_ctl");
            batch.execute();
            assertEquals("#0 write CPU 1 0x199 IA32_PERF_CTL <- 0x0000000000001A00 (mask 0x000000000000FFFF)",
                    batch.op(0).toString());
            assertEquals("#1 read CPU 1 0x199 IA32_PERF_CTL = 0x0000000000001A00", batch.op(1).toString());
        }
    }
}
