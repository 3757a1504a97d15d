package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * The man pages in docs/man are picocli-codegen's ManPageGenerator output (AsciiDoc, one
 * page per command) for the commands as they are. This test fails when they are stale;
 * {@code -Dmsrsafe.man.update=true} rewrites them:
 * {@snippet lang=shell :
 * ./mvnw -B -q -pl msrsafe-cli -am verify -Dtest=ManPagesTest -Dsurefire.failIfNoSpecifiedTests=false -Dmsrsafe.man.update=true
 * }
 */
class ManPagesTest {

    private static final Path MAN_DIR = Path.of(System.getProperty("msrsafe.man.dir"));
    private static final boolean UPDATE = Boolean.getBoolean("msrsafe.man.update");
    private static final String REGENERATE = "./mvnw -B -q -pl msrsafe-cli -am verify -Dtest=ManPagesTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dmsrsafe.man.update=true";

    /** The page of every command, by file name (msrsafe-allowlist-show.adoc). */
    static Map<String, String> pages() {
        CommandLine root = MsrSafeTool.commandLine(new ByteArrayInputStream(new byte[0]), MsrSafeCommand::standardSimulator,
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        Map<String, String> pages = new TreeMap<>();
        for (CommandLine command : MsrSafeTool.allCommands(root)) {
            StringWriter page = new StringWriter();
            try (PrintWriter writer = new PrintWriter(page)) {
                ManPageGenerator.writeSingleManPage(writer, command.getCommandSpec());
            }
            pages.put(command.getCommandSpec().qualifiedName("-") + ".adoc", page.toString().replace("\r\n", "\n"));
        }
        return pages;
    }

    @Test
    void committedManPagesMatchTheCommands() throws IOException {
        Map<String, String> pages = pages();
        assertTrue(pages.containsKey("msrsafe.adoc") && pages.containsKey("msrsafe-allowlist-lint.adoc"), pages.keySet().toString());
        if (UPDATE) {
            Files.createDirectories(MAN_DIR);
            try (Stream<Path> old = Files.list(MAN_DIR)) {
                for (Path file : old.filter(file -> file.toString().endsWith(".adoc")).toList()) {
                    Files.delete(file);
                }
            }
            for (Map.Entry<String, String> page : pages.entrySet()) {
                Files.writeString(MAN_DIR.resolve(page.getKey()), page.getValue(), StandardCharsets.UTF_8);
            }
        }
        List<String> committed;
        try (Stream<Path> files = Files.list(MAN_DIR)) {
            committed = files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".adoc")).sorted().toList();
        }
        assertEquals(List.copyOf(pages.keySet()), committed, "docs/man has a page per command and no other; regenerate: " + REGENERATE);
        for (Map.Entry<String, String> page : pages.entrySet()) {
            assertEquals(page.getValue(), Files.readString(MAN_DIR.resolve(page.getKey()), StandardCharsets.UTF_8),
                    "docs/man/" + page.getKey() + " is stale; regenerate: " + REGENERATE);
        }
    }

    @Test
    void pagesDescribeOptionsAndExitStatus() {
        String read = pages().get("msrsafe-read.adoc");
        assertTrue(read.contains("msrsafe-read"), read);
        assertTrue(read.contains("--bitfield"), "options are documented");
        assertTrue(read.contains("Exit status") || read.contains("EXIT STATUS"), "exit statuses are documented");
    }
}
