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
    void anUnreadableFileIsExitTwoWithTheErrorOnStderr() throws IOException {
        // It was printed on stdout, among the findings.
        Path missing = directory.resolve("missing");
        assertEquals(missing + ": cannot read: no such file",
                Cli.tool("allowlist", "lint", missing.toString()).failure(ExitCode.USAGE));

        // With a file that can be read, its report is on stdout and the unreadable one on stderr.
        Path clean = file("al_06_55", "0x000000E7 0x0000000000000000 # IA32_MPERF\n");
        Cli.Result both = Cli.tool("allowlist", "lint", clean.toString(), missing.toString());
        assertEquals(ExitCode.USAGE.status(), both.status());
        assertEquals("1 file: 0 errors, 0 warnings, 0 infos\n", both.out());
        assertEquals("msrsafe: " + missing + ": cannot read: no such file\n", both.err());
    }

    @Test
    void aDirectoryWithoutAllowlistFilesIsAnError() throws IOException {
        // It said "0 files: 0 errors, 0 warnings, 0 infos" and exited 0: a CI job linting the wrong directory passed.
        Path empty = Files.createDirectory(directory.resolve("empty"));
        Files.writeString(empty.resolve("README.md"), "not an allowlist\n");
        String error = Cli.tool("allowlist", "lint", empty.toString()).failure(ExitCode.USAGE);
        assertTrue(error.startsWith(empty + ": no allowlist files in this directory (names starting al_ or containing"
                + " 'allowlist'") && error.endsWith("name a file to lint it whatever its name"), error);
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
                + ": looked for al_06_9A; available: al_06_55 (family 0x6 model 0x55). To cover it: copy "
                + directory.resolve("al_06_55") + " (Skylake-SP, Cascade Lake-SP, Cooper Lake-SP (Xeon Scalable 1st-3rd gen))"
                + " to " + directory.resolve("al_06_9A") + ", delete the registers this model's manual does not list and"
                + " the write masks you do not need, check it with 'msrsafe allowlist lint " + directory.resolve("al_06_9A")
                + "', and run this again; or give another processor with --cpu FF_MM. allowlists/README.md,"
                + " 'Adding a processor', has the details", error);
        assertTrue(Cli.tool("allowlist", "select", "--cpu", "sapphire").failure(ExitCode.USAGE).contains("expected family and model in hex"));
        assertTrue(Cli.tool("allowlist", "select", "-D", directory.resolve("none").toString(), "--cpu", "06_55")
                .failure(ExitCode.USAGE).contains("none"));
    }

    @Test
    void selectSuggestsTheNearestCoveredModelOfTheSameVendor() throws IOException {
        file("al_06_8F", "0xE7 0\n");
        file("al_06_AD", "0xE7 0\n");
        file("al_19_11", "0xE7 0\n");
        file("al_1A_2", "0xE7 0\n");
        // Same vendor and family, nearest model: Granite Rapids-D (06_AE) starts from Granite Rapids.
        assertTrue(Cli.tool("allowlist", "select", "-D", directory.toString(), "--cpu", "06_AE").failure(ExitCode.USAGE)
                .contains("To cover it: copy " + directory.resolve("al_06_AD") + " (Granite Rapids"), "06_AE");
        // Zen 4c (19_A0) starts from Zen 4, never from an Intel file.
        assertTrue(Cli.tool("allowlist", "select", "-D", directory.toString(), "--cpu", "19_A0").failure(ExitCode.USAGE)
                .contains("To cover it: copy " + directory.resolve("al_19_11") + " (Zen 4"), "19_A0");
        // A family with no file of its own: the nearest family of the same vendor.
        assertTrue(Cli.tool("allowlist", "select", "-D", directory.toString(), "--cpu", "1B_01").failure(ExitCode.USAGE)
                .contains("To cover it: copy " + directory.resolve("al_1A_2")), "1B_01");
    }

    @Test
    void everyProcessorTheReadmeNamesIsSelectedFromTheProjectsAllowlists() {
        Path allowlists = Path.of(System.getProperty("msrsafe.man.dir")).getParent().getParent().resolve("allowlists");
        for (String key : List.of("06_55", "06_6A", "06_8F", "06_CF", "06_AD", "06_AF", "17_31", "19_01", "19_11", "1A_02", "1A_11")) {
            String file = Cli.tool("allowlist", "select", "-D", allowlists.toString(), "--cpu", key).ok().out().strip();
            assertEquals(allowlists.resolve(io.github.msrsafe.registers.AllowlistSelector.fileName(
                    AllowlistSelectCommand.fromKey(key))).toString(), file, key);
        }
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
