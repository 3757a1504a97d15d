package io.github.msrsafe.save;

import static io.github.msrsafe.registers.Register.Scope.THREAD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.AllocationMeter;
import io.github.msrsafe.Errno;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.SimulatedRegister;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.save.SnapshotException.Problem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A capture read again and again: the same state as MsrState.capture, refreshed in place, without garbage. */
class StateCaptureTest {

    @Test
    void eachReadIsWhatCaptureWouldReadAtThatMoment() throws IOException {
        SimulatedDevice device = MsrStateTest.device(4);
        MsrStateTest.distinctState(device);
        try (MsrSafe msr = device.open(); StateCapture state = StateCapture.of(msr, Allowlist.of(MsrStateTest.ALLOWLIST))) {
            assertEquals(8, state.read(), "two unimplemented entries on each of 4 CPUs");
            assertArrayEquals(MsrState.capture(msr, Allowlist.of(MsrStateTest.ALLOWLIST)).snapshot().slots(),
                    state.snapshot().slots());
            assertTrue(state.failedReads().stream().allMatch(f -> f.errno() == Errno.EIO), state.failedReads().toString());
            assertEquals(4 * 6, state.registersRead(), "4 CPUs x the 6 entries with a write mask");

            msr.write(3, MsrStateTest.PERF_CTL, 0x2A);
            assertEquals(0x1003, state.slot(3, 2), "the slots keep the last read until the next");
            state.read();
            assertEquals(0x2A, state.slot(3, 2));
            assertEquals(0, state.slot(3, 0), "a read-only entry's slot holds 0");
            long[] copy = new long[state.slotCount()];
            state.copySlots(copy);
            assertArrayEquals(state.snapshot().slots(), copy);
            assertEquals(state.readAt(), state.snapshot().savedAt());
        }
    }

    @Test
    void onceWarmAReadAllocatesNothingPerRegister() throws Exception {
        SimulatedDevice device = SimulatedDevice.builder().cpus(64)
                .register(SimulatedRegister.readWrite(0x199, "IA32_PERF_CTL", THREAD, 0x1C00, 0))
                .register(SimulatedRegister.readWrite(0x1A0, "IA32_MISC_ENABLE", THREAD, 0x85_0089L, 0))
                .register(SimulatedRegister.readWrite(0x1A4, "MSR_PREFETCH_CONTROL", THREAD, 0, 0))
                .register(SimulatedRegister.readWrite(0x1B0, "IA32_ENERGY_PERF_BIAS", THREAD, 6, 0))
                .allowlist(List.of(new AllowlistEntry(0x199, 0xFFFF), new AllowlistEntry(0x1A0, -1L),
                        new AllowlistEntry(0x1A4, 0xF), new AllowlistEntry(0x1B0, 0xF)))
                .build();
        try (MsrSafe msr = device.open(); StateCapture state = StateCapture.of(msr, msr.allowlist())) {
            int reads = 200;
            long bytes = AllocationMeter.fewestBytes(2_000, reads, 5, state::read);
            int registers = state.registersRead();
            assertEquals(256, registers);
            // The read's own timestamp (an Instant) is all: well under one byte per register.
            assertTrue(bytes / reads < registers / 4, bytes / reads + " bytes per read of " + registers + " registers");
        }
    }

    @Test
    void anAllowlistTheModuleDoesNotHoldIsRefusedOnEveryReadAndLeavesNoState() throws IOException {
        SimulatedDevice device = MsrStateTest.device(2);
        List<AllowlistEntry> stale = new ArrayList<>(MsrStateTest.ALLOWLIST);
        stale.set(2, new AllowlistEntry(MsrStateTest.PERF_CTL, 0xFF));
        try (MsrSafe msr = device.open(); StateCapture state = StateCapture.of(msr, Allowlist.of(stale))) {
            for (int attempt = 0; attempt < 2; attempt++) {
                SnapshotException e = assertThrows(SnapshotException.class, state::read);
                assertEquals(Problem.ALLOWLIST_MISMATCH, e.problem());
                assertTrue(e.getMessage().contains("the module's mask is 0x000000000000FFFF"), e.getMessage());
            }
            IllegalStateException noState = assertThrows(IllegalStateException.class, () -> state.slot(0, 0));
            assertTrue(noState.getMessage().contains("call read() first"), noState.getMessage());
        }
    }

    @Test
    void anEmptyAllowlistAndAClosedCaptureAreRefused() throws IOException {
        try (MsrSafe msr = MsrStateTest.device(2).open()) {
            SnapshotException empty = assertThrows(SnapshotException.class, () -> StateCapture.of(msr, Allowlist.EMPTY));
            assertEquals(Problem.EMPTY_ALLOWLIST, empty.problem());
            StateCapture state = StateCapture.of(msr, Allowlist.of(MsrStateTest.ALLOWLIST));
            state.read();
            state.close();
            state.close();
            assertThrows(IllegalStateException.class, state::read);
        }
    }
}
