package io.github.msrsafe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/module-info.md stays true: its export table names every package module-info.java
 * exports, and the native-access warning it quotes is what the JDK running the build prints
 * when the library links the C library on the module path without the flag.
 */
class ModuleInfoDocTest {

    private static final Path DOC = Path.of("..", "docs", "module-info.md");
    private static final Path MODULE_INFO = Path.of("src", "main", "java", "module-info.java");
    private static final Path LIBRARY = Path.of("target", "classes").toAbsolutePath();
    private static final Pattern LOCATION = Pattern.compile("\\(file:[^)]*\\)");

    @TempDir
    Path work;

    @Test
    void theExportTableListsEveryExportedPackage() throws IOException {
        List<String> exported = new ArrayList<>();
        Matcher export = Pattern.compile("(?m)^\\s*exports\\s+([\\w.]+)\\s*;").matcher(Files.readString(MODULE_INFO));
        while (export.find()) {
            exported.add(export.group(1));
        }
        String doc = Files.readString(DOC);
        int table = doc.indexOf("<!-- doc-test: exports");
        assertTrue(table >= 0, "module-info.md lost its export table marker");
        List<String> listed = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| `([\\w.]+)` \\|").matcher(doc.substring(table, doc.indexOf("\n\n", table)));
        while (row.find()) {
            listed.add(row.group(1));
        }
        assertEquals(exported, listed);
    }

    @Test
    void theQuotedWarningIsWhatTheJdkPrints() throws Exception {
        String doc = Files.readString(DOC);
        int marker = doc.indexOf("<!-- doc-test: jdk-warning -->");
        assertTrue(marker >= 0, "module-info.md lost its jdk-warning block");
        int start = doc.indexOf("```text\n", marker) + "```text\n".length();
        String quoted = doc.substring(start, doc.indexOf("```", start));

        Path root = Files.createDirectories(work.resolve("dev/0"));
        Files.createFile(root.resolve("msr_safe"));
        Files.createFile(root.resolveSibling("msr_batch"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        Path source = Files.writeString(work.resolve("Open.java"), """
                public class Open {
                    public static void main(String[] args) throws Exception {
                        io.github.msrsafe.MsrSafe.open(java.nio.file.Path.of(args[0])).close();
                    }
                }
                """);
        StringWriter diagnostics = new StringWriter();
        PrintWriter out = new PrintWriter(diagnostics);
        int compiled = ToolProvider.findFirst("javac").orElseThrow().run(out, out, "-d", classes.toString(),
                "--module-path", LIBRARY.toString(), "--add-modules", "io.github.msrsafe", source.toString());
        assertEquals(0, compiled, diagnostics.toString());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "--module-path", LIBRARY.toString(), "--add-modules",
                "io.github.msrsafe", "-cp", classes.toString(), "Open", root.getParent().toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String printed = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the JVM did not finish");
        assertEquals(0, process.exitValue(), printed);
        assertEquals(LOCATION.matcher(quoted.strip()).replaceAll("(file:LOCATION)"),
                LOCATION.matcher(printed.strip()).replaceAll("(file:LOCATION)"),
                "the JDK at " + java + " prints another warning than docs/module-info.md quotes");
    }
}
