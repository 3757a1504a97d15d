package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The small parsers and printers behind the commands. */
class ParsingTest {

    @Test
    void numbersInEverySpelling() {
        assertEquals(0, Numbers.parseU64("0", "value"));
        assertEquals(255, Numbers.parseU64("0xff", "value"));
        assertEquals(255, Numbers.parseU64("0XFF", "value"));
        assertEquals(5, Numbers.parseU64("0b101", "value"));
        assertEquals(1_000_000, Numbers.parseU64("1_000_000", "value"));
        assertEquals(7, Numbers.parseU64("+7", "value"));
        assertEquals(0xFFFF_FFFF_0000_0000L, Numbers.parseU64("0xFFFF_FFFF_0000_0000", "value"));
        assertEquals(-1L, Numbers.parseU64("0xFFFFFFFFFFFFFFFF", "value"));
    }

    @Test
    void malformedNumbersSayWhatIsWrong() {
        assertEquals("value '0x' is not a number (write decimal, 0x hex or 0b binary)", usage(() -> Numbers.parseU64("0x", "value")));
        assertEquals("value '0b102' is not a number (write decimal, 0x hex or 0b binary)", usage(() -> Numbers.parseU64("0b102", "value")));
        assertEquals("value '1__0' is not a number (write decimal, 0x hex or 0b binary)", usage(() -> Numbers.parseU64("1__0", "value")));
        assertEquals("value '_1' is not a number (write decimal, 0x hex or 0b binary)", usage(() -> Numbers.parseU64("_1", "value")));
        assertEquals("value is empty: give a number (decimal, 0x hex or 0b binary)", usage(() -> Numbers.parseU64(" ", "value")));
        assertTrue(usage(() -> Numbers.parseU64("0b" + "1".repeat(65), "value")).endsWith("is wider than 64 bits (the largest is 0xFFFFFFFFFFFFFFFF)"));
    }

    @Test
    void quotedInputStaysOneLineWithoutTerminalControls() {
        // A value with a newline or an escape sequence printed the raw characters into the message.
        assertEquals("value '\\u0085' is not a number (write decimal, 0x hex or 0b binary)",
                usage(() -> Numbers.parseU64("\n\u0085\n", "value")));
        assertEquals("\\u001B[31mred\\t", Numbers.quoted("\u001B[31mred\t"));
    }

    @Test
    void aNegativeCountOrPortIsGivenItsRangeNotAnAllOnesHint() {
        // --port -1 and sim:-1 suggested "0xFFFFFFFFFFFFFFFF for all ones".
        assertEquals("--port -1 is negative; give a number from 0 to 65535",
                Cli.tool("exporter", "--device", "sim", "--port", "-1").failure(ExitCode.USAGE));
        assertEquals("simulated CPU count -1 is negative; give a number from 1 to 4096",
                Cli.tool("--device", "sim:-1", "cpus").failure(ExitCode.USAGE));
        assertEquals("value -1 is negative; write an unsigned number (e.g. 0xFFFFFFFFFFFFFFFF for all ones)",
                usage(() -> Numbers.parseU64("-1", "value")));
        assertEquals("--port 99999999999999999999999 is above 65535, the most it may be", usage(() -> Numbers.parseAtMost("99999999999999999999999", "--port", 65535)));
    }

    @Test
    void cpuLists() {
        assertEquals(List.of(0, 1, 2, 3, 8), CpuList.parse("0-3,8").cpus());
        assertEquals(List.of(1, 2, 5), CpuList.parse(" 5, 1-2 ,2 ").cpus());
        assertEquals("0-3,8,10-11", CpuList.format(List.of(0, 1, 2, 3, 8, 10, 11)));
        assertEquals("none", CpuList.format(List.of()));
        assertEquals("CPU list '1-x': 'x' is not a CPU number", usage(() -> CpuList.parse("1-x")));
        assertEquals("CPU list '-1': '-1' is not a CPU number", usage(() -> CpuList.parse("-1")));
        assertEquals("the CPU list is empty", usage(() -> CpuList.parse("")));
    }

