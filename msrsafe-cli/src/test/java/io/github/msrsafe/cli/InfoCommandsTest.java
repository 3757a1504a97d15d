package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.SimulatedDevice;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** version, cpus, latency and completion. */
class InfoCommandsTest {

    private static final String VERSION = System.getProperty("msrsafe.version");

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Cli cli = Cli.standard(nanos);

    @Test
    void versionNamesToolAndModuleAndSaysTheyFit() {
        assertEquals(List.of("msrsafe " + VERSION + " (library for msr_safe 1.8.0)",
                        "module: simulated msr_safe 1.8.0 at sim:/dev/cpu: compatible"),
                cli.sim("version").ok().lines());
        assertEquals("msrsafe " + VERSION + " (library for msr_safe 1.8.0)\n", cli.run("--version").ok().out());
    }

    @Test
    void versionJson() {
        assertEquals("""
                {
                  "msrsafe": "%s",
                  "supportedModule": "1.8.0",
                  "device": "sim:/dev/cpu",
                  "driver": "simulated msr_safe",
                  "module": "1.8.0",
                  "compatible": true
                }
                """.formatted(VERSION), cli.sim("version", "--json").ok().out());
    }

    @Test
    void cpusListsTheOnlineCpusAndTheDriver() {
        assertEquals(List.of("driver: simulated msr_safe at sim:/dev/cpu", "online CPUs: 0-3 (4 CPUs)"),
                cli.sim("cpus").ok().lines());
        Cli gaps = new Cli(SimulatedDevice.builder().cpus(8).offline(2, 5, 6).build());
        assertEquals(List.of("driver: simulated msr_safe at sim:/dev/cpu", "online CPUs: 0-1,3-4,7 (5 CPUs)"),
                gaps.sim("cpus").ok().lines());
        assertEquals(List.of("0", "1", "3", "4", "7"), gaps.sim("cpus", "--list").ok().lines());
        assertTrue(gaps.sim("cpus", "--json").ok().out().contains("\"cpus\": [\n    0,\n    1,\n    3,\n    4,\n    7\n  ]"));
    }

    @Test
    void simWithACpuCountBuildsThatDevice() {
        assertEquals(List.of("driver: simulated msr_safe at sim:/dev/cpu", "online CPUs: 0-1 (2 CPUs)"),
                Cli.tool("--device", "sim:2", "cpus").ok().lines());
        assertEquals(List.of("driver: simulated msr_safe at sim:/dev/cpu", "online CPUs: 0-3 (4 CPUs)"),
                Cli.tool("--device", "sim", "cpus").ok().lines());
        assertEquals("a simulated device needs at least 1 CPU: sim:0",
                Cli.tool("--device", "sim:0", "cpus").failure(ExitCode.USAGE));
        assertEquals("simulated CPU count 'x' is not a number (write decimal, 0x hex or 0b binary)",
                Cli.tool("--device", "sim:x", "cpus").failure(ExitCode.USAGE));
        assertEquals("simulated CPU count 5000 is above 4096", Cli.tool("--device", "sim:5000", "cpus").failure(ExitCode.USAGE));
    }

    @Test
    void latencyOnAStoppedClockCountsNothing() {
        List<String> lines = cli.sim("latency").ok().lines();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("Serial cycles from first write to last read: 0 (on 4 CPUs, "), lines.get(0));
        assertTrue(lines.get(1).startsWith("Batch cycles from first write to last read: 0 (on 4 CPUs, "), lines.get(1));
    }

    @Test
    void latencyCountsMperfCyclesAfterTheLastCpusWrite() {
        // Each look at the clock moves it 1 us: MPERF (2.4 GHz) counts 2400 per step.
        AtomicLong ticking = new AtomicLong();
        Cli moving = new Cli(SimulatedDevice.builder().cpus(3)
                .registers(SimulatedDevice.standardRegisters()).allowlist(SimulatedDevice.standardAllowlist())
                .clock(() -> ticking.addAndGet(1_000)).build());
        Pattern line = Pattern.compile("(Serial|Batch) cycles from first write to last read: (\\d+) \\(on 3 CPUs, best of 4, \\d+\\.\\d us\\)");
        for (String text : moving.sim("latency", "-p", "0-2", "--rounds", "4").ok().lines()) {
            var match = line.matcher(text);
            assertTrue(match.matches(), text);
            long cycles = Long.parseLong(match.group(2));
            assertTrue(cycles > 0 && cycles % 2400 == 0, text);
        }
        String json = moving.sim("latency", "--json", "-n", "1").ok().out();
        assertTrue(json.contains("\"cpus\": 3,\n  \"rounds\": 1,\n  \"serialCycles\": "), json);
        String once = moving.sim("latency", "-n", "1").ok().out();
        assertTrue(Pattern.compile("\\(on 3 CPUs, \\d+\\.\\d us\\)").matcher(once).find(), "one round says no 'best of': " + once);
        assertEquals("--rounds must be at least 1: 0", moving.sim("latency", "-n", "0").failure(ExitCode.USAGE));
    }

    @Test
    void latencyNeedsMperfWritable() {
        Cli readOnly = new Cli(SimulatedDevice.builder().cpus(2)
                .registers(SimulatedDevice.standardRegisters()).allowlist("0xE7 0\n").build());
        String error = readOnly.sim("latency").failure(ExitCode.NOT_ALLOWED);
        assertTrue(error.contains("MSR 0xE7") && error.contains("EACCES"), error);
        assertEquals("CPU 5 does not exist or is offline (online CPUs: 0-3)",
                cli.sim("latency", "-p", "5").failure(ExitCode.CPU_UNAVAILABLE));
    }

    @Test
    void completionIsABashScriptForEveryCommand() {
        String script = cli.run("completion").ok().out();
        assertTrue(script.startsWith("#!/usr/bin/env bash"), script.lines().findFirst().orElse(""));
        assertTrue(script.contains("complete -F _complete_msrsafe"), "registers the completion function");
        for (String command : List.of("read", "write", "batch", "allowlist", "version", "cpus", "latency", "completion")) {
            assertTrue(script.contains(command), command);
        }
        assertTrue(script.contains("--bitfield") && script.contains("--device"), "options are completed too");
    }
}
