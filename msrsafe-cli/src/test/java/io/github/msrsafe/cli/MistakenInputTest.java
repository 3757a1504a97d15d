package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.msrsafe.allowlist.AllowlistEntry;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes an administrator makes at the prompt or in a script, found by trying the command as
 * one would: each is answered with one line that says what happened and what to do, with the
 * status of docs/cli.md, and none does harm.
 */
class MistakenInputTest {

    private final Cli cli = Cli.standard(new AtomicLong(1_000_000_000L));

    @TempDir
    Path dir;

    // ---- save: never over a device node, a pipe or a socket ----

    @Test
    void saveRefusesANodeThatIsNotARegularFileAndLeavesItInPlace() throws IOException {
        // Run as root, 'msrsafe save /dev/null' renamed its file over /dev/null: the system's
        // /dev/null became a regular file of mode 0600. A socket stands in for any such node.
        Path node = dir.resolve("node");
        try (ServerSocketChannel socket = bound(node)) {
            for (String format : List.of("raw", "text")) {
                assertEquals("cannot save to " + node + ": it is a device, a pipe or a socket, not a regular file; save"
                        + " renames a new file over the name, which would remove that node. Name a regular file, e.g."
                        + " /run/msr-safe/state.msr", cli.sim("save", "--format", format, node.toString())
                        .failure(ExitCode.USAGE));
                assertNotRegular(node);
            }
            assertEquals(List.of(node), files());
        }
    }

    @Test
    void saveRefusesARawFileWhoseRecordNameIsNotARegularFile() throws IOException {
        Path file = dir.resolve("state.msr");
        Path record = dir.resolve("state.msr.fingerprint");
        try (ServerSocketChannel socket = bound(record)) {
            String refused = cli.sim("save", file.toString()).failure(ExitCode.USAGE);
            assertTrue(refused.startsWith("cannot save to " + file + ": its record " + record + " is a device, a pipe"
                    + " or a socket, not a regular file"), refused);
            assertFalse(Files.exists(file));
            assertNotRegular(record);
        }
        cli.sim("save", "--format", "text", file.toString()).ok(); // a text file has no record
    }

    // ---- allowlist install: an empty input does not empty the live allowlist ----

    @Test
    void installOfAnEmptyInputIsRefusedInsteadOfClearingTheAllowlist() throws IOException {
        // `generate-list | msrsafe allowlist install -` with a generator that failed cleared the node's list, exit 0.
        List<AllowlistEntry> before = cli.device().allowlist();
        String refused = cli.stdin("").sim("allowlist", "install", "-").failure(ExitCode.ALLOWLIST_REJECTED);
        assertEquals("<stdin>: the text is 0 bytes, and the module empties the allowlist for a write of at most 2 bytes"
                + " instead of installing one; nothing was written, the installed allowlist is unchanged. To empty it, run"
                + " 'msrsafe allowlist clear'", refused);
        Path newline = Files.writeString(dir.resolve("al_newline"), "\n");
        assertTrue(cli.sim("allowlist", "install", newline.toString()).failure(ExitCode.ALLOWLIST_REJECTED)
                .startsWith(newline + ": the text is 1 byte, and the module empties"));
        cli.sim("allowlist", "install", "--dry-run", newline.toString()).failure(ExitCode.ALLOWLIST_REJECTED);
        assertEquals(before, cli.device().allowlist());
        cli.sim("allowlist", "clear").ok();
        assertEquals(List.of(), cli.device().allowlist());
    }

    // ---- inputs that are not what they should be ----

