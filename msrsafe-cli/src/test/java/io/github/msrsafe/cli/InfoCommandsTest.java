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
        assertEquals(List.of("msrsafe " + VERSION + " (library for msr_safe 1.x from 1.6, and 2.x)",
                        "module: simulated msr_safe 1.8.0 at sim:/dev/cpu: compatible, batches in the msr-safe 1.x"
                                + " (32-byte ops) layout",
                        "batches: the msr_batch ioctl"),
                cli.sim("version").ok().lines());
        assertEquals("msrsafe " + VERSION + " (library for msr_safe 1.x from 1.6, and 2.x)\n",
                cli.run("--version").ok().out());
    }

    @Test
    void theSimulatedTwoXModuleIsCompatibleAndBatchesWork() {
        assertEquals("module: simulated msr_safe 2.0.4 at sim:/dev/cpu: compatible, batches in the msr-safe 2.x"
                + " (88-byte ops) layout", Cli.tool("--device", "sim:2.0.4", "version").ok().lines().get(1));
        assertEquals("module: simulated msr_safe 1.8.0 at sim:/dev/cpu: compatible, batches in the msr-safe 1.x"
                + " (32-byte ops) layout", Cli.tool("--device", "sim:8", "version").ok().lines().get(1));
        String table = Cli.tool("--device", "sim:2:2.0.4", "batch", "../docs/examples/rejected.batch").out();
        assertTrue(table.contains("EROFS: MSR 0xCE is read-only"), table);
        List<String> skipping = Cli.tool("--device", "sim:2:2.0.4", "batch", "--skip-rejected",
                "../docs/examples/rejected.batch").out().lines().toList();
        assertTrue(skipping.get(1).endsWith("0x0000000000001A00  ok"), skipping.toString());
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
                  "compatible": true,
                  "batchLayout": "msr-safe 1.x (32-byte ops)",
                  "batchEmulated": false
                }
                """.formatted(VERSION), cli.sim("version", "--json").ok().out());
    }

    @Test
    void cpusListsTheOnlineCpusAndTheDriver() {
        assertEquals(List.of("driver: simulated msr_safe at sim:/dev/cpu", "online CPUs: 0-3 (4 CPUs)",
                        "batches: the msr_batch ioctl"),
                cli.sim("cpus").ok().lines());
        Cli gaps = new Cli(SimulatedDevice.builder().cpus(8).offline(2, 5, 6).build());
        assertEquals(List.of("driver: simulated msr_safe at sim:/dev/cpu", "online CPUs: 0-1,3-4,7 (5 CPUs)",
                        "batches: the msr_batch ioctl"),
                gaps.sim("cpus").ok().lines());
        assertEquals(List.of("0", "1", "3", "4", "7"), gaps.sim("cpus", "--list").ok().lines());
        assertTrue(gaps.sim("cpus", "--json").ok().out().contains("\"cpus\": [\n    0,\n    1,\n    3,\n    4,\n    7\n  ],\n  \"batchEmulated\": false\n}"));
    }

    @Test
    void simWithACpuCountBuildsThatDevice() {
        assertEquals(List.of("driver: simulated msr_safe at sim:/dev/cpu", "online CPUs: 0-1 (2 CPUs)", "batches: the msr_batch ioctl"),
                Cli.tool("--device", "sim:2", "cpus").ok().lines());
        assertEquals(List.of("driver: simulated msr_safe at sim:/dev/cpu", "online CPUs: 0-3 (4 CPUs)", "batches: the msr_batch ioctl"),
                Cli.tool("--device", "sim", "cpus").ok().lines());
        assertEquals("simulated CPU count 0 is below 1; give a number from 1 to 4096",
                Cli.tool("--device", "sim:0", "cpus").failure(ExitCode.USAGE));
        assertEquals("simulated CPU count 'x' is not a number (write decimal, 0x hex or 0b binary)",
                Cli.tool("--device", "sim:x", "cpus").failure(ExitCode.USAGE));
        assertEquals("simulated CPU count 5000 is above 4096, the most it may be", Cli.tool("--device", "sim:5000", "cpus").failure(ExitCode.USAGE));
    }

    @Test
    void latencyOnAStoppedClockCountsNothingAndSaysItMeasuresTheSimulator() {
        List<String> lines = cli.sim("latency", "--warmup-limit", "0", "-n", "5").ok().lines();
        assertEquals(List.of(
                "Device: the simulated msr_safe inside this JVM. These times measure the simulator's code,",
                "not a kernel or a processor; on a node with msr_safe, run without --device sim.",
                "Warm-up: none (--warmup-limit 0).",
                "Zeroing and reading back IA32_MPERF on 4 CPUs, median of 5 rounds:"), lines.subList(0, 4));
        assertTrue(Pattern.matches("  serial  8 calls \\(4 pwrite, 4 pread\\)    +\\S+ us +0 MPERF cycles", lines.get(4)), lines.get(4));
        assertTrue(Pattern.matches("  batch   2 ioctls \\(4 writes, 4 reads\\)   +\\S+ us +0 MPERF cycles", lines.get(5)), lines.get(5));
        assertTrue(Pattern.matches("A batch (saves|costs) \\S+ us (more )?per round \\(\\d+%\\)"
                + "(, and 6 of 8 system calls| here, though it makes 6 fewer system calls)\\.", lines.get(6)), lines.get(6));
        assertEquals(7, lines.size(), lines.toString());
    }

    @Test
    void latencyWarmsUpUntilSteadyOrTheLimitAndSaysWhich() {
        // The warm-up runs on this JVM's real timings: either outcome is possible on a busy machine,
        // but it must end within the limit (plus one window) and say which it was.
        long start = System.nanoTime();
        List<String> lines = cli.sim("latency", "--warmup-limit", "0.3", "-n", "10").ok().lines();
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMillis < 5_000, "bounded by --warmup-limit: took " + elapsedMillis + " ms");
        assertTrue(Pattern.matches("Warm-up: (steady|NOT steady) after \\d+\\.\\d s \\(\\d+ rounds of each\\).*", lines.get(2)),
                lines.get(2));
        String json = cli.sim("latency", "--json", "--warmup-limit", "0", "-n", "1").ok().out();
        assertTrue(json.contains("\"cpus\": 4,\n  \"simulated\": true,\n  \"warmupSteady\": false,\n  \"warmupRounds\": 0,"), json);
        assertTrue(json.contains("\"serialCalls\": 8,") && json.contains("\"batchCalls\": 2,"), json);
    }

    @Test
    void latencyCountsMperfCyclesAfterTheLastCpusWrite() {
        // Each look at the clock moves it 1 us: MPERF (2.4 GHz) counts 2400 per step.
        AtomicLong ticking = new AtomicLong();
        Cli moving = new Cli(SimulatedDevice.builder().cpus(3)
                .registers(SimulatedDevice.standardRegisters()).allowlist(SimulatedDevice.standardAllowlist())
                .clock(() -> ticking.addAndGet(1_000)).build());
        Pattern line = Pattern.compile("  (serial|batch) .* (\\d+) MPERF cycles");
        int matched = 0;
        for (String text : moving.sim("latency", "-p", "0-2", "--rounds", "4", "--warmup-limit", "0").ok().lines()) {
            var match = line.matcher(text);
            if (match.matches()) {
                matched++;
                long cycles = Long.parseLong(match.group(2));
                assertTrue(cycles > 0 && cycles % 2400 == 0, text);
            }
        }
        assertEquals(2, matched);
        assertEquals("--rounds must be 1 to 100000: 0", moving.sim("latency", "-n", "0").failure(ExitCode.USAGE));
        assertEquals("--rounds must be 1 to 100000: 100001", moving.sim("latency", "-n", "100001").failure(ExitCode.USAGE));
        for (String bad : List.of("-1", "1e3", "NaN", "1000", "0.0001", " ", "0x10")) {
            assertEquals("--warmup-limit must be seconds from 0 to 999.999, e.g. 10 or 0.5, not '" + bad + "'",
                    moving.sim("latency", "--warmup-limit", bad).failure(ExitCode.USAGE), bad);
        }
        assertEquals(1_500_000_000L, LatencyCommand.limitNanos("1.5"));
        assertEquals(20_000_000L, LatencyCommand.limitNanos("0.02"));
        assertEquals(999_999_000_000L, LatencyCommand.limitNanos("999.999"));
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
