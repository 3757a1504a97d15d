package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.SimulatedRegister;
import io.github.msrsafe.registers.Register;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReadCommandTest {

    /** MSR_PLATFORM_INFO of the standard device: read-only, max non-turbo ratio 24 in bits 15:8. */
    private static final long PLATFORM_INFO = 0x0000_0800_0000_1800L;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Cli cli = Cli.standard(nanos);

    @Test
    void readsOneCpuInRdmsrsDefaultFormat() {
        cli.device().poke(2, 0x10, 0x1234_5678_9ABCL);
        assertEquals("123456789abc\n", cli.sim("read", "-p", "2", "0x10").ok().out());
        assertEquals("80000001800\n", cli.sim("read", "0xCE").ok().out());
    }

    @Test
    void formatsLikeRdmsr() {
        assertEquals("80000001800\n", cli.sim("read", "-x", "0xCE").ok().out());
        assertEquals("80000001800\n", cli.sim("read", "-X", "0xCE").ok().out());
        assertEquals("0x0000080000001800\n", cli.sim("read", "-c", "-0", "0xCE").ok().out());
        assertEquals(Long.toString(PLATFORM_INFO) + "\n", cli.sim("read", "-d", "0xCE").ok().out());
        assertEquals(Long.toOctalString(PLATFORM_INFO) + "\n", cli.sim("read", "-o", "0xCE").ok().out());
        assertEquals("24\n", cli.sim("read", "-u", "-f", "15:8", "0xCE").ok().out());
        assertEquals("18\n", cli.sim("read", "--bitfield", "15:8", "0xCE").ok().out());
        assertEquals("0x0018\n", cli.sim("read", "-c", "-0", "-f", "23:8", "0xCE").ok().out());
        assertEquals("0000000024\n", cli.sim("read", "-u", "-0", "-f", "39:8", "0xCE").ok().out());
        cli.device().poke(0, 0x10, 0xFFFF_FFFF_FFFF_FFFEL);
        assertEquals("-2\n", cli.sim("read", "-d", "0x10").ok().out());
        assertEquals("18446744073709551614\n", cli.sim("read", "-u", "0x10").ok().out());
        assertEquals("FFFFFFFFFFFFFFFE\n", cli.sim("read", "-X", "0x10").ok().out());
        assertEquals("-2\n", cli.sim("read", "-d", "-f", "3:0", "0x10").ok().out(), "a field is signed at its own width");
    }

    @Test
    void readsSeveralCpusWithTheirNumbers() {
        for (int cpu = 0; cpu < 4; cpu++) {
            cli.device().poke(cpu, 0xE7, 0x100L * (cpu + 1));
        }
        assertEquals(List.of("0: 100", "1: 200", "2: 300", "3: 400"), cli.sim("read", "-a", "0xE7").ok().lines());
        assertEquals(List.of("1: 200", "3: 400"), cli.sim("read", "-p", "3,1", "0xE7").ok().lines());
        assertEquals(List.of("0: 0x100", "1: 0x200", "2: 0x300"), cli.sim("read", "-c", "-p", "0-2", "0xE7").ok().lines());
    }

    @Test
    void readsByCatalogName() {
        cli.device().poke(1, 0xE7, 0xABC);
        assertEquals("abc\n", cli.sim("read", "-p", "1", "IA32_MPERF").ok().out());
        assertEquals("abc\n", cli.sim("read", "-p", "1", "ia32_mperf").ok().out());
        assertEquals("abc\n", cli.sim("read", "-p", "1", "MSR_IA32_MPERF").ok().out());
        assertEquals("18\n", cli.sim("read", "-f", "15:8", "MSR_PLATFORM_INFO").ok().out());
    }

    @Test
    void unknownNameIsAUsageErrorWithASuggestion() {
        String error = cli.sim("read", "IA32_MPREF").failure(ExitCode.USAGE);
        assertTrue(error.startsWith("unknown MSR name 'IA32_MPREF' (did you mean IA32_MPERF"), error);
        String unrelated = cli.sim("read", "NOT_A_REGISTER_AT_ALL").failure(ExitCode.USAGE);
        assertTrue(unrelated.startsWith("unknown MSR name 'NOT_A_REGISTER_AT_ALL'; give the address as a number"), unrelated);
    }

    @Test
    void badAddressesAreUsageErrors() {
        assertTrue(cli.sim("read", "0x100000000").failure(ExitCode.USAGE).contains("above 0xFFFFFFFF"));
        assertTrue(cli.sim("read", "0x1g").failure(ExitCode.USAGE).contains("'0x1g' is not a number"));
        assertTrue(cli.sim("read", "0x10000000000000000").failure(ExitCode.USAGE).contains("wider than 64 bits"));
        assertTrue(cli.sim("read", "-f", "8:15", "0xCE").failure(ExitCode.USAGE).contains("HIGH >= LOW"));
        assertTrue(cli.sim("read", "-f", "64:0", "0xCE").failure(ExitCode.USAGE).contains("'64' is not a bit number"));
    }

    @Test
    void pickingTwoFormatsOrTwoCpuOptionsIsAUsageError() {
        String error = cli.sim("read", "-x", "-d", "0xCE").failure(ExitCode.USAGE);
        assertTrue(error.contains("mutually exclusive"), error);
        assertTrue(error.endsWith("(see 'msrsafe read --help')"), error);
        assertTrue(cli.sim("read", "-a", "-p", "1", "0xCE").failure(ExitCode.USAGE).contains("mutually exclusive"));
        assertTrue(cli.sim("read").failure(ExitCode.USAGE).contains("Missing required parameter: 'MSR'"));
        assertTrue(cli.sim("read", "--frobnicate", "0x10").failure(ExitCode.USAGE).contains("unknown option '--frobnicate'"));
    }

    @Test
    void aRegisterOutsideTheAllowlistIsRefused() {
        // 0x1A4 is implemented by no simulated register and listed in no allowlist.
        String single = cli.sim("read", "0x1A4").failure(ExitCode.NOT_ALLOWED);
        assertTrue(single.contains("EACCES") && single.contains("not in the allowlist"), single);
        String several = cli.sim("read", "-a", "0x1A4").failure(ExitCode.NOT_ALLOWED);
        assertTrue(several.startsWith("read of MSR 0x1A4 failed on CPUs 0-3: EACCES"), several);
    }

    @Test
    void cpusThatDoNotExistAreNamed() {
        String one = cli.sim("read", "-p", "9", "0x10").failure(ExitCode.CPU_UNAVAILABLE);
        assertTrue(one.contains("CPU 9 does not exist or is offline (online CPUs: 0-3)"), one);
        String several = cli.sim("read", "-p", "2-9", "0x10").failure(ExitCode.CPU_UNAVAILABLE);
        assertEquals("CPUs 4-9 do not exist or are offline (online CPUs: 0-3)", several);
        assertTrue(cli.sim("read", "-p", "70000", "0x10").failure(ExitCode.USAGE).contains("above 65535"));
        assertTrue(cli.sim("read", "-p", "3-1", "0x10").failure(ExitCode.USAGE).contains("runs backwards"));
        assertTrue(cli.sim("read", "-p", "1,,2", "0x10").failure(ExitCode.USAGE).contains("empty element"));
    }

    @Test
    void offlineCpusAreSkippedByAllAndRefusedByNumber() {
        Cli offline = new Cli(SimulatedDevice.builder().cpus(4).offline(2)
                .registers(SimulatedDevice.standardRegisters()).allowlist(SimulatedDevice.standardAllowlist())
                .clock(nanos::get).build());
        assertEquals(List.of("0: 18", "1: 18", "3: 18"), offline.sim("read", "-a", "-f", "15:8", "0xCE").ok().lines());
        assertTrue(offline.sim("read", "-p", "2", "0xCE").failure(ExitCode.CPU_UNAVAILABLE).contains("online CPUs: 0-1,3"));
    }

    @Test
    void aRegisterTheProcessorLacksFaults() {
        Cli faulty = new Cli(SimulatedDevice.builder().cpus(2)
                .register(SimulatedRegister.readOnly(0xCE, "MSR_PLATFORM_INFO", Register.Scope.PACKAGE, PLATFORM_INFO))
                .allowlist("0xCE 0\n0x1234 0\n").clock(nanos::get).build());
        assertTrue(faulty.sim("read", "0x1234").failure(ExitCode.MSR_FAULT).contains("EIO"));
        String both = faulty.sim("read", "-a", "0x1234").failure(ExitCode.MSR_FAULT);
        assertTrue(both.startsWith("read of MSR 0x1234 failed on CPUs 0-1: EIO"), both);
    }

    @Test
    void jsonCarriesEveryCpuAndTheRawRegister() {
        String json = cli.sim("read", "--json", "-a", "-f", "15:8", "MSR_PLATFORM_INFO").ok().out();
        assertTrue(json.contains("\"msr\": \"0xCE\""), json);
        assertTrue(json.contains("\"name\": \"MSR_PLATFORM_INFO\""), json);
        assertTrue(json.contains("\"field\": \"15:8\""), json);
        assertEquals(4, json.split("\"register\": \"0x0000080000001800\"", -1).length - 1, json);
        assertTrue(json.contains("\"cpu\": 3,\n      \"value\": \"18\""), json);
    }
}
