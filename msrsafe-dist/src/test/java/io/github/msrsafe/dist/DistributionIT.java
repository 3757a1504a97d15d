package io.github.msrsafe.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as a node gets it: the tarball unpacked into an empty directory and
 * run with an environment that has no JDK (PATH without java, no JAVA_HOME), then
 * installed with its install script under a prefix. Runs after {@code package}.
 */
class DistributionIT {

    private static final Path TARBALL = Path.of(System.getProperty("msrsafe.dist.tarball"));
    private static final String VERSION = System.getProperty("msrsafe.version");
    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    static Path unpacked;

    static Path home;

    record Run(int status, String out, String err) {}

    @BeforeAll
    static void unpack() throws Exception {
        assertTrue(Files.isRegularFile(TARBALL), "no tarball at " + TARBALL);
        Run tar = run(List.of("tar", "-xzf", TARBALL.toString(), "-C", unpacked.toString()), Map.of(), unpacked);
        assertEquals(0, tar.status(), tar.err());
        home = unpacked.resolve("msrsafe-" + VERSION);
        tools = Files.createDirectories(unpacked.resolve("tools"));
        for (String tool : List.of("sh", "bash", "dirname", "readlink", "sed", "tar", "mkdir", "rm", "mv", "ln", "cp", "cat")) {
            for (String dir : List.of("/usr/bin", "/bin")) {
                Path found = Path.of(dir, tool);
                if (Files.isExecutable(found) && !Files.exists(tools.resolve(tool))) {
                    Files.createSymbolicLink(tools.resolve(tool), found);
                }
            }
        }
        assertTrue(Files.isExecutable(home.resolve("bin/msrsafe")), "no bin/msrsafe in the tarball");
    }

    /** A PATH of the shell tools the launcher and the install script use, and no java. */
    static Path tools;

    /** An environment with no Java: a PATH of shell tools only, no JAVA_HOME. */
    private static Map<String, String> noJava() {
        Map<String, String> environment = new HashMap<>();
        environment.put("PATH", tools.toString());
        environment.put("HOME", unpacked.toString());
        environment.put("LANG", "C.UTF-8");
        return environment;
    }

