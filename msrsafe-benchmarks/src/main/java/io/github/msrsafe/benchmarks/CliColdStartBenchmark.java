package io.github.msrsafe.benchmarks;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cold start of the CLI: the wall time of one command, one fresh process per single shot,
 * from start to exit. The command ({@link #task}) is {@code msrsafe --device sim version}, the
 * smallest useful run, or {@code msrsafe allowlist lint allowlists/}, what CI runs on the
 * project's allowlists. It is started either
 * <ul>
 * <li>{@code bin/msrsafe}: the launcher users run (a shell script that finds a JDK, then
 *     execs java), or</li>
 * <li>{@code java}: the same java command the launcher execs (C1 only, serial GC, the CLI's
 *     module path), with the benchmark's own JDK, i.e. the JVM part alone.</li>
 * </ul>
 * The project is found from this jar's place ({@code <project>/msrsafe-benchmarks/target})
 * or the {@value #PROJECT_PROPERTY} system property; the CLI must be built
 * ({@code msrsafe-cli/target/lib}).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = Main.NATIVE_ACCESS)
@State(Scope.Benchmark)
public class CliColdStartBenchmark {

    static final String PROJECT_PROPERTY = "msrsafe.project";

    @Param({"bin/msrsafe", "java"})
    public String launcher;

    /** {@code version} or {@code allowlist-lint} (of the project's allowlists/, with the register catalog). */
    @Param({"version", "allowlist-lint"})
    public String task;

    private List<String> command;

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        Path project = project().orElseThrow(() -> new IllegalStateException(cliMissing()));
        List<String> arguments = switch (task) {
            case "version" -> List.of("--device", "sim", "version");
            case "allowlist-lint" -> List.of("allowlist", "lint", project.resolve("allowlists").toString());
            default -> throw new IllegalArgumentException("task is version or allowlist-lint, not " + task);
        };
        command = new ArrayList<>();
        switch (launcher) {
            case "bin/msrsafe" -> command.add(project.resolve("bin").resolve("msrsafe").toString());
            case "java" -> command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=io.github.msrsafe",
                    "--module-path", project.resolve("msrsafe-cli").resolve("target").resolve("lib").toString(),
                    "--module", "io.github.msrsafe.cli/io.github.msrsafe.cli.Main"));
            default -> throw new IllegalArgumentException("launcher is bin/msrsafe or java, not " + launcher);
        }
        command.addAll(arguments);
        String output = run();
        String expected = task.equals("version") ? "msrsafe" : " 0 errors";
        if (!output.contains(expected)) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' did not print '" + expected + "':\n" + output);
        }
    }

    /** One process, from start to exit; fails unless it exits with 0. */
    @Benchmark
    public String coldStart() throws IOException, InterruptedException {
        return run();
    }

    private String run() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MSRSAFE_NO_BUILD", "1"); // never let the launcher build: that is not a start
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = process.waitFor();
        if (status != 0) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' exited with " + status + ":\n" + output);
        }
        return output;
    }

    /** The project checkout, if its CLI has been built. */
    static Optional<Path> project() {
        String configured = System.getProperty(PROJECT_PROPERTY);
        Path project;
        if (configured != null) {
            project = Path.of(configured);
        } else {
            try {
                Path jar = Path.of(CliColdStartBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                // <project>/msrsafe-benchmarks/target/msrsafe-benchmarks.jar
                project = jar.getParent().getParent().getParent();
            } catch (URISyntaxException | NullPointerException | SecurityException unknownLocation) {
                return Optional.empty();
            }
        }
        return Files.isDirectory(project.resolve("msrsafe-cli").resolve("target").resolve("lib"))
                && Files.isExecutable(project.resolve("bin").resolve("msrsafe")) ? Optional.of(project) : Optional.empty();
    }

    static String cliMissing() {
        return "the CLI is not built: no msrsafe-cli/target/lib and bin/msrsafe in the project around the benchmarks "
                + "jar (build with ./mvnw package, or point -D" + PROJECT_PROPERTY + " at a built checkout)";
    }
}
