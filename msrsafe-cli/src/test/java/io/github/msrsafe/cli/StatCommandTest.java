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
 * 15 + 0.5 x 50 = 40 W, DRAM 2 + 0.5 x 3 = 3.5 W, platform 40 + 0.5 x 60 = 70 W; core C6
 * 0.5 x 0.6 = 30% of the time (so C1 is 100 - 50 - 30 = 20%), package C6 15%, C2 5%.
 */
class StatCommandTest {

    private static final long HALF_SECOND = 500_000_000L;

    private final AtomicLong nanos = new AtomicLong();
    private final Cli cli = new Cli(SimulatedDevice.builder().cpus(4).packages(2)
            .registers(SimulatedDevice.telemetryRegisters(0.5))
            .allowlist(SimulatedDevice.telemetryAllowlist())
            .clock(() -> nanos.addAndGet(HALF_SECOND))
            .build());

    @Test
    void tablePerPackageWithASummaryRow() {
        assertEquals("""
                Package  CPU  Avg_MHz  Busy%  Bzy_MHz  TSC_MHz  UncMHz  CPU%c1  CPU%c6  Pkg%pc2  Pkg%pc6  CoreTmp  PkgTmp
                      -    -     1400  50.00     2800     2400    2000   20.00   30.00     5.00    15.00       43      45
                      0    -     1400  50.00     2800     2400    2000   20.00   30.00     5.00    15.00       43      45
                      1    -     1400  50.00     2800     2400    2000   20.00   30.00     5.00    15.00       43      45
                """, cli.sim("stat", "--interval", "0.01", "--num-iterations", "1", "--show", "frequency,idle,temperature",
                "--hide", "UncMin_MHz,UncMax_MHz,Turbo_MHz").ok().out());
    }

    @Test
    void byDefaultEveryColumnTheMachineGives() {
        List<String> lines = cli.sim("stat", "-i", "0.01", "-n", "1").ok().lines();
        assertEquals(List.of("Package", "CPU", "Avg_MHz", "Busy%", "Bzy_MHz", "TSC_MHz", "SMI", "CPU%c1", "CPU%c6",
                "CoreTmp", "PkgTmp", "Pkg%pc2", "Pkg%pc6", "UncMHz", "PkgWatt", "RAMWatt", "SysWatt", "PKG_%", "RAM_%",
                "PL1_W", "PL2_W"), List.of(lines.get(0).strip().split(" +")));
        List<String> summary = List.of(lines.get(1).strip().split(" +"));
        assertEquals(List.of("80.00", "7.00", "70.00", "0.00", "0.00", "125.00", "156.00"),
                summary.subList(summary.size() - 7, summary.size()));
        // Registers the allowlist lacks take their columns away, silently, as in turbostat.
        cli.device().installAllowlist(SimulatedDevice.telemetryAllowlist().stream()
                .filter(entry -> entry.address() != 0x619 && entry.address() != 0x3FD).toList());
        String header = cli.sim("stat", "-i", "0.01", "-n", "1").ok().lines().get(0);
        assertTrue(!header.contains("RAMWatt") && !header.contains("CPU%c6") && !header.contains("CPU%c1"), header);
    }

    @Test
    void perCpuRowsShowTheirOwnAndTheirCoresValues() {
        cli.device().poke(3, 0x19C, 0x8830_0000L); // CPU 3's core: 48 below TjMax, 52 °C
        List<String> lines = cli.sim("stat", "-i", "0.01", "-n", "1", "--per-cpu", "--show", "Busy%,CoreTmp,PkgWatt")
                .ok().lines();
        assertEquals(List.of(
                "Package  Core  CPU  Busy%  CoreTmp  PkgWatt",
                "      -     -    -  50.00       52    80.00",
                "      0     -    -  50.00       43    40.00",
                "      0     0    0  50.00       43",
                "      0     1    1  50.00       43",
                "      1     -    -  50.00       52    40.00",
                "      1     0    2  50.00       43",
                "      1     1    3  50.00       52"), lines);
    }

