package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs an administrator's typo or a damaged file can produce, each answered with one line
 * and the right status, at a cost bounded by the input's size rather than by the number it
 * spells. The bounds are on the work of the calling thread (CPU time, bytes allocated), which
 * machine load does not inflate; a preemptive timeout guards against the hangs these inputs
 * once caused.
 */
class HostileInputTest {

    /** Far more than any of these answers needs, far less than expanding or converting what they spell. */
    static final long CPU_NANOS = 1_000_000_000L;
    static final long BYTES = 200L << 20;

    private final Cli cli = Cli.standard(new AtomicLong(1_000_000_000L));

    @TempDir
    Path dir;

    /** Runs the command within the bounds and returns its one error line, asserting the status. */
    private String refused(ExitCode code, String... args) {
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Work.Measured<Cli.Result> run = Work.of(() -> cli.run(args));
            assertTrue(run.work().cpuNanos() < CPU_NANOS && run.work().allocatedBytes() < BYTES,
                    () -> Numbers.quoted(String.join(" ", args)) + ": " + run.work());
            return run.result().failure(code);
        });
    }

    @Test
    void aHugeCpuRangeIsRefusedBeforeItIsExpanded() throws IOException {
        // Took minutes and grew past 2.6 GB: the billion CPUs were listed, then range-checked.
        assertEquals("CPU list '0-999999999': CPU 999999999 is above 65535, the largest CPU number msr_safe can address",
                refused(ExitCode.USAGE, "--device", "sim", "read", "-p", "0-999999999", "0x10"));
        Path batch = Files.writeString(dir.resolve("ops"), "read 0 0x10\nread 0-999999999 0x10\n");
        assertEquals(batch + ":2:6: CPU list '0-999999999': CPU 999999999 is above 65535, the largest CPU number"
                + " msr_safe can address", refused(ExitCode.USAGE, "--device", "sim", "batch", batch.toString()));
    }

    @Test
    void aNumberOfAnyLengthIsRefusedBeforeItIsConverted() {
        // 800,000 digits took 45 s: the whole number was converted, then found too wide.
        String digits = "9".repeat(800_000);
        assertEquals("value " + "9".repeat(37) + "... (800000 characters) is wider than 64 bits (the"
                + " largest is 0xFFFFFFFFFFFFFFFF)", refused(ExitCode.USAGE, "--device", "sim", "write", "0x199", digits));
        String hex = "0x" + "F".repeat(800_000);
        assertTrue(refused(ExitCode.USAGE, "--device", "sim", "read", hex).endsWith("is wider than 64 bits (the largest is"
                + " 0xFFFFFFFFFFFFFFFF)"));
        // Leading zeros are not significant: a long spelling of a small number is still that number.
        assertEquals(0x1C00, Numbers.parseU64("0x" + "0".repeat(100_000) + "1C00", "value"));
    }

    @Test
    void anUnknownNameOfAnyLengthIsRefusedWithoutSuggestions() {
        String name = "X".repeat(100_000);
        assertEquals("unknown MSR name 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX... (100000 characters)'; give the address as a"
                + " number (e.g. 0xE7) for registers the catalog does not name",
                refused(ExitCode.USAGE, "--device", "sim", "read", name));
    }

    @Test
    void aBatchFileWithOneHugeLineIsRefusedAtThatLine() throws IOException {
        // Never finished: the line's one token was taken for an MSR name and compared with every catalog name.
        Path batch = dir.resolve("one-line");
        Files.writeString(batch, "read 0 " + "A".repeat(10 << 20) + "\n");
        assertEquals(batch + ":1:4097: the line is 10485767 characters long; a batch line is at most 4096 (is this a"
                + " batch file?)", refused(ExitCode.USAGE, "--device", "sim", "batch", batch.toString()));
    }

    @Test
    void aBatchFileIsBoundedInBytesAndInOps() throws IOException {
        Path big = dir.resolve("big");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(2L << 30); // sparse: 2 GiB of NUL bytes, no disk
        }
        assertEquals("cannot read batch file " + big + ": it is 2147483648 bytes, larger than 16777216 bytes (16 MiB),"
                + " the most a batch file may be: split it into several", refused(ExitCode.USAGE, "--device", "sim", "batch", big.toString()));

        // 10 MB of lines each naming every CPU: 38 billion ops if expanded.
        Path wide = dir.resolve("wide");
        Files.writeString(wide, "read 0-65535 0x10\n".repeat(10_000_000 / 18));
        assertEquals(wide + ":17:6: the batch would have more than 1048576 ops (CPU lists expanded); split it into several"
                + " files", refused(ExitCode.USAGE, "--device", "sim", "batch", wide.toString()));
    }

    @Test
    void aHugeAllowlistFileIsTooLargeNotAnOutOfMemoryError() throws IOException {
        // Ended in an OutOfMemoryError stack trace (exit 1, which for lint means "found problems").
        Path big = dir.resolve("al_big");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(2L << 30);
        }
        String tooLarge = refused(ExitCode.ALLOWLIST_REJECTED, "--device", "sim", "allowlist", "install", big.toString());
        assertEquals(big + ": the text is 2147483648 bytes, more than the 131072 bytes (128 KiB) the module accepts in one"
                + " write (E2BIG): remove comments or entries (msrsafe checked it first: nothing was written, the installed"
                + " allowlist is unchanged)", tooLarge);
        refused(ExitCode.ALLOWLIST_REJECTED, "allowlist", "install", "--dry-run", big.toString());

        Cli.Result lint = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> cli.run("allowlist", "lint", big.toString()));
        assertEquals(ExitCode.FINDINGS.status(), lint.status(), lint.err());
        assertEquals(big + ":1:131073: error: the text is 2147483648 bytes, more than the 131072 bytes (128 KiB) the module"
                + " accepts in one write (E2BIG); the first byte beyond the limit is here [e2big-too-large]\n"
                + "1 file: 1 error, 0 warnings, 0 infos\n", lint.out());
    }

    @Test
    void anEndlessDeviceIsReadNoFurtherThanTheLimit() {
        // lint /dev/zero hung.
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.isReadable(zero), "no /dev/zero here");
        Cli.Result lint = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> cli.run("allowlist", "lint", "/dev/zero"));
        assertEquals(ExitCode.FINDINGS.status(), lint.status(), lint.err());
        assertTrue(lint.out().startsWith("/dev/zero:1:131073: error: the text is more than the 131072 bytes (128 KiB)"), lint.out());
        assertTrue(refused(ExitCode.ALLOWLIST_REJECTED, "allowlist", "install", "-n", "/dev/zero")
                .startsWith("/dev/zero: the text is more than the 131072 bytes (128 KiB) the module accepts"));
    }

    @Test
    void aStateFileHeaderOrADeviceCannotExhaustMemory() throws IOException {
        // entries 2147483647 crashed restore with an OutOfMemoryError stack trace; --format text /dev/zero
        // ran 88 s to 5.3 GB.
        for (String entries : new String[] {"2147483647", "100000000"}) {
            Path file = Files.writeString(dir.resolve("state-" + entries + ".txt"), "msrsafe-snapshot 1\nsaved"
                    + " 2026-01-01T00:00:00Z\nallowlist sha256:" + "0".repeat(64) + " entries " + entries + "\ncpus 0-3\n"
                    + "columns cpu msr mask value\nend 0\n");
            String refused = refused(ExitCode.STATE_MISMATCH, "--device", "sim", "restore", file.toString());
            assertTrue(refused.contains("(" + entries + " entries) but allowlist sha256:"), refused);
        }
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.isReadable(zero), "no /dev/zero here");
        assertEquals("cannot restore: /dev/zero: this is a device, a pipe or a socket, not a regular file; a saved state"
                + " is a regular file (name the file 'msrsafe save' wrote). Nothing was restored.",
                refused(ExitCode.STATE_DAMAGED, "--device", "sim", "restore", "--format", "text", "/dev/zero"));
    }
}
