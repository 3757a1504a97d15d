package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WriteCommandTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Cli cli = Cli.standard(nanos);

    @Test
    void writesOneCpuSilentlyUnderTheWriteMask() {
        // IA32_PERF_CTL: the standard allowlist lets bits 15:0 be written; bit 32 keeps its value.
        cli.device().poke(1, 0x199, 0x1_0000_1C00L);
        assertEquals("", cli.sim("write", "-p", "1", "0x199", "0x2200").ok().out());
        assertEquals(0x1_0000_2200L, cli.device().peek(1, 0x199));
        assertEquals(0x1C00L, cli.device().peek(0, 0x199), "other CPUs keep their value");
        // Bits outside the mask are not written: msr_safe keeps the old ones.
        cli.sim("write", "-p", "1", "IA32_PERF_CTL", "0xFFFF_0000_0000_1A00").ok();
        assertEquals(0x1_0000_1A00L, cli.device().peek(1, 0x199));
    }

    @Test
    void writesSeveralCpusWithOneBatch() {
        for (int cpu = 0; cpu < 4; cpu++) {
            cli.device().poke(cpu, 0xE7, 1000 + cpu);
        }
        cli.sim("write", "-p", "0,2-3", "IA32_MPERF", "0b101").ok();
        assertEquals(List.of(5L, 1001L, 5L, 5L), List.of(cli.device().peek(0, 0xE7), cli.device().peek(1, 0xE7),
                cli.device().peek(2, 0xE7), cli.device().peek(3, 0xE7)));
        cli.sim("write", "-a", "0xE7", "0").ok();
        assertEquals(List.of("0: 0", "1: 0", "2: 0", "3: 0"), cli.sim("read", "-a", "0xE7").ok().lines());
    }

    @Test
    void jsonReportsTheWriteMaskPerCpu() {
        String json = cli.sim("write", "--json", "-a", "0x199", "0x1800").ok().out();
        assertTrue(json.contains("\"value\": \"0x0000000000001800\""), json);
        assertEquals(4, json.split("\"writeMask\": \"0x000000000000FFFF\"", -1).length - 1, json);
    }

    @Test
    void aReadOnlyRegisterIsRefused() {
        String one = cli.sim("write", "0xCE", "0").failure(ExitCode.NOT_ALLOWED);
        assertTrue(one.contains("EACCES"), one);
        String all = cli.sim("write", "-a", "MSR_PLATFORM_INFO", "0").failure(ExitCode.NOT_ALLOWED);
        assertTrue(all.startsWith("write of MSR 0xCE MSR_PLATFORM_INFO failed on CPUs 0-3: EROFS: MSR 0xCE is read-only"), all);
    }

    @Test
    void badValuesAreUsageErrors() {
        String wide = cli.sim("write", "0xE7", "0x1_0000_0000_0000_0000").failure(ExitCode.USAGE);
        assertEquals("value 0x1_0000_0000_0000_0000 is wider than 64 bits (the largest is 0xFFFFFFFFFFFFFFFF)", wide);
        assertTrue(cli.sim("write", "0xE7", "18446744073709551616").failure(ExitCode.USAGE).contains("wider than 64 bits"));
        assertTrue(cli.sim("write", "0xE7", "-1").failure(ExitCode.USAGE).contains("is negative"));
        assertTrue(cli.sim("write", "0xE7", "017").failure(ExitCode.USAGE).contains("leading zero"));
        assertTrue(cli.sim("write", "0xE7", "12abc").failure(ExitCode.USAGE).contains("'12abc' is not a number"));
        assertTrue(cli.sim("write", "0xE7").failure(ExitCode.USAGE).contains("Missing required parameter: 'VALUE'"));
        // The largest value is fine.
        cli.sim("write", "0xE7", "18446744073709551615").ok();
        assertEquals(-1L, cli.device().peek(0, 0xE7));
    }

    @Test
    void nothingIsWrittenToACpuThatDoesNotExist() {
        cli.device().poke(0, 0xE7, 77);
        assertEquals("CPU 4 does not exist or is offline (online CPUs: 0-3)",
                cli.sim("write", "-p", "0,4", "0xE7", "0").failure(ExitCode.CPU_UNAVAILABLE));
        assertEquals(77, cli.device().peek(0, 0xE7), "CPUs are checked before the batch runs");
    }
}