    @Test
    void coreColumnsAppearOnTheFirstCpuOfEachCoreOnly() {
        Cli twoThreads = new Cli(SimulatedDevice.builder().cpus(4).threadsPerCore(2)
                .registers(SimulatedDevice.telemetryRegisters(0.5)).allowlist(SimulatedDevice.telemetryAllowlist())
                .clock(() -> nanos.addAndGet(HALF_SECOND)).build());
        assertEquals(List.of(
                "Package  Core  CPU  CPU%c1  CPU%c6",
                "      0     -    -   20.00   30.00",
                "      0     0    0   20.00   30.00",
                "      0     0    1   20.00",
                "      0     1    2   20.00   30.00",
                "      0     1    3   20.00"),
                twoThreads.sim("stat", "-i", "0.01", "-n", "1", "--per-cpu", "--show", "idle", "--hide", "Pkg%pc2,Pkg%pc6")
                        .ok().lines());
    }

    @Test
    void cpuSetsSampleOnlyThoseCpusAndTheirPackages() {
        assertEquals(List.of(
                "Package  Core  CPU  TSC_MHz  PkgWatt",
                "      1     -    -     2400    40.00",
                "      1     1    3     2400"),
                cli.sim("stat", "-i", "0.01", "-n", "1", "--cpu", "3", "--per-cpu", "--show", "TSC_MHz,PkgWatt")
                        .ok().lines());
        assertEquals("CPU 9 does not exist or is offline (online CPUs: 0-3)",
                cli.sim("stat", "-n", "1", "--cpu", "2,9").failure(ExitCode.CPU_UNAVAILABLE));
    }

    @Test
    void summaryOnly() {
        assertEquals(List.of("Package  CPU  Busy%  PkgWatt", "      -    -  50.00    80.00"),
                cli.sim("stat", "-i", "0.01", "-n", "1", "-S", "--show", "Busy%,PkgWatt").ok().lines());
    }

    @Test
    void addedRegisterColumnsRawDeltaAndPercent() {
        List<String> lines = cli.sim("stat", "-i", "0.01", "-n", "1", "--show", "Busy%",
                "--add", "msr0xE7,cpu,u64,percent,C0%", "--add", "msr0x611,package,u32,delta,PkgUnits",
                "--add", "msr0x621,package,raw,UncRatio").ok().lines();
        // 40 W in 2^-14 J units over 1.5 s: 983,040 per package.
        assertEquals(List.of(
                "Package  CPU  Busy%    C0%  PkgUnits  UncRatio",
                "      -    -  50.00  50.00   1966080        20",
                "      0    -  50.00  50.00    983040        20",
                "      1    -  50.00  50.00    983040        20"), lines);
        assertEquals("--add msr0x611,core,core: the scope is given twice (again as 'core')",
                cli.sim("stat", "--add", "msr0x611,core,core").failure(ExitCode.USAGE));
        assertEquals("--add msr0x34,cpu,u64,delta,Busy%: column name Busy% is taken; give the column another name",
                cli.sim("stat", "--add", "msr0x34,Busy%").failure(ExitCode.USAGE));
    }

    @Test
    void throttleReasonsByName() {
        cli.device().poke(0, 0x19C, 0x8839_0C03L); // core 0: thermal and power limit, now and logged
        List<String> lines = cli.sim("stat", "-i", "0.01", "-n", "1", "--show", "throttle", "--hide", "PKG_%,RAM_%")
                .ok().lines();
        assertEquals(List.of(
                "Package  CPU        CoreThr     CoreThrLog  PkgThr  PkgThrLog",
                "      -    -  thermal+power  thermal+power    none       none",
                "      0    -  thermal+power  thermal+power    none       none",
                "      1    -           none           none    none       none"), lines);
        String json = cli.sim("stat", "-i", "0.01", "-n", "1", "--json", "--show", "CoreThr").ok().out();
        assertTrue(json.contains("\"summary\": {\"CoreThr\": [\"thermal\",\"power\"]}"), json);
    }

