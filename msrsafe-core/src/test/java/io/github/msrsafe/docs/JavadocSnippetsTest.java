package io.github.msrsafe.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.io.PrintWriter;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java snippets in the library's javadoc ({@code {@snippet lang=java : ...}}) compile
 * against this build, and run on the simulated device: {@code MsrSafe.open()} stands for
 * {@code SimulatedDevice.standard().open()}, and a snippet that uses a handle {@code msr}
 * without opening one gets one. Snippets that touch files ({@code Path.of}) or exit the JVM
 * are only compiled. So the javadoc cannot show an API that no longer exists, nor misuse
 * one that does (reading a batch value without looking at the outcome throws here).
 */
class JavadocSnippetsTest {

    private static final Path SOURCES = Path.of("src", "main", "java");
    private static final Path LIBRARY = Path.of("target", "classes").toAbsolutePath();
    private static final String OPENING = "{@snippet lang=java :";
    private static final String IMPORTS = """
            import io.github.msrsafe.*;
            import io.github.msrsafe.allowlist.*;
            import io.github.msrsafe.allowlist.lint.*;
            import io.github.msrsafe.registers.*;
            import io.github.msrsafe.save.*;
            import io.github.msrsafe.telemetry.*;
            import java.nio.file.*;
            import java.util.*;
            import java.util.concurrent.atomic.*;
            """;

    record Snippet(String where, String code) {}

    @TempDir
    Path work;

    @TestFactory
    Stream<DynamicTest> javadocSnippetsCompileAndRun() throws IOException {
        List<Snippet> snippets = snippets();
        assertTrue(snippets.size() >= 10, "only " + snippets.size() + " javadoc snippets found");
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < snippets.size(); i++) {
            Snippet snippet = snippets.get(i);
            String className = "JavadocSnippet" + i;
            tests.add(DynamicTest.dynamicTest(snippet.where(), () -> compileAndRun(className, snippet)));
        }
        return tests.stream();
    }

    private static List<Snippet> snippets() throws IOException {
        List<Snippet> snippets = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java") && !p.toString().contains("internal"))
                    .sorted().toList()) {
                String text = Files.readString(file);
                for (int start = text.indexOf(OPENING); start >= 0; start = text.indexOf(OPENING, start + 1)) {
                    // An inline snippet ends at the brace that balances its opening one, as javadoc reads it.
                    int depth = 1;
                    int end = start + 1;
                    for (; depth > 0; end++) {
                        char c = text.charAt(end);
                        depth += c == '{' ? 1 : c == '}' ? -1 : 0;
                    }
                    String inner = text.substring(start + OPENING.length(), end - 1);
                    String code = inner.lines().map(line -> line.replaceFirst("^\\s*\\* ?", ""))
                            .reduce((a, b) -> a + "\n" + b).orElse("");
                    int line = (int) text.substring(0, start).lines().count() + 1;
                    snippets.add(new Snippet(SOURCES.relativize(file) + ":" + line, code));
                }
            }
        }
        return snippets;
    }

    private void compileAndRun(String className, Snippet snippet) throws Exception {
        String code = snippet.code().replace("MsrSafe.open()", "SimulatedDevice.standard().open()");
        boolean needsHandle = Pattern.compile("\\bmsr\\.").matcher(code).find()
                && !Pattern.compile("MsrSafe msr =|var msr =").matcher(code).find();
        String body = (needsHandle ? "MsrSafe msr = SimulatedDevice.standard().open();\n" : "") + code;
        String source = IMPORTS + "\npublic class " + className + " {\n"
                + "    public static void main(String[] args) throws Exception {\n" + body + "\n    }\n}\n";
        Path dir = Files.createDirectories(work.resolve(className));
        Path file = Files.writeString(dir.resolve(className + ".java"), source);
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(() -> new AssertionError("no javac in this JDK"));
        StringWriter diagnostics = new StringWriter();
        PrintWriter writer = new PrintWriter(diagnostics);
        boolean compiled = javac.run(writer, writer, "-proc:none", "-d", dir.toString(), "--class-path",
                LIBRARY.toString(), file.toString()) == 0;
        assertTrue(compiled, snippet.where() + " does not compile:\n" + diagnostics + "\n" + source);
        boolean compileOnly = code.contains("Path.of(") || code.contains("System.exit(")
                || code.contains("ToolProvider");
        if (compileOnly) {
            return;
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL(), LIBRARY.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Method main = loader.loadClass(className).getMethod("main", String[].class);
            try {
                main.invoke(null, (Object) new String[0]);
            } catch (InvocationTargetException e) {
                Throwable thrown = e.getCause();
                // A snippet may show an exception being thrown on purpose ("throws MsrNotAllowedException").
                boolean documented = snippet.code().contains("throws " + thrown.getClass().getSimpleName());
                assertTrue(documented, snippet.where() + " threw " + thrown);
            }
        }
        assertFalse(code.isBlank(), snippet.where());
    }
}
