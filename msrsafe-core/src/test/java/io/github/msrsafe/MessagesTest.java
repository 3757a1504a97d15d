package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.Failures.Call;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The words and exception types users see for each errno, per call. */
class MessagesTest {

    @Test
    void preadEaccesIsAnAllowlistRefusalNamingEverything() {
        MsrSafeException e = Failures.of(13, Call.PREAD, "/dev/cpu/3/msr_safe", Driver.MSR_SAFE, 3, 0x199);
        assertInstanceOf(MsrNotAllowedException.class, e);
        assertEquals("pread /dev/cpu/3/msr_safe (CPU 3, MSR 0x199) failed: EACCES: MSR 0x199 is not in the"
                + " allowlist; an administrator must add it to /dev/cpu/msr_allowlist", e.getMessage());
        assertEquals(Errno.EACCES, e.errno().orElseThrow());
        assertEquals(FailureKind.NOT_ALLOWED, e.kind());
        assertEquals(3, e.cpu().orElseThrow());
        assertEquals(0x199, e.msr().orElseThrow());
    }

    @Test
    void openEaccesIsAFilePermissionNotAnAllowlistRefusal() {
        MsrSafeException e = Failures.of(13, Call.OPEN, "/dev/cpu/msr_batch", Driver.MSR_SAFE, -1, -1);
        assertInstanceOf(DevicePermissionException.class, e);
        assertTrue(e.getMessage().contains("msr-user"), e.getMessage());
        MsrSafeException stock = Failures.of(13, Call.OPEN, "/dev/cpu/0/msr", Driver.STOCK_MSR, 0, -1);
        assertTrue(stock.getMessage().contains("CAP_SYS_RAWIO"), stock.getMessage());
    }

    @Test
    void eachErrnoMapsToTheTypeUsersCatch() {
        assertInstanceOf(CpuUnavailableException.class, Failures.of(6, Call.PREAD, "d", Driver.MSR_SAFE, 1, 0x10));
        assertInstanceOf(MsrFaultException.class, Failures.of(5, Call.PWRITE, "d", Driver.MSR_SAFE, 1, 0x10));
        assertInstanceOf(DevicePermissionException.class, Failures.of(9, Call.PWRITE, "d", Driver.MSR_SAFE, 1, 0x10));
        assertInstanceOf(DeviceNotFoundException.class, Failures.of(2, Call.OPEN, "/dev/cpu/msr_batch", Driver.MSR_SAFE, -1, -1));
        MsrSafeException enotty = Failures.of(25, Call.BATCH, "/dev/cpu/msr_batch", Driver.MSR_SAFE, -1, -1);
        assertEquals(MsrSafeException.class, enotty.getClass());
        assertTrue(enotty.getMessage().startsWith("ioctl(X86_IOC_MSR_BATCH) /dev/cpu/msr_batch failed: ENOTTY: "),
                enotty.getMessage());
    }

    @Test
    void aNodeThatIsNotADeviceIsNamedAsSuch() {
        // A --device tree with a directory or a FIFO where N/msr_safe belongs said only "Is a directory",
        // "Illegal seek".
        assertEquals("open /tmp/x/0/msr_safe (CPU 0) failed: EISDIR: /tmp/x/0/msr_safe is a directory, not an MSR"
                + " device node; the device root must hold one device file per CPU, N/msr_safe (or N/msr), as"
                + " /dev/cpu does", Failures.of(21, Call.OPEN, "/tmp/x/0/msr_safe", Driver.MSR_SAFE, 0, -1).getMessage());
        for (Call call : List.of(Call.PREAD, Call.PWRITE)) {
            assertTrue(Failures.of(29, call, "/tmp/x/0/msr_safe", Driver.MSR_SAFE, 0, 0x10).getMessage()
                    .endsWith("ESPIPE: /tmp/x/0/msr_safe is a pipe or a socket, not an MSR device node; the device root"
                            + " must hold one device file per CPU, N/msr_safe (or N/msr), as /dev/cpu does"));
        }
    }

    @Test
    void unknownErrnoIsNamedByNumberNotHidden() {
        MsrSafeException e = Failures.of(200, Call.PREAD, "d", Driver.MSR_SAFE, 0, 0x10);
        assertTrue(e.getMessage().contains("errno 200"), e.getMessage());
        assertEquals(FailureKind.OTHER, e.kind());
        assertTrue(e.errno().isEmpty());
    }

    @Test
    void batchOpWordsDistinguishReadOnlyFromUnlisted() {
        assertEquals("EROFS: MSR 0x10 is read-only: its allowlist write mask is 0",
                new BatchOp(0, 0, 0x10, false, BatchOp.Status.REJECTED, OptionalLong.of(5), OptionalLong.of(0),
                        Optional.of(Errno.EROFS)).describe());
        assertEquals("ok", new BatchOp(0, 0, 0x10, true, BatchOp.Status.SUCCEEDED, OptionalLong.of(5),
                OptionalLong.of(0), Optional.empty()).describe());
        assertTrue(new BatchOp(0, 0, 0x10, true, BatchOp.Status.NOT_RUN, OptionalLong.empty(), OptionalLong.of(0),
                Optional.empty()).describe().startsWith("not run"));
    }

    @Test
    void addressesAboveThirtyTwoBitsAreRejectedBeforeAnySyscall() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MsrSafe.checkMsr(0x1_0000_0010L));
        assertTrue(e.getMessage().contains("0x100000010"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MsrSafe.checkMsr(-1));
        MsrSafe.checkMsr(0xFFFF_FFFFL);
    }

    @Test
    void cpuRangesAreCompact() {
        assertEquals("0-3,5,8-11", CpuRanges.format(List.of(0, 1, 2, 3, 5, 8, 9, 10, 11)));
        assertEquals("7", CpuRanges.format(List.of(7)));
        assertEquals("none", CpuRanges.format(List.of()));
    }
}