    @Test
    void eachIntervalPrintsATableAfterABlankLine() {
        List<String> lines = cli.sim("stat", "-i", "0.01", "-n", "3", "--show", "TSC_MHz").ok().lines();
        assertEquals(List.of("Package  CPU  TSC_MHz", "      -    -     2400", "      0    -     2400",
                "      1    -     2400", ""), lines.subList(0, 5));
        assertEquals(3 * 4 + 2, lines.size());
        assertEquals(lines, cli.sim("stat", "-i", "0.01", "--count", "3", "--show", "TSC_MHz").ok().lines());
    }

    @Test
    void csvHasOneHeaderAndARowPerPackageAndCpu() {
        List<String> lines = cli.sim("stat", "-i", "0.01", "-n", "2", "--csv", "--per-cpu", "--show",
                "Avg_MHz,RAMWatt,Pkg_J").ok().lines();
        assertEquals("time,interval_s,package,core,cpu,Avg_MHz,RAMWatt,Pkg_J", lines.get(0));
        assertEquals(1 + 2 * 7, lines.size()); // summary, 2 packages, 4 CPUs, per interval
        String summary = lines.get(1);
        assertTrue(summary.matches("\\d{4}-\\d\\d-\\d\\dT[^,]+Z,1.5,-,,,1400,7.00,120.00"), summary);
        assertTrue(lines.get(3).endsWith(",1.5,0,0,0,1400,,"), lines.get(3)); // CPU rows leave package columns empty
        assertTrue(lines.get(8).endsWith(",1.5,-,,,1400,7.00,240.00"), lines.get(8)); // energy adds up: 2 x 40 W x 3 s
    }

    @Test
    void jsonIsOneObjectPerIntervalPerLine() {
        List<String> lines = cli.sim("stat", "-i", "0.01", "-n", "2", "--json", "--show", "Busy%,PkgWatt").ok().lines();
        assertEquals(2, lines.size());
        String first = lines.get(0);
        assertTrue(first.startsWith("{\"time\": \"") && first.endsWith("}"), first);
        assertTrue(first.contains("\"interval_s\": 1.5,\"summary\": {\"Busy%\": 50.0,\"PkgWatt\": 80.0}"), first);
        assertTrue(first.contains("\"packages\": [{\"package\": 0,\"Busy%\": 50.0,\"PkgWatt\": 40.0},"), first);
        String withCpus = cli.sim("stat", "-i", "0.01", "-n", "1", "--json", "--per-cpu", "--show", "TSC_MHz").ok().out();
        assertTrue(withCpus.contains("\"cpus\": [{\"cpu\": 2,\"core\": 0,\"TSC_MHz\": 2400.0},"), withCpus);
    }

    @Test
    void aMissingAllowlistEntryOfAnAskedForColumnIsNamedBeforeSampling() {
        cli.device().installAllowlist(SimulatedDevice.telemetryAllowlist().stream()
                .filter(entry -> entry.address() != 0x619).toList());
        String error = cli.sim("stat", "-n", "1", "--show", "PkgWatt,RAMWatt,RAM_J").failure(ExitCode.NOT_ALLOWED);
        assertTrue(error.contains("the allowlist does not list MSR_DRAM_ENERGY_STATUS (0x619) for RAMWatt, RAM_J"),
                error);
        // Without those columns it runs; a group shows the columns of it that can be read.
        assertEquals("Package  CPU  PkgWatt", cli.sim("stat", "-i", "0.01", "-n", "1", "--show", "PkgWatt").ok()
                .lines().get(0));
        String header = cli.sim("stat", "-i", "0.01", "-n", "1", "--show", "power").ok().lines().get(0);
        assertEquals(List.of("Package", "CPU", "PkgWatt", "SysWatt", "Pkg_J", "Sys_J", "PKG_%", "RAM_%", "PL1_W",
                "PL1_s", "PL2_W", "PL2_s"), List.of(header.strip().split(" +")));
    }

