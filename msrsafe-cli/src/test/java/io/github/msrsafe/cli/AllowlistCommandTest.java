package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllowlistCommandTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Cli cli = Cli.standard(nanos);

    @TempDir
    Path directory;

    private String file(String name, String text) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, text);
        return file.toString();
    }

    @Test
    void showPrintsWhatTheModuleReadsBack() {
        String expected = Allowlist.of(SimulatedDevice.standardAllowlist()).toKernelFormat();
        String shown = cli.sim("allowlist", "show").ok().out();
        assertEquals(expected, shown);
        assertTrue(shown.startsWith("#MSR       Write mask        \n0x00000010 0x0000000000000000\n"), shown);
    }

    @Test
    void showNamesRegistersInComments() {
        List<String> lines = cli.sim("allowlist", "show", "--names").ok().lines();
        assertEquals(SimulatedDevice.standardAllowlist().size(), lines.size());
        assertTrue(lines.contains("0x000000E7 0xFFFFFFFFFFFFFFFF # IA32_MPERF"), lines.toString());
    }

    @Test
    void showJson() {
        String json = cli.sim("allowlist", "show", "--json").ok().out();
        assertTrue(json.contains("{\n    \"msr\": \"0x199\",\n    \"name\": \"IA32_PERF_CTL\",\n    \"writeMask\": \"0x000000000000FFFF\"\n  }"), json);
    }

    @Test
    void installReplacesTheAllowlist() throws IOException {
        String path = file("al", "# MPERF and APERF only\n0xE7 0xFFFFFFFFFFFFFFFF\n0xE8 0\n");
        assertEquals("installed 2 entries (1 writable) from " + path + " on sim:/dev/cpu\n",
                cli.sim("allowlist", "install", path).ok().out());
        assertEquals(List.of(new AllowlistEntry(0xE7, -1L), new AllowlistEntry(0xE8, 0)), cli.device().allowlist());
        assertEquals(ExitCode.NOT_ALLOWED.status(), cli.sim("read", "0x10").status(), "TSC is no longer listed");
    }

    @Test
    void installFromStandardInput() {
        cli.stdin("0x10 0\n").sim("allowlist", "install", "-").ok();
        assertEquals(List.of(new AllowlistEntry(0x10, 0)), cli.device().allowlist());
    }

    @Test
    void aMalformedAllowlistIsDiagnosedAndNothingIsInstalled() throws IOException {
        List<AllowlistEntry> before = cli.device().allowlist();
        String path = file("bad", "0xE7 0xFFFFFFFFFFFFFFFF\n0x19g 0\n");
        String error = cli.sim("allowlist", "install", path).failure(ExitCode.ALLOWLIST_REJECTED);
        assertEquals(path + ": line 2, column 1: address '0x19g' is not a number (EINVAL): 'g' at column 5 is not a hex digit;"
                + " the module rejects the write and keeps the previous allowlist"
                + " (msrsafe checked it first: nothing was written, the installed allowlist is unchanged)", error);
        assertEquals(before, cli.device().allowlist());
    }

    @Test
    void aDuplicateIsCaughtBeforeTheModuleWouldEmptyTheList() throws IOException {
        List<AllowlistEntry> before = cli.device().allowlist();
        String path = file("dup", "0xE7 0\n0x10 0\n0xE7 0\n");
        String error = cli.sim("allowlist", "install", path).failure(ExitCode.ALLOWLIST_REJECTED);
        assertTrue(error.contains("ENOTUNIQ") && error.endsWith("nothing was written, the installed allowlist is unchanged)"), error);
        assertEquals(before, cli.device().allowlist(), "the live allowlist is untouched");
    }

    @Test
    void dryRunChecksWithoutInstallingOrOpeningTheDevice() throws IOException {
        String path = file("al", "0xE7 0xFFFFFFFFFFFFFFFF\n");
        List<AllowlistEntry> before = cli.device().allowlist();
        assertEquals(path + ": would install 1 entry (1 writable)\n",
                cli.run("--device", directory.resolve("no-such-device").toString(), "allowlist", "install", "-n", path).ok().out());
        assertEquals(before, cli.device().allowlist());
    }

    @Test
    void clearEmptiesTheAllowlist() {
        assertEquals("cleared the allowlist on sim:/dev/cpu\n", cli.sim("allowlist", "clear").ok().out());
        assertEquals(List.of(), cli.device().allowlist());
        assertEquals("", cli.sim("allowlist", "show").ok().out(), "an empty allowlist reads as nothing");
        assertTrue(cli.sim("read", "0xE7").failure(ExitCode.NOT_ALLOWED).contains("not in the allowlist"));
    }

    @Test
    void allowlistWithoutACommandIsAUsageError() {
        assertTrue(cli.sim("allowlist").failure(ExitCode.USAGE).startsWith("allowlist needs a command"));
        assertTrue(cli.sim("allowlist", "frob").failure(ExitCode.USAGE).contains("frob"));
    }
}
