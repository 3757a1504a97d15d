package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.allowlist.Allowlist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** allowlist lint and allowlist select: files, no device (except select --install). */
class AllowlistFilesTest {

    @TempDir
    Path directory;

    private Path file(String name, String text) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void aCleanFileLintsClean() throws IOException {
        Path clean = file("al_06_55", "0x000000E7 0x0000000000000000 # IA32_MPERF\n");
        assertEquals("1 file: 0 errors, 0 warnings, 0 infos\n", Cli.tool("allowlist", "lint", clean.toString()).ok().out());
    }

    @Test
    void findingsAreListedWithTheirPlaceAndFailTheRun() throws IOException {
        Path bad = file("al_bad", "0xE7 0\n0x19g 0\n0xE7 0\n");
        Cli.Result result = Cli.tool("allowlist", "lint", bad.toString());
        assertEquals(ExitCode.FINDINGS.status(), result.status());
        assertEquals("", result.err());
        List<String> lines = result.lines();
        assertTrue(lines.contains(bad + ":2:1: error: address '0x19g' is not a number (EINVAL): 'g' at column 5 is not a hex digit"
                + " [einval-not-a-number]"), result.out());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith(bad + ":3:1: error: address '0xE7' (0xE7) is already listed")),
                result.out());
        assertEquals("1 file: 2 errors, 0 warnings, 1 info", lines.get(lines.size() - 1));
    }

    @Test
    void failOnDecidesWhatFails() throws IOException {
        Path style = file("al_style", "0xE7 0\n");
        assertEquals(0, Cli.tool("allowlist", "lint", style.toString()).status(), "infos do not fail by default");
        assertEquals(ExitCode.FINDINGS.status(), Cli.tool("allowlist", "lint", "--fail-on", "info", style.toString()).status());
        assertEquals("--fail-on: unknown severity 'loud': expected error, warning or info",
                Cli.tool("allowlist", "lint", "--fail-on", "loud", style.toString()).failure(ExitCode.USAGE));
    }

    @Test
    void jsonAndSarif() throws IOException {
        Path bad = file("al_bad", "0x19g 0\n");
        String json = Cli.tool("allowlist", "lint", "--format", "json", bad.toString()).out();
        assertTrue(json.contains("\"rule\"") && json.contains("einval-not-a-number"), json);
        String sarif = Cli.tool("allowlist", "lint", "--format", "SARIF", bad.toString()).out();
        assertTrue(sarif.contains("\"version\": \"2.1.0\"") && sarif.contains("msrsafe-allowlist-lint"), sarif);
        assertTrue(Cli.tool("allowlist", "lint", "--format", "xml", bad.toString()).failure(ExitCode.USAGE).startsWith("--format: unknown format 'xml'"));
    }

    @Test
    void anUnreadableFileIsExitTwo() {
        Cli.Result result = Cli.tool("allowlist", "lint", directory.resolve("missing").toString());
        assertEquals(ExitCode.USAGE.status(), result.status());
        assertTrue(result.out().contains("missing: error: cannot read: no such file"), result.out());
    }

    @Test
    void aDirectoryIsSearched() throws IOException {
        file("al_06_55", "0x000000E7 0x0000000000000000\n");
        file("al_06_6A", "0x000000E7 0x0000000000000000\n");
        file("README.md", "not an allowlist\n");
        assertEquals("2 files: 0 errors, 0 warnings, 0 infos\n", Cli.tool("allowlist", "lint", directory.toString()).ok().out());
    }

    @Test
    void selectFindsTheFileByFamilyAndModel() throws IOException {
        Path sapphire = file("al_06_8F", "0xE7 0\n");
        file("al_19_1", "0xE8 0\n");
        assertEquals(sapphire + "\n", Cli.tool("allowlist", "select", "-D", directory.toString(), "--cpu", "06_8f").ok().out());
        Path cpuinfo = file("cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\n\n");
        assertEquals(directory.resolve("al_19_1") + "\n",
                Cli.tool("allowlist", "select", "-D", directory.toString(), "--cpuinfo", cpuinfo.toString()).ok().out());
    }

    @Test
    void selectSaysWhatIsAvailableWhenNothingFits() throws IOException {
        file("al_06_55", "0xE7 0\n");
        String error = Cli.tool("allowlist", "select", "-D", directory.toString(), "--cpu", "06_9A").failure(ExitCode.USAGE);
        assertEquals("no allowlist for family 0x6 model 0x9A (GenuineIntel) in " + directory
                + ": looked for al_06_9A; available: al_06_55 (family 0x6 model 0x55)", error);
        assertTrue(Cli.tool("allowlist", "select", "--cpu", "sapphire").failure(ExitCode.USAGE).contains("expected family and model in hex"));
        assertTrue(Cli.tool("allowlist", "select", "-D", directory.resolve("none").toString(), "--cpu", "06_55")
                .failure(ExitCode.USAGE).contains("none"));
    }

    @Test
    void selectInstallsOnTheDevice() throws IOException {
        file("al_06_8F", "0xE7 0xFFFFFFFFFFFFFFFF\n0x10 0\n");
        SimulatedDevice device = SimulatedDevice.standard(2);
        String out = new Cli(device).sim("allowlist", "select", "-D", directory.toString(), "--cpu", "06_8F", "--install").ok().out();
        assertEquals("installed 2 entries (1 writable) from " + directory.resolve("al_06_8F")
                + " on sim:/dev/cpu for Sapphire Rapids (4th gen Xeon Scalable)\n", out);
        assertEquals(Allowlist.parse("0xE7 0xFFFFFFFFFFFFFFFF\n0x10 0\n".getBytes()).entries(), device.allowlist());
    }

    @Test
    void theProjectsAllowlistsLintClean() {
        Path allowlists = Path.of(System.getProperty("msrsafe.man.dir")).getParent().getParent().resolve("allowlists");
        Cli.Result result = Cli.tool("allowlist", "lint", "--fail-on", "warning", allowlists.toString()).ok();
        assertTrue(result.out().endsWith(" files: 0 errors, 0 warnings, 0 infos\n"), result.out());
    }
}