    @Test
    void aCpuGoingOfflineLeavesItsColumnsBlankAndSaysSoOnce() throws InterruptedException {
        // Takes CPU 3 offline in stat's first sleep: once the device's clock, read at every access,
        // has moved (opening, the first sample) and then stood still for 200 ms.
        Thread offline = new Thread(() -> {
            long seen = -1;
            long still = System.nanoTime();
            while (seen <= 0 || System.nanoTime() - still < 200_000_000L) {
                long now = nanos.get();
                if (now != seen) {
                    seen = now;
                    still = System.nanoTime();
                }
                Thread.onSpinWait();
            }
            cli.device().setOnline(3, false);
        });
        offline.start();
        Cli.Result result = cli.sim("stat", "-i", "0.6", "-n", "3", "--per-cpu", "--show", "Busy%");
        offline.join(5000);
        assertEquals(0, result.status(), result.err());
        assertTrue(result.out().contains("      1     1    3      -"), result.out());
        assertTrue(result.out().contains("      1     0    2  50.00"), result.out());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("msrsafe: Busy% has no value: CPU 3: ENXIO reading"), result.err());
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertTrue(cli.sim("stat", "--show", "Busy%,GFXWatt").failure(ExitCode.USAGE)
                .startsWith("--show: unknown signal 'GFXWatt'; the signals are Avg_MHz, Busy%, Bzy_MHz, TSC_MHz, SMI,"));
        assertEquals("--show: CorWatt is not available on INTEL processors; they have Avg_MHz, Busy%, Bzy_MHz, TSC_MHz,"
                        + " SMI, CPU%c1, CPU%c3, CPU%c6, CPU%c7, CoreTmp, CoreThr, CoreThrLog, PkgTmp, PkgThr, PkgThrLog,"
                        + " Pkg%pc2, Pkg%pc3, Pkg%pc6, Pkg%pc7, Pkg%pc8, Pkg%pc9, Pkg%pc10, UncMHz, UncMin_MHz,"
                        + " UncMax_MHz, Turbo_MHz, PkgWatt, RAMWatt, SysWatt, Pkg_J, RAM_J, Sys_J, PKG_%, RAM_%, PL1_W,"
                        + " PL1_s, PL2_W, PL2_s",
                cli.sim("stat", "--show", "CorWatt").failure(ExitCode.USAGE));
        assertEquals("--hide leaves no column of --show", cli.sim("stat", "--show", "Busy%", "--hide", "frequency")
                .failure(ExitCode.USAGE));
        assertEquals("--interval 0 is outside (0, 86400] seconds", cli.sim("stat", "-i", "0").failure(ExitCode.USAGE));
        assertEquals("--interval must be a number of seconds, e.g. 1 or 0.5: soon",
                cli.sim("stat", "-i", "soon").failure(ExitCode.USAGE));
        assertTrue(cli.sim("stat", "--csv", "--json").errorLine().contains("mutually exclusive"));
        assertTrue(cli.sim("stat", "--add", "cpu,u32").failure(ExitCode.USAGE).contains("names no register"));
    }

    @Test
    void showAllAddsTheRunningTotalsAndWindows() {
        String header = cli.sim("stat", "-i", "0.01", "-n", "1", "--show", "power").ok().lines().get(0);
        assertEquals(List.of("Package", "CPU", "PkgWatt", "RAMWatt", "SysWatt", "Pkg_J", "RAM_J", "Sys_J", "PKG_%",
                "RAM_%", "PL1_W", "PL1_s", "PL2_W", "PL2_s"), List.of(header.strip().split(" +")));
    }
}
