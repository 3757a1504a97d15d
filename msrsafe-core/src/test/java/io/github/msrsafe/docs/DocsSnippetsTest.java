package io.github.msrsafe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Java of README.md and docs/*.md against this build, so the documentation
 * cannot drift from the code. A fenced block is tested when an HTML comment right
 * before it says how:
 * <ul>
 * <li>{@code <!-- doc-test: snippet -->}: statements, compiled inside a {@code main}
 *     with the library's packages imported, and run on the class path. With
 *     {@code ; open=simulated}, every {@code MsrSafe.open()} is replaced by
 *     {@code SimulatedDevice.standard().open()} first (this machine has no msr_safe);
 *     the marker in the document says so.</li>
 * <li>{@code <!-- doc-test: file PATH -->}: a source file of the document's example
 *     project; the files together are compiled as a module against the library.</li>
 * <li>{@code <!-- doc-test: command -->}: a {@code java ...} command line, run with the
 *     library's jar name standing for its classes and {@code powertool.jar} for the
 *     example project's.</li>
 * <li>{@code <!-- doc-test: output -->}: what the snippet or command before it prints,
 *     exactly; then nothing may appear on standard error either (a misspelled
 *     {@code --enable-native-access} module makes the JVM warn there).</li>
 * <li>{@code <!-- doc-test: dependency -->}: a Maven or Gradle dependency, whose
 *     coordinates must be this build's.</li>
 * </ul>
 */
class DocsSnippetsTest {

    private static final Path ROOT = Path.of("..");
    private static final Path LIBRARY = Path.of("target", "classes").toAbsolutePath();
    private static final Pattern MARKER = Pattern.compile("^<!-- doc-test: (.*?)\\s*-->$");
    private static final Pattern LIBRARY_JAR = Pattern.compile("msrsafe-core-([0-9][^:/\\s]*)\\.jar");
    private static final String IMPORTS = """
            import io.github.msrsafe.*;
            import io.github.msrsafe.allowlist.*;
            import io.github.msrsafe.registers.*;
            import io.github.msrsafe.save.*;
            import java.nio.file.*;
            import java.util.*;
            """;

    /** The documents with tested blocks, and the kinds each must keep (so a lost marker fails too). */
    private static final List<Document> DOCUMENTS = List.of(
            new Document("README.md", List.of("dependency", "snippet")),
            new Document("docs/getting-started.md", List.of("dependency", "file", "command", "output", "snippet")),
            new Document("docs/simulated-device.md", List.of("snippet")));

    record Document(String path, List<String> requiredKinds) {}

    /** One marked block: its kind, the marker's options, its text and where it starts. */
    record Block(String kind, List<String> options, String text, int line) {
        String where(String document) {
            return document + ":" + line;
        }
    }

    @TempDir
    Path work;

    @Test
    void everyDocumentKeepsItsTestedBlocks() throws IOException {
        for (Document document : DOCUMENTS) {
            List<String> kinds = blocks(document.path()).stream().map(Block::kind).distinct().toList();
            for (String required : document.requiredKinds()) {
                assertTrue(kinds.contains(required), document.path() + " has no doc-test " + required + " block");
            }
        }
    }

    @Test
    void dependencySnippetsNameThisBuild() throws IOException {
        String version = projectVersion();
        int checked = 0;
        for (Document document : DOCUMENTS) {
            for (Block block : blocks(document.path())) {
                if (!block.kind().equals("dependency")) {
                    continue;
                }
                String text = block.text();
                boolean maven = text.contains("<groupId>io.github.msrsafe</groupId>")
                        && text.contains("<artifactId>msrsafe-core</artifactId>")
                        && text.contains("<version>" + version + "</version>");
                boolean gradle = text.contains("\"io.github.msrsafe:msrsafe-core:" + version + "\"");
                assertTrue(maven || gradle, block.where(document.path()) + ": not io.github.msrsafe:msrsafe-core:"
                        + version + "\n" + text);
                checked++;
            }
        }
        assertTrue(checked >= 3, "only " + checked + " dependency blocks found");
    }

