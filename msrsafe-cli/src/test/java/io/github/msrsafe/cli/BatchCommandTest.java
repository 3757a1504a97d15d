package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.SimulatedDevice;
import io.github.msrsafe.SimulatedRegister;
import io.github.msrsafe.registers.Register;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchCommandTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Cli cli = Cli.standard(nanos);

    @TempDir
    Path directory;

    private String file(String text) throws IOException {
        Path file = directory.resolve("ops.txt");
        Files.writeString(file, text);
        return file.toString();
    }

    @Test
    void runsEveryOpAndPrintsATable() throws IOException {
        cli.device().poke(0, 0xE7, 0x1111);
        String script = """
                # zero MPERF on CPUs 1-2, then read it back everywhere

                write 1-2 IA32_MPERF 0      # a CPU list gives one op per CPU
                read  0   0xE7
                READ  1-2 mperf
                read 3 0xCE
                """;
        Cli.Result result = cli.sim("batch", file(script)).ok();
        assertEquals(7, result.lines().size(), result.out());
        assertEquals("#  LINE  CPU  OP     MSR                     VALUE               RESULT", result.lines().get(0));
        assertEquals("0     3    1  write  0xE7 IA32_MPERF         0x0000000000000000  ok", result.lines().get(1));
        assertEquals("1     3    2  write  0xE7 IA32_MPERF         0x0000000000000000  ok", result.lines().get(2));
        assertEquals("2     4    0  read   0xE7 IA32_MPERF         0x0000000000001111  ok", result.lines().get(3));
        assertEquals("4     5    2  read   0xE7 IA32_MPERF         0x0000000000000000  ok", result.lines().get(5));
        assertEquals("5     6    3  read   0xCE MSR_PLATFORM_INFO  0x0000080000001800  ok", result.lines().get(6));
    }

    @Test
    void readsStandardInput() {
        Cli.Result result = cli.stdin("read 0 0xCE\n").sim("batch", "-").ok();
        assertEquals(2, result.lines().size());
        assertTrue(result.lines().get(1).endsWith("0x0000080000001800  ok"), result.out());
    }

    @Test
    void aRejectedBatchRunsNothingAndSaysWhy() throws IOException {
        cli.device().poke(0, 0xE7, 0x1234);
        Cli.Result result = cli.sim("batch", file("write 0 0xE7 0\nread 1 0x1A4\n"));
        assertEquals(ExitCode.OPS_FAILED.status(), result.status());
        assertEquals("msr_safe rejected the batch: 1 op failed validation, so none of the 2 ops ran", result.errorLine());
        assertTrue(result.lines().get(1).endsWith("write  0xE7 IA32_MPERF  0x0000000000000000  not run: another op of the batch was rejected"),
                result.out());
        assertEquals("1 2 1 read 0x1A4 - EACCES: MSR 0x1A4 is not in the allowlist", result.lines().get(2).replaceAll(" +", " "));
        assertEquals(0x1234, cli.device().peek(0, 0xE7), "the write did not run");
    }

    @Test
    void skipRejectedRunsTheOthersAndFailsOnlyTheRejected() throws IOException {
        cli.device().poke(0, 0xE7, 0x1234);
        Cli.Result result = cli.sim("batch", "--skip-rejected", file("write 0 0xE7 0\nread 1 0x1A4\n"));
        assertEquals(ExitCode.OPS_FAILED.status(), result.status());
        assertEquals("msr_safe rejected part of the batch: 1 op failed validation, so only 1 of 2 ops ran",
                result.errorLine());
        assertTrue(result.lines().get(1).endsWith("write  0xE7 IA32_MPERF  0x0000000000000000  ok"), result.out());
        assertEquals(0, cli.device().peek(0, 0xE7), "the write ran");
        String json = cli.sim("batch", "--skip-rejected", "--json", file("read 0 0xE7\nread 1 0x1A4\n")).out();
        assertTrue(json.contains("\"outcome\": \"PARTLY_REJECTED\""), json);
        assertTrue(json.contains("\"status\": \"REJECTED\",\n      \"ran\": false,\n      \"ok\": false,\n"
                + "      \"error\": \"EACCES\",\n      \"kind\": \"NOT_ALLOWED\""), json);
    }

    @Test
    void aFaultFailsOnlyItsOp() throws IOException {
        Cli faulty = new Cli(SimulatedDevice.builder().cpus(2)
                .register(SimulatedRegister.readWrite(0x199, "IA32_PERF_CTL", Register.Scope.THREAD, 0, 0))
                .allowlist("0x199 0xFFFF\n0x1234 0\n").clock(nanos::get).build());
        Cli.Result result = faulty.sim("batch", file("write 0-1 0x199 0x1A00\nread 1 0x1234\nread 1 0x199\n"));
        assertEquals(ExitCode.OPS_FAILED.status(), result.status());
        assertEquals("1 of 4 ops failed", result.errorLine());
        assertTrue(result.lines().get(3).contains("EIO: the processor faulted reading MSR 0x1234"), result.out());
        assertTrue(result.lines().get(4).endsWith("0x0000000000001A00  ok"), result.out());
        assertEquals(0x1A00, faulty.device().peek(0, 0x199));
    }

    @Test
    void anOfflineCpuIsReportedPerOp() throws IOException {
        Cli offline = new Cli(SimulatedDevice.builder().cpus(4).offline(3)
                .registers(SimulatedDevice.standardRegisters()).allowlist(SimulatedDevice.standardAllowlist())
                .clock(nanos::get).build());
        Cli.Result result = offline.sim("batch", file("read 3 0x10\n"));
        assertEquals(ExitCode.OPS_FAILED.status(), result.status());
        assertTrue(result.lines().get(1).endsWith("ENXIO: CPU 3 does not exist or is offline"), result.out());
    }

    @Test
    void jsonHasEveryField() throws IOException {
        String json = cli.sim("batch", "--json", file("write 0 0x199 0x1A00\nread 0 0x199\n")).ok().out();
        assertTrue(json.startsWith("{\n  \"outcome\": \"SUCCEEDED\",\n  \"ops\": ["), json);
        assertTrue(json.contains("\"line\": 2,\n      \"index\": 1,\n      \"cpu\": 0,\n      \"op\": \"read\",\n"
                + "      \"msr\": \"0x199\",\n      \"name\": \"IA32_PERF_CTL\",\n      \"value\": \"0x0000000000001A00\",\n"
                + "      \"writeMask\": \"0x000000000000FFFF\",\n      \"status\": \"SUCCEEDED\",\n      \"ran\": true,\n      \"ok\": true,\n      \"result\": \"ok\""), json);
    }

    @Test
    void malformedLinesNameTheirLineAndColumn() throws IOException {
        assertMalformed("read 0 0x10\nrd 0 0x10\n", ":2:1: unknown operation 'rd': expected 'read CPU MSR' or 'write CPU MSR VALUE'");
        assertMalformed("write 0 0xE7   # no value\n", ":1:16: missing VALUE: expected 'write CPU MSR VALUE'");
        assertMalformed("read 0\n", ":1:7: missing MSR: expected 'read CPU MSR'");
        assertMalformed("read 0 0x10 0x5\n", ":1:13: unexpected '0x5' after 'read CPU MSR'");
        assertMalformed("\n\n  read x 0x10\n", ":3:8: CPU list 'x': 'x' is not a CPU number");
        assertMalformed("read 0 IA32_MPREF\n", ":1:8: unknown MSR name 'IA32_MPREF' (did you mean IA32_MPERF");
        assertMalformed("write 0 0xE7 0x10000000000000000\n", ":1:14: value 0x10000000000000000 is wider than 64 bits");
        assertMalformed("read 0 0x100000000\n", ":1:8: MSR address 0x100000000 is above 0xFFFFFFFF");
        assertMalformed("# only a comment\n\n", ": no operations");
    }

    private void assertMalformed(String script, String expected) throws IOException {
        String path = file(script);
        String error = cli.sim("batch", path).failure(ExitCode.USAGE);
        assertTrue(error.startsWith(path + expected), () -> "expected '" + path + expected + "...', got: " + error);
    }

    @Test
    void aMissingFileIsAUsageError() {
        Path missing = directory.resolve("missing.txt");
        assertEquals("cannot read batch file " + missing + ": no such file", cli.sim("batch", missing.toString()).failure(ExitCode.USAGE));
        assertTrue(cli.stdin("read 0 zz\n").sim("batch", "-").failure(ExitCode.USAGE).startsWith("<stdin>:1:8: "));
    }
}