    @Test
    void bitFields() {
        ValueFormat field = new ValueFormat(ValueFormat.Radix.HEX, 47, 40, false, false);
        assertEquals(0x08, field.extract(0x0000_0800_0000_1800L));
        assertEquals(-1L, new ValueFormat(ValueFormat.Radix.HEX, 63, 0, false, false).extract(-1L));
        assertEquals("1", new ValueFormat(ValueFormat.Radix.UNSIGNED_DECIMAL, 63, 63, false, false).format(Long.MIN_VALUE));
        assertEquals("-1", new ValueFormat(ValueFormat.Radix.SIGNED_DECIMAL, 63, 63, false, false).format(Long.MIN_VALUE));
        assertEquals("-9223372036854775808", new ValueFormat(ValueFormat.Radix.SIGNED_DECIMAL, 63, 0, false, false).format(Long.MIN_VALUE));
        assertEquals("0777777777777777777777", new ValueFormat(ValueFormat.Radix.OCTAL, 63, 0, true, false).format(Long.MAX_VALUE));
        assertEquals("01", new ValueFormat(ValueFormat.Radix.OCTAL, 63, 0, false, true).format(1));
        // rdmsr -c -o prints 0 as "00": its pattern is "0%llo" whatever the value.
        assertEquals("00", new ValueFormat(ValueFormat.Radix.OCTAL, 63, 0, false, true).format(0));
        assertEquals("bit field 'a:1': 'a' is not a bit number 0..63", usage(() -> ValueFormat.parseField("a:1")));
        assertEquals("bit field '15' must be HIGH:LOW, e.g. 15:0", usage(() -> ValueFormat.parseField("15")));
    }

    @Test
    void deviceChoices() {
        assertTrue(DeviceChoice.parse("sim").simulated());
        assertEquals(16, DeviceChoice.parse("sim:16").simulatedCpus());
        assertEquals("./sim", DeviceChoice.parse("./sim").root().toString(), "a directory called sim is still reachable");
        assertEquals("/dev/cpu", DeviceChoice.DEFAULT.root().toString());
    }

    @Test
    void simulatedDeviceVersions() {
        DeviceChoice two = DeviceChoice.parse("sim:2.0.4");
        assertEquals(new io.github.msrsafe.ModuleVersion(2, 0, 4), two.simulatedVersion());
        assertEquals(0, two.simulatedCpus());
        assertEquals("sim:2.0.4", two.toString());
        DeviceChoice both = DeviceChoice.parse("sim:8:2.0");
        assertEquals(8, both.simulatedCpus());
        assertEquals(new io.github.msrsafe.ModuleVersion(2, 0, 0), both.simulatedVersion());
        assertEquals("sim:8:2.0.0", both.toString());
        assertEquals(new io.github.msrsafe.ModuleVersion(1, 7, 0), DeviceChoice.parse("sim:1.7:3").simulatedVersion(),
                "either order: a part with a dot is the version");
        assertEquals(null, DeviceChoice.parse("sim:2").simulatedVersion(), "sim:2 is two CPUs");
        assertEquals(2, DeviceChoice.parse("sim:2").simulatedCpus());
        assertEquals("--device sim:3.0: the simulated device plays msr-safe 1.x or 2.x, not 3.0.0",
                usage(() -> DeviceChoice.parse("sim:3.0")));
        assertEquals("--device sim:2.x: '2.x' is not a module version MAJOR.MINOR[.PATCH] such as 2.0.4",
                usage(() -> DeviceChoice.parse("sim:2.x")));
        assertEquals("--device sim:2.0.4.1: '2.0.4.1' is not a module version MAJOR.MINOR[.PATCH] such as 2.0.4",
                usage(() -> DeviceChoice.parse("sim:2.0.4.1")));
        assertEquals("--device sim:2.0.300: '2.0.300' is not a module version MAJOR.MINOR[.PATCH] such as 2.0.4",
                usage(() -> DeviceChoice.parse("sim:2.0.300")));
        assertEquals("--device sim:2.0:1.8 names two versions", usage(() -> DeviceChoice.parse("sim:2.0:1.8")));
        assertEquals("--device sim:4:8 names two CPU counts", usage(() -> DeviceChoice.parse("sim:4:8")));
        assertEquals("--device sim:4:2.0:x: give at most a CPU count and a version, as sim:CPUS:VERSION (e.g. sim:8:2.0.4)",
                usage(() -> DeviceChoice.parse("sim:4:2.0:x")));
        assertTrue(usage(() -> DeviceChoice.parse("sim::2.0")).contains("simulated CPU count"),
                usage(() -> DeviceChoice.parse("sim::2.0")));
        assertTrue(usage(() -> DeviceChoice.parse("sim:99999999999999999999:2.0")).contains("simulated CPU count"));
    }

    @Test
    void tablesAlignColumns() {
        Table table = new Table(">#", "NAME", "NOTE");
        table.add(1, "a", "x");
        table.add(10, "long name", "");
        assertEquals(" #  NAME       NOTE\n 1  a          x\n10  long name\n", table.render());
    }

    private static String usage(org.junit.jupiter.api.function.Executable parse) {
        CliException e = assertThrows(CliException.class, parse);
        assertEquals(ExitCode.USAGE, e.exitCode());
        return e.getMessage();
    }
}
