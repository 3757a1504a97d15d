package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.BatchOp;
import io.github.msrsafe.Errno;
import io.github.msrsafe.FailureKind;
import io.github.msrsafe.save.SnapshotException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One exit status per kind of failure, decided in one place ({@link ExitCode#of}), and every
 * status documented.
 */
class ExitStatusTest {

    private final Cli cli = Cli.standard(new AtomicLong(1_000_000_000L));

    @Test
    void docsCliMdListsEveryExitStatusWithItsMeaning() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "cli.md"));
        List<String> documented = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| (\\d+) \\| (.+) \\|$").matcher(doc);
        while (row.find()) {
            documented.add(row.group(1) + " " + row.group(2));
        }
        List<String> statuses = new ArrayList<>();
        for (ExitCode code : ExitCode.values()) {
            statuses.add(code.status() + " " + code.meaning());
        }
        assertEquals(statuses, documented);
    }

    @Test
    void aPerOpFailureExitsAsTheSameFailureThrownWould() {
        // 0.1: a per-op EBADF exited 5 from `write -a` (FailedOps) and 10 from `latency` (the exception's class).
        for (Errno errno : Errno.values()) {
            BatchOp op = new BatchOp(0, 1, 0x10, false, BatchOp.Status.FAILED, OptionalLong.of(1), OptionalLong.of(0),
                    Optional.of(errno));
            assertEquals(ExitCode.of(op.kind().orElseThrow()), FailedOps.exitCode(List.of(op), 1), errno.name());
        }
        BatchOp ebadf = new BatchOp(0, 1, 0x10, false, BatchOp.Status.FAILED, OptionalLong.of(1), OptionalLong.of(0),
                Optional.of(Errno.EBADF));
        assertEquals(ExitCode.ACCESS_DENIED, FailedOps.exitCode(List.of(ebadf), 1));
        assertEquals(ExitCode.ACCESS_DENIED, ExitCode.of(FailureKind.PERMISSION));
    }

    @Test
    void everyKindHasAStatusOtherThanUsage() {
        for (FailureKind kind : FailureKind.values()) {
            ExitCode code = ExitCode.of(kind);
            assertTrue(code != ExitCode.USAGE && code != ExitCode.OK && code != ExitCode.INTERNAL, kind + ": " + code);
        }
        assertEquals(ExitCode.STATE_DAMAGED, ExitCode.ofRestore(SnapshotException.Category.DAMAGED));
        assertEquals(ExitCode.STATE_MISMATCH, ExitCode.ofRestore(SnapshotException.Category.DOES_NOT_FIT));
    }

    @Test
    void aPortInUseIsTheEnvironmentNotTheCommandLine() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // 0.1 exited 2, "bad command line", for a command line that was right.
            String error = cli.sim("exporter", "--bind", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()))
                    .failure(ExitCode.SYSTEM);
            assertTrue(error.startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort()), error);
        }
    }

    @Test
    void aReadTheAllowlistRefusesExitsWithItsKindOnOneCpuAndOnAll() {
        assertEquals(ExitCode.NOT_ALLOWED.status(), cli.sim("read", "0x3A").status());
        assertEquals(ExitCode.NOT_ALLOWED.status(), cli.sim("read", "-a", "0x3A").status());
    }
}