    @Test
    void aBatchFileLargerThanTheLimitIsNamedInOneSentence() {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.isReadable(zero), "no /dev/zero here");
        // Said "it is more than a batch file is at most 16777216 bytes (16 MiB)".
        assertEquals("cannot read batch file /dev/zero: it is larger than 16777216 bytes (16 MiB), the most a batch file"
                + " may be: split it into several", cli.sim("batch", "/dev/zero").failure(ExitCode.USAGE));
    }

    @Test
    void aDirectoryGivenAsAnInputFileIsNamedAsOne() {
        // Said the JDK's "Is a directory".
        assertEquals("cannot read batch file " + dir + ": it is a directory; name a file in it",
                cli.sim("batch", dir.toString()).failure(ExitCode.USAGE));
        assertEquals("cannot read allowlist " + dir + ": it is a directory; name a file in it",
                cli.sim("allowlist", "install", dir.toString()).failure(ExitCode.USAGE));
    }

    @Test
    void aCpuinfoThatNeverEndsIsRefusedWithoutRunningOutOfMemory() {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.isReadable(zero), "no /dev/zero here");
        // Ended in an OutOfMemoryError stack trace, exit 1.
        assertEquals("/dev/zero: more than 67108864 bytes (64 MiB), larger than the /proc/cpuinfo of any machine; name a"
                + " copy of /proc/cpuinfo", cli.run("allowlist", "select", "--cpuinfo", "/dev/zero").failure(ExitCode.USAGE));
        assertEquals("cannot read " + dir.resolve("none") + ": no such file; --cpuinfo names a copy of some machine's"
                + " /proc/cpuinfo", cli.run("allowlist", "select", "--cpuinfo", dir.resolve("none").toString())
                .failure(ExitCode.USAGE));
    }

    @Test
    void anEmptyOrNegativeMsrIsRefusedInTheWordsOfAnMsr() {
        // Said "unknown MSR name '' (did you mean IA32_TIME_STAMP_COUNTER?)".
        assertEquals("the MSR is empty: give an address (e.g. 0x10) or a name (e.g. IA32_TIME_STAMP_COUNTER)",
                cli.sim("read", "").failure(ExitCode.USAGE));
        assertEquals("the MSR is empty: give an address (e.g. 0x10) or a name (e.g. IA32_TIME_STAMP_COUNTER)",
                cli.sim("write", " ", "0").failure(ExitCode.USAGE));
        // Suggested "0xFFFFFFFFFFFFFFFF for all ones", an address no device can reach.
        assertEquals("MSR address -1 is negative; MSR addresses are 0 to 0xFFFFFFFF",
                cli.sim("read", "--", "-1").failure(ExitCode.USAGE));
    }

    // ---- the command line ----

    @Test
    void aRepeatedExclusiveOptionIsNamedNotPicocliInternals() {
        // Said "Error: expected only one match but got [-p=CPUS [-p=CPUS]... | -a]={--all} and [...]={--all}".
        assertEquals("-a/--all is given more than once; give it once (see 'msrsafe read --help')",
                cli.sim("read", "-a", "-a", "0x10").failure(ExitCode.USAGE));
        assertEquals("-x/--hexadecimal is given more than once; give it once (see 'msrsafe read --help')",
                cli.sim("read", "-x", "-x", "0x10").failure(ExitCode.USAGE));
        assertEquals("--hexadecimal, --signed-decimal are mutually exclusive (specify only one) (see 'msrsafe read"
                + " --help')", cli.sim("read", "-x", "-d", "-x", "0x10").failure(ExitCode.USAGE));
        String exclusive = cli.sim("write", "-p", "0", "-a", "0x199", "1").failure(ExitCode.USAGE);
        assertFalse(exclusive.startsWith("Error:"), exclusive);
        assertEquals("--processor=CPUS, --all are mutually exclusive (specify only one) (see 'msrsafe write --help')",
                exclusive);
    }

    @Test
    void anUnknownCommandOrAnExtraArgumentIsSaidInWords() {
        // Said "Unmatched arguments from index 0: 'reed', '0x10'".
        assertEquals("unknown command 'reed' (did you mean 'restore' or 'read'?); the commands are read, write, batch, save, restore,"
                + " allowlist, version, cpus, latency, completion, stat, exporter (see 'msrsafe --help')",
                Cli.tool("reed", "0x10").failure(ExitCode.USAGE));
        assertEquals("unknown command 'lnt' (did you mean 'lint'?); the commands are show, install, clear, lint, select"
                + " (see 'msrsafe allowlist --help')", Cli.tool("allowlist", "lnt", "x").failure(ExitCode.USAGE));
        assertTrue(Cli.tool("help").failure(ExitCode.USAGE).startsWith("unknown command 'help'"));
        assertEquals("unexpected argument '7': msrsafe read takes no more arguments (see 'msrsafe read --help')",
                cli.sim("read", "-a", "0x10", "-c", "7").failure(ExitCode.USAGE));
        assertEquals("unexpected argument 'b' (and 1 more after it): msrsafe batch takes no more arguments (see"
                + " 'msrsafe batch --help')", cli.sim("batch", "a", "b", "c").failure(ExitCode.USAGE));
        assertEquals("unknown option '--jsn' (did you mean '--json'?) (see 'msrsafe read --help')",
                cli.sim("read", "--jsn", "0x10").failure(ExitCode.USAGE));
    }

    @Test
    void aDeviceGivenBeforeAndAfterTheCommandIsRefused() {
        // The one after the command silently won: this read went to /dev/cpu, not to the simulator.
        assertEquals("--device is given 2 times (sim, /dev/cpu), before and after the command; give it once (see"
                + " 'msrsafe --help')", Cli.tool("--device", "sim", "read", "--device", "/dev/cpu", "0x10")
                .failure(ExitCode.USAGE));
        Cli.tool("read", "--device", "sim", "0x10").ok();
        Cli.tool("--device", "sim", "read", "0x10").ok();
    }

    @Test
    void controlCharactersInAPathCannotRestyleTheTerminal() {
        // The path was printed as given: ESC [ 2 J clears the administrator's screen.
        String refused = Cli.tool("--device", "/tmp/\u001B[2Jx", "read", "0x10").failure(ExitCode.DEVICE_MISSING);
        assertFalse(refused.chars().anyMatch(Character::isISOControl), refused);
        assertTrue(refused.contains("/tmp/\\u001B[2Jx"), refused);
    }

    private static ServerSocketChannel bound(Path path) throws IOException {
        ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        socket.bind(UnixDomainSocketAddress.of(path));
        return socket;
    }

    private static void assertNotRegular(Path node) throws IOException {
        assertTrue(Files.readAttributes(node, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther(),
                node + " is still the node it was");
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }
}
