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
 * project's allowlists; {@code java-version} is {@code java -version} of the same Java, the
 * floor any Java command stands on (issue 14's goal: lint within 2x of it). It is started
 * either
 * <ul>
 * <li>{@code bin/msrsafe}: the checkout's launcher (a shell script that finds a JDK, checks
 *     that the jars are current, then execs java with the AOT cache the build made on JDK 25+);
 *     its {@code java-version} is the benchmark's own JDK's;</li>
 * <li>{@code dist}: the distribution's launcher (msrsafe-dist, unpacked by the build into
 *     {@code msrsafe-benchmarks/target/msrsafe-dist}): its own runtime with the command's modules
 *     linked in and the start-up cache; its {@code java-version} is that runtime's;</li>
 * <li>{@code java}: the java command the checkout's launcher execs, with the benchmark's own
 *     JDK but without the start-up cache: the JVM part alone, and what the cache saves.</li>
 * </ul>
 * The project is found from this jar's place ({@code <project>/msrsafe-benchmarks/target})
 * or the {@value #PROJECT_PROPERTY} system property; the CLI must be built
 * ({@code msrsafe-cli/target/lib}) and, for {@code dist}, the distribution unpacked.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
@Fork(value = 2, jvmArgsAppend = Main.NATIVE_ACCESS)
@State(Scope.Benchmark)
public class CliColdStartBenchmark {

    static final String PROJECT_PROPERTY = "msrsafe.project";

    @Param({"bin/msrsafe", "dist", "java"})
    public String launcher;

    /** {@code java-version}, {@code version} or {@code allowlist-lint} (of the project's allowlists/, with the register catalog). */
    @Param({"java-version", "version", "allowlist-lint"})
    public String task;

    private List<String> command;

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        Path project = project().orElseThrow(() -> new IllegalStateException(cliMissing()));
        Path jdkJava = Path.of(System.getProperty("java.home"), "bin", "java");
        command = new ArrayList<>();
        if (task.equals("java-version")) {
            command.add(launcher.equals("dist") ? distribution(project).resolve("runtime/bin/java").toString() : jdkJava.toString());
            command.add("-version");
        } else {
            switch (launcher) {
                case "bin/msrsafe" -> command.add(project.resolve("bin").resolve("msrsafe").toString());
                case "dist" -> command.add(distribution(project).resolve("bin/msrsafe").toString());
                case "java" -> command.addAll(List.of(jdkJava.toString(),
                        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=io.github.msrsafe",
                        "--module-path", project.resolve("msrsafe-cli").resolve("target").resolve("lib").toString(),
                        "--module", "io.github.msrsafe.cli/io.github.msrsafe.cli.Main"));
                default -> throw new IllegalArgumentException("launcher is bin/msrsafe, dist or java, not " + launcher);
            }
            command.addAll(switch (task) {
                case "version" -> List.of("--device", "sim", "version");
                case "allowlist-lint" -> List.of("allowlist", "lint", project.resolve("allowlists").toString());
                default -> throw new IllegalArgumentException("task is java-version, version or allowlist-lint, not " + task);
            });
        }
        String output = run();
        String expected = switch (task) {
            case "java-version" -> "version";
            case "version" -> "msrsafe";
            default -> " 0 errors";
        };
        if (!output.contains(expected)) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' did not print '" + expected + "':\n" + output);
        }
    }

    /** The unpacked distribution: {@code msrsafe-benchmarks/target/msrsafe-dist/msrsafe-VERSION}. */
    static Path distribution(Path project) throws IOException {
        Path unpacked = project.resolve("msrsafe-benchmarks").resolve("target").resolve("msrsafe-dist");
        if (Files.isDirectory(unpacked)) {
            try (var entries = Files.list(unpacked)) {
                Optional<Path> home = entries.filter(dir -> Files.isExecutable(dir.resolve("bin/msrsafe"))).findFirst();
                if (home.isPresent()) {
                    return home.get();
                }
            }
        }
        throw new IllegalStateException("no unpacked distribution in " + unpacked + " (./mvnw package builds and unpacks it)");
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
                Optional<Path> around = checkoutAround(jar);
                if (around.isEmpty()) {
                    return Optional.empty();
                }
                project = around.get();
            } catch (URISyntaxException | NullPointerException | SecurityException unknownLocation) {
                return Optional.empty();
            }
        }
        return Files.isDirectory(project.resolve("msrsafe-cli").resolve("target").resolve("lib"))
                && Files.isExecutable(project.resolve("bin").resolve("msrsafe")) ? Optional.of(project) : Optional.empty();
    }

    /**
     * The checkout a benchmarks jar was built in, {@code <project>/msrsafe-benchmarks/target/<jar>};
     * empty for a jar copied somewhere shallower (e.g. /tmp/bench.jar), whose great-grandparent
     * does not exist.
     */
    static Optional<Path> checkoutAround(Path jar) {
        Path target = jar.toAbsolutePath().getParent();
        Path module = target == null ? null : target.getParent();
        return Optional.ofNullable(module == null ? null : module.getParent());
    }

    static String cliMissing() {
        return "the CLI is not built: no msrsafe-cli/target/lib and bin/msrsafe in the project around the benchmarks "
                + "jar (build with ./mvnw package, or point -D" + PROJECT_PROPERTY + " at a built checkout)";
    }
}
