package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpAndToolTest {

    @Test
    void theToolIsFoundByName() {
        ToolProvider tool = ToolProvider.findFirst("msrsafe").orElseThrow(() -> new AssertionError("no ToolProvider named msrsafe"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, tool.run(new PrintWriter(out), new PrintWriter(err), "--device", "sim", "read", "-f", "15:8", "0xCE"));
        assertEquals("18\n", out.toString());
        assertEquals("", err.toString());
    }

    /** Every command, as its full name ("msrsafe allowlist show"). */
    static List<String> commands() {
        List<String> names = new ArrayList<>();
        CommandLine root = MsrSafeTool.commandLine(new ByteArrayInputStream(new byte[0]), MsrSafeCommand::standardSimulator,
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        for (CommandLine command : MsrSafeTool.allCommands(root)) {
            names.add(command.getCommandSpec().qualifiedName());
        }
        return names;
    }

    @Test
    void everyCommandHasHelp() {
        List<String> names = commands();
        assertTrue(names.containsAll(List.of("msrsafe read", "msrsafe write", "msrsafe batch", "msrsafe allowlist show",
                "msrsafe allowlist install", "msrsafe allowlist clear", "msrsafe version", "msrsafe cpus",
                "msrsafe latency", "msrsafe completion")), names.toString());
        for (String name : names) {
            List<String> args = new ArrayList<>(List.of(name.split(" ")).subList(1, name.split(" ").length));
            args.add("--help");
            Cli.Result result = Cli.tool(args.toArray(String[]::new)).ok();
            assertTrue(result.out().startsWith(headerOf(name)), name + ":\n" + result.out());
            assertTrue(result.out().contains("Usage: " + name), name);
            assertTrue(result.out().contains("Exit status:\n    0   success"), name);
        }
    }

    private static String headerOf(String name) {
        return switch (name) {
            case "msrsafe" -> "Read and write model-specific registers";
            case "msrsafe read" -> "Read an MSR";
            default -> "";
        };
    }

    @Test
    void noCommandIsAUsageError() {
        assertEquals("no command given; see 'msrsafe --help' for the commands", Cli.tool().failure(ExitCode.USAGE));
        String unknown = Cli.tool("frobnicate").failure(ExitCode.USAGE);
        assertTrue(unknown.contains("frobnicate") && unknown.endsWith("(see 'msrsafe --help')"), unknown);
    }

    @Test
    void debugAddsTheStackTrace() {
        Cli.Result quiet = Cli.tool("--device", "sim", "read", "-p", "9", "0x10");
        assertEquals(1, quiet.err().lines().count());
        Cli.Result loud = Cli.tool("--debug", "--device", "sim", "read", "-p", "9", "0x10");
        assertEquals(ExitCode.CPU_UNAVAILABLE.status(), loud.status());
        assertTrue(loud.err().lines().count() > 3, loud.err());
        assertTrue(loud.err().contains("\tat io.github.msrsafe"), loud.err());
    }

    @Test
    void globalOptionsWorkAfterTheCommandToo() {
        assertEquals("18\n", Cli.tool("read", "--device", "sim", "-f", "15:8", "0xCE").ok().out());
        assertTrue(Cli.tool("allowlist", "show", "--device", "sim").ok().out().startsWith("#MSR"));
    }

    @Test
    void exitCodesAreDistinct() {
        assertEquals(ExitCode.values().length,
                java.util.Arrays.stream(ExitCode.values()).mapToInt(ExitCode::status).distinct().count());
        assertEquals(2, ExitCode.USAGE.status());
        assertEquals(0, ExitCode.OK.status());
    }
}
