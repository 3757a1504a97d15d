package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.Failures.Call;
import io.github.msrsafe.allowlist.AllowlistException;
import io.github.msrsafe.save.SnapshotException;
import io.github.msrsafe.telemetry.CpuTopology;
import io.github.msrsafe.telemetry.Sampler;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One error model: one classification of (call, errno), one sealed exception family
 * created only by the library, and accessors without sentinels.
 */
class ErrorModelTest {

    @Test
    void theSameErrnoMeansWhatItsCallMakesIt() {
        assertEquals(FailureKind.PERMISSION, Failures.kind(Call.OPEN, Errno.EACCES.number()));
        assertEquals(FailureKind.NOT_ALLOWED, Failures.kind(Call.PREAD, Errno.EACCES.number()));
        assertEquals(FailureKind.NOT_ALLOWED, Failures.kind(Call.BATCH_OP, Errno.EACCES.number()));
        assertEquals(FailureKind.READ_ONLY, Failures.kind(Call.BATCH_OP, Errno.EROFS.number()));
        assertEquals(FailureKind.PERMISSION, Failures.kind(Call.READ_ALLOWLIST, Errno.EACCES.number()));
        assertEquals(FailureKind.NO_DEVICE, Failures.kind(Call.OPEN, Errno.ENOENT.number()));
        assertEquals(FailureKind.CPU_UNAVAILABLE, Failures.kind(Call.PREAD, Errno.ENXIO.number()));
        assertEquals(FailureKind.FAULT, Failures.kind(Call.PWRITE, Errno.EIO.number()));
        assertEquals(FailureKind.WRONG_ABI, Failures.kind(Call.BATCH, Errno.ENOTTY.number()));
        assertEquals(FailureKind.WRONG_ABI, Failures.kind(Call.BATCH, Errno.ENOPROTOOPT.number()));
        assertEquals(FailureKind.RESOURCES, Failures.kind(Call.BATCH, Errno.E2BIG.number()));
        assertEquals(FailureKind.ALLOWLIST_REJECTED, Failures.kind(Call.WRITE_ALLOWLIST, Errno.ENOTUNIQ.number()));
        assertEquals(FailureKind.BUSY, Failures.kind(Call.PREAD, Errno.EBUSY.number()));
        assertEquals(FailureKind.OTHER, Failures.kind(Call.PREAD, 200), "a number no errno has");
    }

    @Test
    void aPerOpEbadfIsAPermissionProblemWhereverItIsReported() {
        // 0.1: `write -a` exited 5 (access denied) and `latency` 10 (device error) for the same EBADF.
        assertEquals(FailureKind.PERMISSION, Failures.kind(Call.BATCH_OP, Errno.EBADF.number()));
        assertEquals(FailureKind.PERMISSION, Failures.kind(Call.PWRITE, Errno.EBADF.number()));
        MsrSafeException e = Failures.create(Failures.kind(Call.BATCH_OP, Errno.EBADF.number()), Errno.EBADF.number(),
                "batch write", "/dev/cpu/msr_batch", 1, 0x10, "r");
        assertEquals(DevicePermissionException.class, e.getClass());
    }

    @Test
    void everyKindIsThrownAsItsOwnType() {
        for (FailureKind kind : FailureKind.values()) {
            MsrSafeException e = Failures.create(kind, 0, "op", "dev", -1, -1, "why");
            assertEquals(kind.exceptionType(), e.getClass(), kind.name());
            assertEquals(kind, e.kind());
        }
        for (Call call : Call.values()) {
            for (Errno errno : Errno.values()) {
                MsrSafeException e = Failures.of(errno.number(), call, "dev", Driver.MSR_SAFE, 0, 0x10);
                assertEquals(Failures.kind(call, errno.number()), e.kind(), call + " " + errno);
                assertEquals(errno, e.errno().orElseThrow());
            }
        }
    }