    @TestFactory
    Stream<DynamicTest> snippetsRunAsDocumented() throws IOException {
        Path javac = jdkTool("javac");
        Path java = jdkTool("java");
        List<DynamicTest> tests = new ArrayList<>();
        for (Document document : DOCUMENTS) {
            List<Block> blocks = blocks(document.path());
            for (int i = 0; i < blocks.size(); i++) {
                Block block = blocks.get(i);
                if (!block.kind().equals("snippet")) {
                    continue;
                }
                Block output = i + 1 < blocks.size() && blocks.get(i + 1).kind().equals("output") ? blocks.get(i + 1) : null;
                String name = block.where(document.path());
                tests.add(DynamicTest.dynamicTest(name, () -> runSnippet(javac, java, name, block, output)));
            }
        }
        assertFalse(tests.isEmpty(), "no doc-test snippets found");
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> exampleProjectBuildsAndRunsAsDocumented() throws Exception {
        Path javac = jdkTool("javac");
        Path java = jdkTool("java");
        List<DynamicTest> tests = new ArrayList<>();
        for (Document document : DOCUMENTS) {
            List<Block> blocks = blocks(document.path());
            List<Block> files = blocks.stream().filter(block -> block.kind().equals("file")).toList();
            if (files.isEmpty()) {
                continue;
            }
            Path classes = work.resolve("example-" + tests.size());
            compileExample(javac, document.path(), files, classes);
            for (int i = 0; i < blocks.size(); i++) {
                Block block = blocks.get(i);
                if (!block.kind().equals("command")) {
                    continue;
                }
                Block output = i + 1 < blocks.size() && blocks.get(i + 1).kind().equals("output") ? blocks.get(i + 1) : null;
                String name = block.where(document.path());
                tests.add(DynamicTest.dynamicTest(name, () -> runCommand(java, name, block, classes, output)));
            }
        }
        assertFalse(tests.isEmpty(), "no doc-test commands found");
        return tests.stream();
    }

    // ---- snippets ----

    private void runSnippet(Path javac, Path java, String name, Block block, Block output) throws Exception {
        String code = block.text();
        if (block.options().contains("open=simulated")) {
            assertTrue(code.contains("MsrSafe.open()"), name + " says open=simulated but never calls MsrSafe.open()");
            code = code.replace("MsrSafe.open()", "SimulatedDevice.standard().open()");
        }
        Path sources = Files.createDirectories(work.resolve("snippet-src"));
        Path classes = Files.createDirectories(work.resolve("snippet-classes"));
        String source = IMPORTS + "\npublic class DocSnippet {\n    public static void main(String[] args) throws Exception {\n"
                + code.indent(8) + "    }\n}\n";
        Path file = Files.writeString(sources.resolve("DocSnippet.java"), source);
        Result compiled = run(List.of(javac.toString(), "-proc:none", "-d", classes.toString(),
                "--class-path", LIBRARY.toString(), file.toString()));
        assertEquals(0, compiled.status(), name + " does not compile:\n" + compiled.stderr() + "\n--- as compiled ---\n" + source);
        Result ran = run(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "--class-path", classes + File.pathSeparator + LIBRARY, "DocSnippet"));
        assertEquals(0, ran.status(), name + " failed:\n" + ran.stderr());
        checkOutput(name, ran, output);
    }

    // ---- the example project and its commands ----

    private static void compileExample(Path javac, String document, List<Block> files, Path classes) throws Exception {
        Path sources = Files.createDirectories(classes.resolveSibling(classes.getFileName() + "-src"));
        List<String> command = new ArrayList<>(List.of(javac.toString(), "-proc:none", "-d", classes.toString(),
                "--module-path", LIBRARY.toString()));
        for (Block file : files) {
            String path = file.options().get(0).substring("file ".length()).strip();
            Path target = sources.resolve(path);
            Files.createDirectories(target.getParent() == null ? sources : target.getParent());
            Files.writeString(target, file.text());
            command.add(target.toString());
        }
        assertTrue(command.stream().anyMatch(arg -> arg.endsWith("module-info.java")),
                document + ": the example project has no module-info.java, so the module-path command cannot run");
        Result compiled = run(command);
        assertEquals(0, compiled.status(), document + ": the example project does not compile:\n" + compiled.stderr());
    }

