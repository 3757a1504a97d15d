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
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output the docs show for msrsafe commands ({@code ```console} blocks of README.md,
 * docs/cli.md and docs/allowlists.md) is what the command prints. Each {@code $ msrsafe ...}
 * or {@code $ bin/msrsafe ...} line runs in-process, as bin/msrsafe runs it (a fresh simulated
 * device for each {@code --device sim}), from the repository root: its stdout, then its stderr
 * (as a terminal shows a message after a table), then {@code [exit status N]} unless 0, are
 * compared with the lines the page shows. Output that changes from run to run (counter values,
 * times: found by running the command twice) is compared with every number masked, so its
 * words, columns and number of lines still have to match.
 *
 * <p>Not run: commands of other programs ({@code tar}, {@code cat}, {@code man}), msrsafe piped
 * into them ({@code | od}, {@code > file}), the timing demo {@code latency} and {@code stat}
 * (load decides their numbers, and even whether a batch wins on the simulator), commands on a
 * device tree of sparse files that a shell line of the page builds, and the pages
 * of the telemetry commands (docs/telemetry.md). {@code rm FILE} is carried out, since the
 * next command's output depends on it. README's "Install the command" shows a release's
 * version: {@code -SNAPSHOT} is ignored.
 */
class DocsConsoleTest {

    private static final Path ROOT = Path.of("..");
    private static final List<String> PAGES = List.of("README.md", "docs/cli.md", "docs/allowlists.md");
    private static final Pattern HEAD = Pattern.compile("^(.*\\S)\\s*\\|\\s*head -(\\d+)$");
    private static final Pattern ECHO = Pattern.compile("^echo '([^']*)' \\| (.*)$");
    private static final Pattern STATUS = Pattern.compile("^\\[exit status (\\d+)]$");
    private static final Pattern NUMBER = Pattern.compile("[0-9A-Fa-f]*[0-9][0-9A-Fa-f]*");

    @TempDir
    static Path tmp;

    record Shown(String page, int line, String command, List<String> output) {}

    @TestFactory
    Stream<DynamicTest> theOutputTheDocsShowIsWhatTheCommandPrints() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        int ran = 0;
        for (String page : PAGES) {
            for (Shown shown : shown(page)) {
                String command = shown.command().replaceAll("\\s+#.*$", "");
                if (command.startsWith("rm ")) {
                    Files.deleteIfExists(local(command.substring(3).strip()));
                    continue;
                }
                String stdin = "";
                Matcher echo = ECHO.matcher(command);
                if (echo.matches()) {
                    stdin = echo.group(1) + "\n";
                    command = echo.group(2);
                }
                int head = -1;
                Matcher piped = HEAD.matcher(command);
                if (piped.matches()) {
                    command = piped.group(1);
                    head = Integer.parseInt(piped.group(2));
                }
                if (!command.startsWith("bin/msrsafe ") && !command.startsWith("msrsafe ")
                        || command.matches(".*[|<>&;].*") || command.matches(".* (latency|stat)( .*)?")) {
                    continue;
                }
                if (command.contains("--device /tmp/")) {
                    continue; // a device tree an earlier shell line of the page builds (sparse files)
                }
                if (command.equals("bin/msrsafe cpus") && hasMsrDevices()) {
                    continue; // shows a machine without the module
                }
                List<String> args = words(command.substring(command.indexOf("msrsafe ") + "msrsafe ".length()));
                // Run now, in page order: a restore depends on the save before it, and rm on both.
                List<String> first = run(args, stdin, head);
                List<String> second = run(args, stdin, head);
                ran++;
                String where = shown.page() + ":" + shown.line() + ": $ " + shown.command();
                tests.add(DynamicTest.dynamicTest(where, () -> {
                    if (first.equals(second)) {
                        assertEquals(String.join("\n", shown.output()).replace("-SNAPSHOT", ""),
                                String.join("\n", first), where);
                    } else {
                        assertEquals(masked(shown.output()), masked(first),
                                where + " (output that varies, compared with numbers masked)");
                    }
                }));
            }
        }
        assertTrue(ran >= 40, "only " + ran + " commands of the docs were run");
        return tests.stream();
    }

    @Test
    void theSessionScriptRunsTheCommandsOfCliMdInItsOrder() throws IOException {
        // docs/examples/cli-session.sh regenerates cli.md's output; it had fallen behind the page
        // (it ran 'restore --no-verify', an option that no longer exists).
        List<String> page = shown("docs/cli.md").stream().map(Shown::command).toList();
        List<String> script = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve("docs/examples/cli-session.sh"), StandardCharsets.UTF_8)) {
            if (line.startsWith("run ")) {
                String command = line.substring(4);
                script.add(command.startsWith("\"") ? command.substring(1, command.length() - 1).replace("\\\"", "\"")
                        : command);
            }
        }
        assertEquals(page, script);
    }

    /** Every command line of the page's console blocks with the lines it shows after it. */
    private static List<Shown> shown(String page) throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve(page), StandardCharsets.UTF_8);
        List<Shown> shown = new ArrayList<>();
        boolean console = false;
        Shown current = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!console) {
                console = line.equals("```console");
                continue;
            }
            if (line.equals("```") || line.startsWith("$ ")) {
                if (current != null) {
                    shown.add(current);
                    current = null;
                }
                if (line.equals("```")) {
                    console = false;
                } else {
                    current = new Shown(page, i + 1, line.substring(2), new ArrayList<>());
                }
            } else if (current != null) {
                current.output().add(line);
            }
        }
        for (Shown each : shown) {
            while (!each.output().isEmpty() && each.output().getLast().isBlank()) {
                each.output().removeLast();
            }
        }
        return shown;
    }

    /** What a terminal shows for {@code msrsafe ARGS}: stdout, stderr, the status unless 0. */
    private static List<String> run(List<String> args, String stdin, int head) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        MsrSafeTool tool = new MsrSafeTool(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        int status = tool.run(new PrintWriter(out), new PrintWriter(err),
                args.stream().map(DocsConsoleTest::argument).toArray(String[]::new));
        List<String> shown = new ArrayList<>(out.toString().lines().map(DocsConsoleTest::asShown).toList());
        if (head >= 0) {
            // `| head -N`: the first N lines of stdout; stderr and the status are the command's own.
            shown = new ArrayList<>(shown.subList(0, Math.min(head, shown.size())));
            status = 0;
        }
        err.toString().lines().map(DocsConsoleTest::asShown).forEach(shown::add);
        if (status != 0) {
            shown.add("[exit status " + status + "]");
        }
        return shown;
    }

    /** The argument as this test passes it: paths of the repository from here, /tmp in a temporary directory. */
    private static String argument(String word) {
        if (word.startsWith("docs/") || word.startsWith("allowlists")) {
            return ROOT.resolve(word).toString();
        }
        return word.startsWith("/tmp/") ? local(word).toString() : word;
    }

    private static Path local(String tmpPath) {
        return tmp.resolve(tmpPath.substring("/tmp/".length()));
    }

    /** A line of output as the page shows it: paths back to the page's, the release's version. */
    private static String asShown(String line) {
        return line.replace(tmp + "/", "/tmp/").replace(ROOT + "/docs/", "docs/")
                .replace(ROOT + "/allowlists", "allowlists").replace("-SNAPSHOT", "");
    }

    private static String masked(List<String> lines) {
        List<String> masked = new ArrayList<>();
        for (String line : lines) {
            if (!STATUS.matcher(line).matches()) {
                line = NUMBER.matcher(line).replaceAll("#");
            }
            masked.add(line.replace("-SNAPSHOT", "").replaceAll(" +", " ").strip());
        }
        return String.join("\n", masked);
    }

    /** The words of a shell command line: blanks separate them, single or double quotes group them. */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    private static boolean hasMsrDevices() {
        try (Stream<Path> cpus = Files.list(Path.of("/dev/cpu"))) {
            return cpus.anyMatch(cpu -> Files.exists(cpu.resolve("msr_safe")) || Files.exists(cpu.resolve("msr")));
        } catch (IOException | RuntimeException absent) {
            return false;
        }
    }
}
