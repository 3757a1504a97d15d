package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.SimulatedDevice;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * msrsafe stat on a simulated 2-package machine busy half the time. Its clock steps half a
 * second at every reading: a sample reads it before its batch, in the batch (the simulator
 * reads it once per ioctl) and after, so the batch sits at the sample's midpoint and
 * consecutive samples are 1.5 s apart on both the sampler's and the counters' clock, whatever
 * the real sleep was. At load 0.5: APERF 1.4 GHz, MPERF 1.2 GHz, TSC 2.4 GHz; package
 * 15 + 0.5 x 50 = 40 W, DRAM 2 + 0.5 x 3 = 3.5 W.
 */
class StatCommandTest {

    private static final long HALF_SECOND = 500_000_000L;

    private final AtomicLong nanos = new AtomicLong();
    private final Cli cli = new Cli(SimulatedDevice.builder().cpus(4).packages(2)
            .registers(SimulatedDevice.standardRegisters(0.5))
            .allowlist(SimulatedDevice.standardAllowlist())
            .clock(() -> nanos.addAndGet(HALF_SECOND))
            .build());

    @Test
    void tablePerPackageWithASummaryRow() {
        assertEquals("""
                Package  CPU  Avg_MHz  Busy%  Bzy_MHz  TSC_MHz  CoreTmp  PkgTmp  PkgWatt  RAMWatt   PL1_W   PL2_W
                      -    -     1400  50.00     2800     2400       43      45    80.00     7.00  125.00  156.00
                      0    -     1400  50.00     2800     2400       43      45    40.00     3.50  125.00  156.00
                      1    -     1400  50.00     2800     2400       43      45    40.00     3.50  125.00  156.00
                """, cli.sim("stat", "--interval", "0.01", "--count", "1").ok().out());
    }

    @Test
    void perCpuRowsShowTheirOwnAndTheirCoresValues() {
        cli.device().poke(3, 0x19C, 0x8830_0000L); // CPU 3's core: 48 below TjMax, 52 °C
        List<String> lines = cli.sim("stat", "-i", "0.01", "-n", "1", "--cpus", "--show", "Busy%,CoreTmp,PkgWatt").ok().lines();
        assertEquals(List.of(
                "Package  CPU  Busy%  CoreTmp  PkgWatt",
                "      -    -  50.00       52    80.00",
                "      0    -  50.00       43    40.00",
                "      0    0  50.00       43",
                "      0    1  50.00       43",
                "      1    -  50.00       52    40.00",
                "      1    2  50.00       43",
                "      1    3  50.00       52"), lines);
    }

    @Test
    void eachIntervalPrintsATableAfterABlankLine() {
        List<String> lines = cli.sim("stat", "-i", "0.01", "-n", "3", "--show", "TSC_MHz").ok().lines();
        assertEquals(List.of("Package  CPU  TSC_MHz", "      -    -     2400", "      0    -     2400",
                "      1    -     2400", ""), lines.subList(0, 5));
        assertEquals(3 * 4 + 2, lines.size());
    }

    @Test
    void csvHasOneHeaderAndARowPerPackageAndCpu() {
        List<String> lines = cli.sim("stat", "-i", "0.01", "-n", "2", "--csv", "--cpus", "--show", "Avg_MHz,RAMWatt,Pkg_J")
                .ok().lines();
        assertEquals("time,interval_s,package,cpu,Avg_MHz,RAMWatt,Pkg_J", lines.get(0));
        assertEquals(1 + 2 * 7, lines.size()); // summary, 2 packages, 4 CPUs, per interval
        String summary = lines.get(1);
        assertTrue(summary.matches("\\d{4}-\\d\\d-\\d\\dT[^,]+Z,1.5,-,,1400,7.00,120.00"), summary);
        assertTrue(lines.get(3).endsWith(",1.5,0,0,1400,,"), lines.get(3)); // CPU rows leave package columns empty
        assertTrue(lines.get(8).endsWith(",1.5,-,,1400,7.00,240.00"), lines.get(8)); // energy adds up: 2 x 40 W x 3 s
    }

    @Test
    void jsonIsOneObjectPerIntervalPerLine() {
        List<String> lines = cli.sim("stat", "-i", "0.01", "-n", "2", "--json", "--show", "Busy%,PkgWatt").ok().lines();
        assertEquals(2, lines.size());
        String first = lines.get(0);
        assertTrue(first.startsWith("{\"time\": \"") && first.endsWith("}"), first);
        assertTrue(first.contains("\"interval_s\": 1.5,\"summary\": {\"Busy%\": 50.0,\"PkgWatt\": 80.0}"), first);
        assertTrue(first.contains("\"packages\": [{\"package\": 0,\"Busy%\": 50.0,\"PkgWatt\": 40.0},"), first);
        String withCpus = cli.sim("stat", "-i", "0.01", "-n", "1", "--json", "--cpus", "--show", "TSC_MHz").ok().out();
        assertTrue(withCpus.contains("\"cpus\": [{\"cpu\": 2,\"core\": 0,\"TSC_MHz\": 2400.0},"), withCpus);
    }

    @Test
    void aMissingAllowlistEntryIsNamedBeforeSampling() {
        cli.device().installAllowlist(SimulatedDevice.standardAllowlist().stream()
                .filter(entry -> entry.address() != 0x619).toList());
        String error = cli.sim("stat", "-n", "1").failure(ExitCode.NOT_ALLOWED);
        assertTrue(error.contains("the allowlist does not list MSR_DRAM_ENERGY_STATUS (0x619) for RAMWatt"), error);
        // Without that column it runs.
        assertEquals("Package  CPU  PkgWatt", cli.sim("stat", "-i", "0.01", "-n", "1", "--show", "PkgWatt").ok()
                .lines().get(0));
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals("unknown signal 'GFXWatt'; the signals are Avg_MHz, Busy%, Bzy_MHz, TSC_MHz, CoreTmp, PkgTmp,"
                        + " PkgWatt, CorWatt, RAMWatt, Pkg_J, Cor_J, RAM_J, PL1_W, PL1_s, PL2_W, PL2_s (or 'all')",
                cli.sim("stat", "--show", "Busy%,GFXWatt").failure(ExitCode.USAGE));
        assertEquals("CorWatt is not available on INTEL processors; they have Avg_MHz, Busy%, Bzy_MHz, TSC_MHz,"
                        + " CoreTmp, PkgTmp, PkgWatt, RAMWatt, Pkg_J, RAM_J, PL1_W, PL1_s, PL2_W, PL2_s",
                cli.sim("stat", "--show", "CorWatt").failure(ExitCode.USAGE));
        assertEquals("--interval 0 is outside (0, 86400] seconds", cli.sim("stat", "-i", "0").failure(ExitCode.USAGE));
        assertEquals("--interval must be a number of seconds, e.g. 1 or 0.5: soon",
                cli.sim("stat", "-i", "soon").failure(ExitCode.USAGE));
        assertTrue(cli.sim("stat", "--csv", "--json").errorLine().contains("mutually exclusive"));
    }

    @Test
    void showAllAddsTheRunningTotalsAndWindows() {
        String header = cli.sim("stat", "-i", "0.01", "-n", "1", "--show", "all").ok().lines().get(0);
        assertEquals(List.of("Package", "CPU", "Avg_MHz", "Busy%", "Bzy_MHz", "TSC_MHz", "CoreTmp", "PkgTmp", "PkgWatt",
                "RAMWatt", "Pkg_J", "RAM_J", "PL1_W", "PL1_s", "PL2_W", "PL2_s"), List.of(header.strip().split(" +")));
    }
}
