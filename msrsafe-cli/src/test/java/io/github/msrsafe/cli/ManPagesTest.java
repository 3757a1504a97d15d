package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The man pages in docs/man are {@link ManPages} output (troff, one page per command) for
 * the commands as they are. This test fails when they are stale;
 * {@code -Dmsrsafe.man.update=true} rewrites them:
 * {@snippet lang=shell :
 * ./mvnw -B -q -pl msrsafe-cli -am verify -Dtest=ManPagesTest -Dsurefire.failIfNoSpecifiedTests=false -Dmsrsafe.man.update=true
 * }
 */
class ManPagesTest {

    private static final Path MAN_DIR = Path.of(System.getProperty("msrsafe.man.dir"));
    private static final Path PROJECT = Path.of("..");
    private static final boolean UPDATE = Boolean.getBoolean("msrsafe.man.update");
    private static final String REGENERATE = "./mvnw -B -q -pl msrsafe-cli -am verify -Dtest=ManPagesTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dmsrsafe.man.update=true";

    @Test
    void committedManPagesMatchTheCommands() throws IOException {
        Map<String, String> pages = ManPages.pages();
        assertTrue(pages.containsKey("msrsafe.1") && pages.containsKey("msrsafe-allowlist-lint.1"), pages.keySet().toString());
        if (UPDATE) {
            Files.createDirectories(MAN_DIR);
            try (Stream<Path> old = Files.list(MAN_DIR)) {
                for (Path file : old.filter(file -> file.toString().matches(".*\\.(1|adoc)")).toList()) {
                    Files.delete(file);
                }
            }
            for (Map.Entry<String, String> page : pages.entrySet()) {
                Files.writeString(MAN_DIR.resolve(page.getKey()), page.getValue(), StandardCharsets.UTF_8);
            }
        }
        List<String> committed;
        try (Stream<Path> files = Files.list(MAN_DIR)) {
            committed = files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".1")).sorted().toList();
        }
        assertEquals(List.copyOf(pages.keySet()), committed, "docs/man has a page per command and no other; regenerate: " + REGENERATE);
        for (Map.Entry<String, String> page : pages.entrySet()) {
            assertEquals(page.getValue(), Files.readString(MAN_DIR.resolve(page.getKey()), StandardCharsets.UTF_8),
                    "docs/man/" + page.getKey() + " is stale; regenerate: " + REGENERATE);
        }
    }

    @Test
    void pagesHaveTheSectionsOfAManPage() {
        Map<String, String> pages = ManPages.pages();
        for (Map.Entry<String, String> page : pages.entrySet()) {
            for (String section : List.of("NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "ENVIRONMENT", "SEE ALSO")) {
                assertTrue(page.getValue().contains("\n.SH " + section + "\n"), page.getKey() + " has no " + section);
            }
            assertTrue(page.getValue().contains("MSRSAFE_JAVA_OPTS"), page.getKey());
        }
        String read = pages.get("msrsafe-read.1");
        assertTrue(read.contains("\\fB\\-f\\fR, \\fB\\-\\-bitfield\\fR=\\fIHIGH:LOW\\fR"), "options with their values:\n" + read);
        assertTrue(read.contains(".SH EXAMPLES") && read.contains(".SH FILES") && read.contains("/dev/cpu/msr_batch"), read);
        // Each command's own statuses: read can fail on some CPUs (3), never with lint findings (1) or a damaged state file (12).
        assertTrue(read.contains("\\fB3\\fR\nsome operations failed"), read);
        assertFalse(read.contains("\\fB1\\fR\n"), read);
        assertFalse(read.contains("\\fB12\\fR\n"), read);
        String lint = pages.get("msrsafe-allowlist-lint.1");
        assertTrue(lint.contains("\\fB1\\fR\nallowlist lint found problems"), lint);
        assertFalse(lint.contains("/dev/cpu/msr_batch"), "lint opens no device: " + lint);
        String root = pages.get("msrsafe.1");
        for (ExitCode code : ExitCode.values()) {
            assertTrue(root.contains("\\fB" + code.status() + "\\fR\n"), "the root page lists " + code);
        }
        assertTrue(root.contains(".SH COMMANDS") && root.contains("\\fBmsrsafe\\-allowlist\\fR(1)"), root);
    }

    /** Every example on a page runs as printed (on the simulated device, or on files), with its stated exit status. */
    @Test
    void examplesRunAsPrinted(@TempDir Path temp) {
        List<ManPageSections.Example> examples = new ArrayList<>(ManPageSections.allExamples());
        // save before restore: the restore example reads what the save example wrote.
        examples.sort(Comparator.comparing(example -> example.commandLine().contains(" restore ")));
        int ran = 0;
        for (ManPageSections.Example example : examples) {
            if (!example.commandLine().startsWith("msrsafe ")) {
                continue;
            }
            List<String> args = new ArrayList<>();
            for (String word : example.commandLine().substring("msrsafe ".length()).split(" ")) {
                if (word.startsWith("/tmp/")) {
                    args.add(temp.resolve(word.substring("/tmp/".length())).toString());
                } else if (!word.startsWith("-") && word.contains("/") && Files.exists(PROJECT.resolve(word))) {
                    args.add(PROJECT.resolve(word).toString());
                } else {
                    args.add(word);
                }
            }
            Cli.Result result = Cli.tool(args.toArray(String[]::new));
            assertEquals(example.status(), result.status(), example.commandLine() + "\n" + result.out() + result.err());
            ran++;
        }
        assertTrue(ran > 10, "examples run: " + ran);
    }

    /** man(1) renders every page without a warning. Needs man-db (.ci/run installs it). */
    @Test
    void manRendersEveryPage() throws IOException, InterruptedException {
        Path man = Path.of("/usr/bin/man");
        assumeTrue(Files.isExecutable(man), "man is not installed (apt-get install man-db); pages not rendered");
        for (Map.Entry<String, String> page : ManPages.pages().entrySet()) {
            Path file = MAN_DIR.resolve(page.getKey());
            ProcessBuilder builder = new ProcessBuilder(man.toString(), "--warnings", "-E", "UTF-8", "-l", file.toString());
            builder.environment().put("MANWIDTH", "100");
            builder.environment().put("MANPAGER", "cat");
            builder.environment().put("MAN_KEEP_FORMATTING", "");
            Process process = builder.start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "man did not finish");
            assertEquals(0, process.exitValue(), page.getKey() + ": " + err);
            assertEquals("", err, page.getKey() + ": man warns");
            String plain = out.replaceAll(".\b", "");
            assertTrue(plain.contains("EXIT STATUS") && plain.contains("ENVIRONMENT"), page.getKey() + ":\n" + plain);
        }
    }
}