    private void runCommand(Path java, String name, Block block, Path example, Block output) throws Exception {
        String line = block.text().replace("\\\n", " ").strip();
        assertFalse(line.contains("\n"), name + ": one command per block");
        List<String> words = new ArrayList<>(Arrays.asList(line.split("\\s+")));
        assertEquals("java", words.get(0), name + ": the command is not a java command");
        words.set(0, java.toString());
        String version = projectVersion();
        for (int i = 1; i < words.size(); i++) {
            Matcher jar = LIBRARY_JAR.matcher(words.get(i));
            while (jar.find()) {
                assertEquals(version, jar.group(1), name + ": the library jar is named for another version");
            }
            words.set(i, LIBRARY_JAR.matcher(words.get(i)).replaceAll(Matcher.quoteReplacement(LIBRARY.toString()))
                    .replace("powertool.jar", example.toString()));
        }
        Result ran = run(words);
        assertEquals(0, ran.status(), name + " failed:\n" + ran.stderr());
        checkOutput(name, ran, output);
    }

    private static void checkOutput(String name, Result ran, Block output) {
        if (output == null) {
            return;
        }
        assertEquals(output.text().strip(), ran.stdout().strip(), name + ": the output is not what the document shows");
        assertEquals("", ran.stderr().strip(), name + ": printed on standard error");
    }

    // ---- reading the documents ----

    private static List<Block> blocks(String document) throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve(document), StandardCharsets.UTF_8);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher marker = MARKER.matcher(lines.get(i).strip());
            if (!marker.matches()) {
                continue;
            }
            // "snippet; open=simulated (a note for readers)": the kind, then options; notes are dropped.
            List<String> options = Arrays.stream(marker.group(1).replaceAll("\\s*\\(.*\\)$", "").split(";"))
                    .map(String::strip).filter(option -> !option.isEmpty()).collect(Collectors.toList());
            String kind = options.get(0).split(" ")[0];
            int fence = i + 1;
            while (fence < lines.size() && lines.get(fence).isBlank()) {
                fence++;
            }
            if (fence >= lines.size() || !lines.get(fence).startsWith("```")) {
                fail(document + ":" + (i + 1) + ": a doc-test marker must be followed by a fenced block");
            }
            int end = fence + 1;
            while (end < lines.size() && !lines.get(end).startsWith("```")) {
                end++;
            }
            String text = String.join("\n", lines.subList(fence + 1, end)) + "\n";
            blocks.add(new Block(kind, options, text, fence + 2));
            i = end;
        }
        return blocks;
    }

    private static String projectVersion() {
        String version = System.getProperty("msrsafe.version");
        assumeTrue(version != null && !version.isBlank(), "msrsafe.version is set by the build (surefire)");
        return version;
    }

    private static Path jdkTool(String name) {
        Path tool = Path.of(System.getProperty("java.home"), "bin", name);
        assumeTrue(Files.isExecutable(tool), "no " + name + " in " + System.getProperty("java.home"));
        return tool;
    }

    record Result(int status, String stdout, String stderr) {}

    private static Result run(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JAVA_TOOL_OPTIONS"); // it would print "Picked up ..." on stderr
        builder.environment().remove("JDK_JAVA_OPTIONS");
        Process process = builder.start();
        process.getOutputStream().close();
        // Read stderr on another thread so that neither pipe can fill up and block the process.
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(stderr unreadable: " + e + ")";
            }
        });
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "did not finish: " + command);
        return new Result(process.exitValue(), stdout, stderr.get());
    }
}
