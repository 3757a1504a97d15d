package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class CommandTreeTest {

    private static List<CommandTree.Node> nodes() {
        List<CommandTree.Node> all = new ArrayList<>();
        ArrayDeque<CommandTree.Node> pending = new ArrayDeque<>(List.of(CommandTree.ROOT));
        while (!pending.isEmpty()) {
            CommandTree.Node node = pending.removeFirst();
            all.add(node);
            pending.addAll(node.children());
        }
        return all;
    }

    /** The qualified names of the commands built for {@code args}. */
    private static List<String> built(String... args) {
        CommandLine root = CommandTree.forArguments(new MsrSafeCommand(new ByteArrayInputStream(new byte[0]),
                MsrSafeCommand::standardSimulator, null), args);
        return MsrSafeTool.allCommands(root).stream().map(command -> command.getCommandSpec().qualifiedName()).toList();
    }

    @Test
    void namesAreTheAnnotatedNames() {
        for (CommandTree.Node node : nodes()) {
            Command command = node.type().getAnnotation(Command.class);
            assertEquals(command.name(), node.name(), node.type().getName());
            assertEquals(0, command.subcommands().length,
                    node.type().getName() + " lists subcommands in its annotation: list them in CommandTree instead");
        }
    }

    @Test
    void everyExitStatusBelongsToSomeCommand() {
        Set<ExitCode> used = EnumSet.noneOf(ExitCode.class);
        nodes().stream().filter(node -> node != CommandTree.ROOT).forEach(node -> used.addAll(node.statuses()));
        assertEquals(EnumSet.allOf(ExitCode.class), used,
                "each ExitCode must be listed by the commands that can return it (CommandTree)");
        assertEquals(EnumSet.allOf(ExitCode.class), CommandTree.ROOT.statuses());
    }

    @Test
    void aRunBuildsOnlyThePathToItsCommand() {
        assertEquals(List.of("msrsafe", "msrsafe allowlist", "msrsafe allowlist lint"), built("allowlist", "lint", "allowlists"));
        assertEquals(List.of("msrsafe", "msrsafe read"), built("--device", "sim", "read", "-a", "0x10"));
        assertEquals(List.of("msrsafe", "msrsafe read"), built("--debug", "--device=sim", "read", "allowlist"));
        assertEquals(List.of("msrsafe", "msrsafe allowlist", "msrsafe allowlist show"),
                built("allowlist", "--device", "sim", "show"));
    }

    @Test
    void helpAnUnknownCommandAndCompletionBuildEverything() {
        int all = nodes().size();
        assertEquals(all, built().size());
        assertEquals(all, built("--help").size());
        assertEquals(all, built("frobnicate").size());
        assertEquals(all, built("--device", "sim", "completion").size());
        // 'allowlist --help' lists the allowlist commands: all of them, and no other command.
        assertEquals(List.of("msrsafe", "msrsafe allowlist", "msrsafe allowlist show", "msrsafe allowlist install",
                "msrsafe allowlist clear", "msrsafe allowlist lint", "msrsafe allowlist select"), built("allowlist", "--help"));
    }

    @Test
    void eachCommandsHelpListsItsOwnExitStatuses() {
        String lint = Cli.tool("allowlist", "lint", "--help").ok().out();
        assertTrue(lint.contains("    1   allowlist lint found problems"), lint);
        assertFalse(lint.contains("   11   restore"), lint);
        assertFalse(lint.contains("    4   "), "lint opens no device:\n" + lint);
        String restore = Cli.tool("restore", "--help").ok().out();
        assertTrue(restore.contains("   11   restore:") && restore.contains("    4   the allowlist"), restore);
        assertFalse(restore.contains("    1   allowlist lint"), restore);
        String root = Cli.tool("--help").ok().out();
        for (ExitCode code : ExitCode.values()) {
            assertTrue(root.contains(String.format("%5d   ", code.status())), code + " on the root page");
        }
    }

    @Test
    void theExporterSaysWhichModuleIsMissingInsteadOfFailingLater() {
        // The tests run with the exporter's modules added, as the launchers add them.
        assertTrue(ExporterModules.missing().isEmpty(), ExporterModules.missing().toString());
    }
}