    @Test
    void theFamilyIsSealedAndOnlyTheLibraryCreatesItsMembers() {
        assertTrue(MsrSafeException.class.isSealed());
        List<Class<?>> family = new ArrayList<>(List.of(MsrSafeException.class.getPermittedSubclasses()));
        assertEquals(5, family.size(), family.toString());
        for (Class<?> member : family) {
            assertTrue(Modifier.isFinal(member.getModifiers()), member + " is final");
        }
        family.add(MsrSafeException.class);
        family.add(AllowlistException.class);
        family.add(SnapshotException.class);
        for (Class<?> member : family) {
            for (Constructor<?> constructor : member.getDeclaredConstructors()) {
                int modifiers = constructor.getModifiers();
                assertFalse(Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers), constructor.toString());
            }
        }
    }

    @Test
    void accessorsHaveNoSentinels() {
        for (Class<?> type : List.of(MsrSafeException.class, AllowlistException.class, SnapshotException.class,
                BatchOp.class)) {
            for (Method accessor : type.getDeclaredMethods()) {
                if (Modifier.isPublic(accessor.getModifiers()) && accessor.getParameterCount() == 0
                        && !Modifier.isStatic(accessor.getModifiers())) {
                    boolean allowed = !(accessor.getReturnType() == int.class || accessor.getReturnType() == long.class)
                            || accessor.getName().equals("line") || accessor.getName().equals("column")
                            || accessor.getName().equals("index") || accessor.getName().equals("cpu")
                                    && type == BatchOp.class
                            || accessor.getName().equals("msr") && type == BatchOp.class
                            || accessor.getName().equals("hashCode");
                    assertTrue(allowed, type.getSimpleName() + "." + accessor.getName()
                            + " returns a bare number: Optional, OptionalInt or OptionalLong say 'none' without a sentinel");
                }
            }
        }
    }

    @Test
    void anAllowlistTextErrorIsAParseErrorNotAFailedCall() {
        assertFalse(MsrSafeException.class.isAssignableFrom(AllowlistException.class));
        assertFalse(MsrSafeException.class.isAssignableFrom(SnapshotException.class));
    }

    @Test
    void aCpuThatWasNotOnlineForTheHandleIsAFailureOfTheMachineNotAnArgumentError() throws Exception {
        SimulatedDevice device = SimulatedDevice.builder().cpus(4).offline(2)
                .registers(SimulatedDevice.standardRegisters()).allowlist(SimulatedDevice.standardAllowlist()).build();
        try (MsrSafe msr = device.open()) {
            device.setOnline(2, true); // comes online after the handle was opened
            CpuTopology now = CpuTopology.singlePackage(List.of(0, 1, 2, 3));
            // 0.1 threw IllegalArgumentException, which the command reported as a usage error (exit 2).
            CpuUnavailableException e = org.junit.jupiter.api.Assertions.assertThrows(CpuUnavailableException.class,
                    () -> Sampler.builder(msr).topology(now).open());
            assertEquals(FailureKind.CPU_UNAVAILABLE, e.kind());
            assertEquals(2, e.cpu().orElseThrow());
            assertTrue(e.getMessage().contains("open a new handle"), e.getMessage());
        }
    }

    /** No errno literal above the seam: policy switches on the Errno enum. */
    @Test
    void noErrnoLiteralsInPolicyCode() throws IOException {
        Path main = Path.of("src", "main", "java", "io", "github", "msrsafe");
        Pattern literal = Pattern.compile("errno\\s*[=!]=\\s*\\d|case\\s+\\d+\\s*(,\\s*\\d+\\s*)*->.*(EACCES|ENXIO|EIO|errno)"
                + "|\\.errno\\(\\)\\s*[=!]=\\s*\\d");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (literal.matcher(line).find() && !line.contains("errno == 0") && !line.contains("errno != 0")) {
                        found.add(main.relativize(file) + ":" + (i + 1) + ": " + line.strip());
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }
}