    private static Run run(List<String> command, Map<String, String> environment, Path directory)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment.isEmpty() ? System.getenv() : environment);
        builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process process = builder.start();
        // Read stderr on another thread: a full pipe would stall the process.
        StringBuilder err = new StringBuilder();
        Thread errReader = Thread.ofVirtual().start(() -> {
            try {
                err.append(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.append(e);
            }
        });
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), "did not finish: " + command);
        errReader.join();
        return new Run(process.exitValue(), out, err.toString());
    }

    private static Run msrsafe(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/msrsafe").toString()));
        command.addAll(List.of(args));
        return run(command, noJava(), PROJECT);
    }

    @Test
    void runsOnItsOwnRuntimeWithoutAJdk() throws Exception {
        Run read = msrsafe("--device", "sim", "read", "-p", "1", "-f", "15:8", "-u", "0xCE");
        assertEquals(new Run(0, "24\n", ""), read);
        Run version = msrsafe("--device", "sim", "version");
        assertEquals(0, version.status(), version.err());
        assertTrue(version.out().startsWith("msrsafe " + VERSION + " "), version.out());
        // A Java 17 first on the PATH and in JAVA_HOME changes nothing.
        Path java17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        if (Files.isDirectory(java17)) {
            Map<String, String> environment = noJava();
            environment.put("PATH", java17.resolve("bin") + ":/usr/bin:/bin");
            environment.put("JAVA_HOME", java17.toString());
            assertEquals(read, run(List.of(home.resolve("bin/msrsafe").toString(), "--device", "sim", "read", "-p", "1", "-f",
                    "15:8", "-u", "0xCE"), environment, PROJECT));
        }
    }

    @Test
    void theRuntimeHoldsOnlyTheModulesTheCommandNeeds() throws Exception {
        Run modules = run(List.of(home.resolve("runtime/bin/java").toString(), "--list-modules"), noJava(), unpacked);
        Set<String> names = new TreeSet<>();
        modules.out().lines().forEach(line -> names.add(line.replaceAll("@.*", "")));
        assertEquals(Set.of("java.base", "io.github.msrsafe",
                "io.github.msrsafe.cli", "info.picocli"), names);
        assertFalse(Files.exists(home.resolve("runtime/bin/javac")), "a JDK's compiler in the runtime");
    }

    /** Unpacked somewhere else than where it was built, the launcher still starts from the cache the build made. */
    @Test
    void startsFromTheStartUpCache() throws Exception {
        Path aot = home.resolve("lib/msrsafe.aot");
        Path jsa = home.resolve("lib/msrsafe.jsa");
        assertTrue(Files.isRegularFile(aot) || Files.isRegularFile(jsa), "no start-up cache in lib/");
        Map<String, String> environment = noJava();
        environment.put("MSRSAFE_JAVA_OPTS", "-Xlog:class+load=info:stdout");
        Run run = run(List.of(home.resolve("bin/msrsafe").toString(), "allowlist", "lint", "allowlists/"), environment, PROJECT);
        assertEquals(0, run.status(), run.err());
        // (The main class itself the launcher loads from the runtime's modules; the rest comes from the cache.)
        for (String type : List.of("io.github.msrsafe.cli.CommandTree", "io.github.msrsafe.allowlist.lint.AllowlistLinter",
                "io.github.msrsafe.registers.RegisterCatalog")) {
            assertTrue(run.out().contains(" " + type + " source: shared objects file"), "not from the cache: " + type + "\n"
                    + run.out().lines().filter(line -> line.contains(type)).toList() + "\n" + run.err());
        }
    }

    /**
     * Every msrsafe command of the README runs from the tarball alone, with the exit status the
     * README shows for it ({@code [exit status N]} after its output; 0 when it shows none).
     */
    @Test
    void theReadmeCommandsRun() throws Exception {
        // A command is a line after a prompt ("$ msrsafe ...", "$ bin/msrsafe ...") or a bare "bin/msrsafe ...";
        // a line "msrsafe 0.2.0 (...)" without a prompt is output.
        Pattern commandLine = Pattern.compile("^(?:\\$ (?:bin/)?msrsafe|bin/msrsafe) (.*)$");
        Pattern exitStatus = Pattern.compile("^\\[exit status (\\d+)\\]$");
        List<String> lines = Files.readAllLines(PROJECT.resolve("README.md"));
        int ran = 0;
        for (int i = 0; i < lines.size(); i++) {
            Matcher matcher = commandLine.matcher(lines.get(i).strip());
            if (!matcher.matches() || matcher.group(1).contains("<(")) {
                continue;
            }
            int expected = 0;
            for (int j = i + 1; j < lines.size() && !lines.get(j).isBlank() && !lines.get(j).startsWith("```"); j++) {
                Matcher status = exitStatus.matcher(lines.get(j).strip());
                if (status.matches()) {
                    expected = Integer.parseInt(status.group(1));
                }
            }
            Run run = msrsafe(matcher.group(1).split(" +"));
            assertEquals(expected, run.status(), lines.get(i) + ":\n" + run.out() + run.err());
            assertFalse(run.err().contains("Exception") || run.err().contains("internal error"), lines.get(i) + ":\n" + run.err());
            ran++;
        }
        assertTrue(ran >= 8, "README commands found: " + ran);
    }

    @Test
    void theExporterServesMetrics() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/msrsafe").toString(), "--device", "sim", "exporter", "-p", "0");
        builder.environment().clear();
        builder.environment().putAll(noJava());
        builder.redirectErrorStream(true);
        Process process = builder.start();
        try {
            String first = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
            Matcher url = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/metrics)").matcher(String.valueOf(first));
            assertTrue(url.find(), "exporter said: " + first);
            try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url.group(1)))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                assertTrue(response.body().contains("msrsafe_"), response.body());
            }
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void installsUnderAPrefixWithManPagesAndCompletion(@TempDir Path prefix) throws Exception {
        Run install = run(List.of(home.resolve("install.sh").toString(), "--prefix", prefix.toString()), noJava(), unpacked);
        assertEquals(0, install.status(), install.err());
        Path command = prefix.resolve("bin/msrsafe");
        assertTrue(Files.isSymbolicLink(command), "no link " + command);
        Run lint = run(List.of(command.toString(), "allowlist", "lint", "--format", "json", "allowlists/al_06_55"), noJava(), PROJECT);
        assertEquals(0, lint.status(), lint.err());
        assertTrue(lint.out().contains("\"tool\": \"msrsafe-allowlist-lint\""), lint.out());
        // allowlist select finds the allowlists the distribution ships.
        Run select = run(List.of(command.toString(), "allowlist", "select", "--cpu", "06_55"), noJava(), unpacked);
        assertEquals(0, select.status(), select.err());
        assertTrue(select.out().contains(prefix.resolve("lib/msrsafe/allowlists/al_06_55").toString()), select.out());

        Path page = prefix.resolve("share/man/man1/msrsafe-read.1");
        assertTrue(Files.isRegularFile(page), "no " + page);
        Path man = Path.of("/usr/bin/man");
        if (Files.isExecutable(man)) {
            Run shown = run(List.of(man.toString(), "-l", page.toString()), Map.of("PATH", "/usr/bin:/bin", "MANPAGER", "cat",
                    "MANWIDTH", "80", "LANG", "C.UTF-8"), unpacked);
            assertEquals(0, shown.status(), shown.err());
            String plain = shown.out().replaceAll(".\b", "");
            assertTrue(plain.contains("msrsafe-read - Read an MSR") && plain.contains("EXIT STATUS") && plain.contains("EXAMPLES"),
                    plain);
        }
        Path completion = prefix.resolve("share/bash-completion/completions/msrsafe");
        assertTrue(Files.isRegularFile(completion) && Files.isRegularFile(prefix.resolve("share/zsh/site-functions/_msrsafe")));
        Run complete = run(List.of("bash", "-c", "source " + completion + " && complete -p msrsafe"), Map.of("PATH", "/usr/bin:/bin"),
                unpacked);
        assertEquals(0, complete.status(), complete.err());
        assertTrue(complete.out().contains("msrsafe"), complete.out());
    }

    @Test
    void installSaysWhatIsWrongWithItsArguments() throws Exception {
        // Printed only "usage: install.sh [--prefix PREFIX]", whatever the mistake.
        Path install = home.resolve("install.sh");
        Run missing = run(List.of(install.toString(), "--prefix"), noJava(), unpacked);
        assertEquals(2, missing.status());
        assertEquals("install.sh: --prefix needs a directory, e.g. --prefix /usr/local; usage: " + install
                + " [--prefix PREFIX] (--help says more)\n", missing.err());
        Run unknown = run(List.of(install.toString(), "/opt/msrsafe"), noJava(), unpacked);
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().startsWith("install.sh: unknown argument '/opt/msrsafe'; usage: "), unknown.err());
        Run relative = run(List.of(install.toString(), "--prefix=opt"), noJava(), unpacked);
        assertEquals("install.sh: the prefix must be an absolute path: opt\n", relative.err());
        assertEquals("", missing.out() + unknown.out() + relative.out());
    }

    @Test
    void installSaysWhenTheCommandIsNotOnThePath(@TempDir Path prefix) throws Exception {
        Run install = run(List.of(home.resolve("install.sh").toString(), "--prefix", prefix.toString()), noJava(), unpacked);
        assertEquals(0, install.status(), install.err());
        assertTrue(install.out().contains("note: " + prefix + "/bin is not on this shell's PATH"), install.out());
    }

    @Test
    void manRendersTheShippedPages() throws Exception {
        Path man = Path.of("/usr/bin/man");
        assumeTrue(Files.isExecutable(man), "man is not installed (apt-get install man-db)");
        Run shown = run(List.of(man.toString(), "--warnings", "-l", home.resolve("share/man/man1/msrsafe-allowlist-lint.1").toString()),
                Map.of("PATH", "/usr/bin:/bin", "MANPAGER", "cat", "LANG", "C.UTF-8"), unpacked);
        assertEquals(new Run(0, shown.out(), ""), shown);
    }
}
