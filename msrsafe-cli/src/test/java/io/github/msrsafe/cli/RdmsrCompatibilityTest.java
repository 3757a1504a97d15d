package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.SimulatedDevice;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * rdmsr and wrmsr habits (msr-tools): their long options, output formats, -r, the
 * layout of rdmsr -a, several values for wrmsr, and a repeated -p. The expected
 * strings are what rdmsr prints for the same register and options.
 */
class RdmsrCompatibilityTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Cli cli = Cli.standard(nanos);

    @Test
    void everyLongOptionOfRdmsrIsAccepted() {
        cli.device().poke(3, 0x10, 0xFEDC_BA98_7654_3210L);
        assertEquals("fedcba9876543210\n", cli.sim("read", "--processor", "3", "--hexadecimal", "0x10").ok().out());
        assertEquals("fedcba9876543210\n", cli.sim("read", "--cpu", "3", "0x10").ok().out());
        assertEquals("FEDCBA9876543210\n", cli.sim("read", "-p", "3", "--capital-hexadecimal", "0x10").ok().out());
        assertEquals("FEDCBA9876543210\n", cli.sim("read", "-p", "3", "--capital-hex", "0x10").ok().out());
        assertEquals("18364758544493064720\n", cli.sim("read", "-p", "3", "--unsigned", "0x10").ok().out());
        assertEquals("18364758544493064720\n", cli.sim("read", "-p", "3", "--unsigned-decimal", "0x10").ok().out());
        assertEquals("-81985529216486896\n", cli.sim("read", "-p", "3", "--decimal", "0x10").ok().out());
        assertEquals("-81985529216486896\n", cli.sim("read", "-p", "3", "--signed-decimal", "0x10").ok().out());
        assertEquals("1773345651416625031020\n", cli.sim("read", "-p", "3", "--octal", "0x10").ok().out());
        assertEquals("0x3210\n", cli.sim("read", "-p", "3", "--c-language", "--bitfield", "15:0", "0x10").ok().out());
        assertEquals("0000000000000000\n", cli.sim("read", "--zero-fill", "0x10").ok().out());
        assertEquals("000\n", cli.sim("read", "--zero-pad", "-f", "11:0", "0x10").ok().out());
        assertEquals(List.of("0: 0", "1: 0", "2: 0", "3: fedcba9876543210"), cli.sim("read", "--all", "0x10").ok().lines());
    }

    @Test
    void zeroFillWidthsAreRdmsrs() {
        cli.device().poke(0, 0x10, 0x0000_0000_0000_0005L);
        assertEquals("0000000000000005\n", cli.sim("read", "-0", "0x10").ok().out());
        // Signed 63-bit field: 2^62 has 19 digits, plus the sign column.
        assertEquals("00000000000000000005\n", cli.sim("read", "-0", "-d", "-f", "62:0", "0x10").ok().out());
        // Unsigned: the digits of the field's largest value (2^8 - 1 = 255: three).
        assertEquals("005\n", cli.sim("read", "-0", "-u", "-f", "7:0", "0x10").ok().out());
        // Signed: the digits of 2^7 = 128 plus a sign column, which a positive value fills with 0.
        assertEquals("0005\n", cli.sim("read", "-0", "-d", "-f", "7:0", "0x10").ok().out());
        cli.device().poke(0, 0x10, 0xFBL);
        assertEquals("-005\n", cli.sim("read", "-0", "-d", "-f", "7:0", "0x10").ok().out());
        // Octal: (bits + 2) / 3 digits; hex: (bits + 3) / 4.
        assertEquals("373\n", cli.sim("read", "-0", "-o", "-f", "7:0", "0x10").ok().out());
        assertEquals("00fb\n", cli.sim("read", "-0", "-f", "15:0", "0x10").ok().out());
        assertEquals("0000000000000000000373\n", cli.sim("read", "-0", "-o", "0x10").ok().out());
    }

    @Test
    void cConstantsAreRdmsrs() {
        cli.device().poke(0, 0x10, 0L);
        assertEquals("00\n", cli.sim("read", "-c", "-o", "0x10").ok().out(), "octal 0 as a C constant");
        assertEquals("0x0\n", cli.sim("read", "-c", "0x10").ok().out());
        assertEquals("0U\n", cli.sim("read", "-c", "-u", "0x10").ok().out());
        cli.device().poke(0, 0x10, 0x1234L);
        assertEquals("0x1234\n", cli.sim("read", "-c", "-X", "0x10").ok().out());
        assertEquals("011064\n", cli.sim("read", "-c", "-o", "0x10").ok().out());
        assertEquals("4660U\n", cli.sim("read", "-c", "-u", "0x10").ok().out());
        assertEquals("4660\n", cli.sim("read", "-c", "-d", "0x10").ok().out());
        assertEquals("{0x34,0x12,0x00,0x00,0x00,0x00,0x00,0x00}\n", cli.sim("read", "-c", "-r", "0x10").ok().out());
        assertEquals("{0x12,0x00,0x00,0x00,0x00,0x00,0x00,0x00}\n", cli.sim("read", "-c", "-r", "-f", "15:8", "0x10").ok().out());
    }

    @Test
    void rawWritesTheFieldsEightBytesLeastSignificantFirst() {
        SimulatedDevice device = cli.device();
        for (int cpu = 0; cpu < 4; cpu++) {
            device.poke(cpu, 0x10, 0x0102_0304_0506_0700L + cpu);
        }
        assertArrayEquals(new byte[] {0x02, 7, 6, 5, 4, 3, 2, 1}, bytes(device, "read", "-p", "2", "--raw", "0x10"));
        assertArrayEquals(new byte[] {7, 6, 0, 0, 0, 0, 0, 0}, bytes(device, "read", "-r", "-f", "23:8", "0x10"));
        // -a -r: eight bytes per CPU, in CPU order, nothing else.
        byte[] all = bytes(device, "read", "-a", "-r", "0x10");
        assertEquals(32, all.length);
        for (int cpu = 0; cpu < 4; cpu++) {
            assertEquals(cpu, all[8 * cpu]);
            assertEquals(1, all[8 * cpu + 7]);
        }
        // Writers carry characters, not bytes: raw is refused before anything is read.
        String refused = cli.sim("read", "-r", "0x10").failure(ExitCode.USAGE);
        assertTrue(refused.startsWith("-r/--raw writes bytes, and this run has only text writers"), refused);
        assertTrue(cli.sim("read", "-r", "-x", "0x10").failure(ExitCode.USAGE).contains("mutually exclusive"));
        assertTrue(cli.sim("read", "--json", "-r", "0x10").failure(ExitCode.USAGE).contains("does not go with -r/--raw"));
    }

    /** Runs the tool on PrintStreams, as Main does, and returns what it wrote to stdout. */
    private static byte[] bytes(SimulatedDevice device, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        all[0] = "--device";
        all[1] = "sim";
        System.arraycopy(args, 0, all, 2, args.length);
        int status = new MsrSafeTool(new ByteArrayInputStream(new byte[0]), cpus -> device)
                .run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), all);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void valuesOnlyIsRdmsrDashAsLayout() {
        for (int cpu = 0; cpu < 4; cpu++) {
            cli.device().poke(cpu, 0xE7, 0x10L * cpu);
        }
        assertEquals(List.of("0", "10", "20", "30"), cli.sim("read", "-a", "--values-only", "0xE7").ok().lines());
        assertEquals(List.of("0x10", "0x30"), cli.sim("read", "-p", "1,3", "--values-only", "-c", "0xE7").ok().lines());
        assertEquals("10\n", cli.sim("read", "-p", "1", "--values-only", "0xE7").ok().out());
        assertTrue(cli.sim("read", "-a", "--values-only", "--json", "0xE7").failure(ExitCode.USAGE)
                .contains("does not go with --values-only"));
    }

    @Test
    void aRepeatedDashPIsNamedWithTheListToGiveInstead() {
        String read = cli.sim("read", "-p", "1", "-p", "2", "0x10").failure(ExitCode.USAGE);
        assertEquals("-p is given 2 times (-p 1, -p 2); rdmsr and wrmsr would silently use the last."
                + " Give one list instead: -p 1,2", read);
        String write = cli.sim("write", "--processor", "0-1", "-p", "3", "0x199", "0").failure(ExitCode.USAGE);
        assertEquals("-p is given 2 times (-p 0-1, -p 3); rdmsr and wrmsr would silently use the last."
                + " Give one list instead: -p 0-1,3", write);
        assertTrue(cli.sim("read", "-p", "1", "-a", "0x10").failure(ExitCode.USAGE).contains("mutually exclusive"));
    }

    @Test
    void writeTakesSeveralValuesAndWritesThemInTurnOnEachCpu() {
        cli.sim("write", "-p", "1", "0xE7", "5", "0x7").ok();
        assertEquals(7L, cli.device().peek(1, 0xE7), "the last value stays");
        String json = cli.sim("write", "--json", "--all", "IA32_PERF_CTL", "0x1A00", "0x1B00").ok().out();
        // One batch, in wrmsr's order: on each CPU the first value, then the second.
        int at = 0;
        for (int cpu = 0; cpu < 4; cpu++) {
            for (String value : List.of("0x0000000000001A00", "0x0000000000001B00")) {
                String op = "\"cpu\": " + cpu + ",\n      \"value\": \"" + value + "\",\n      \"ok\": true";
                int found = json.indexOf(op, at);
                assertTrue(found >= at, "op for CPU " + cpu + " value " + value + " in order: " + json);
                at = found + 1;
            }
        }
        assertTrue(json.contains("\"values\": [\n    \"0x0000000000001A00\",\n    \"0x0000000000001B00\"\n  ]"), json);
        for (int cpu = 0; cpu < 4; cpu++) {
            assertEquals(0x1B00L, cli.device().peek(cpu, 0x199));
        }
        String[] tooMany = new String[2 + WriteCommand.MAX_VALUES + 1];
        tooMany[0] = "write";
        tooMany[1] = "0xE7";
        for (int i = 2; i < tooMany.length; i++) {
            tooMany[i] = "1";
        }
        assertEquals((WriteCommand.MAX_VALUES + 1) + " values given; write takes at most " + WriteCommand.MAX_VALUES,
                cli.sim(tooMany).failure(ExitCode.USAGE));
        // A bad value anywhere is refused before anything is written.
        cli.device().poke(0, 0xE7, 42);
        assertTrue(cli.sim("write", "0xE7", "1", "2", "0x1g").failure(ExitCode.USAGE).contains("'0x1g' is not a number"));
        assertEquals(42L, cli.device().peek(0, 0xE7));
    }
}
