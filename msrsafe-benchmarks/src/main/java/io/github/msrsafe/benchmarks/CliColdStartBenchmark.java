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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cold start of the CLI: the wall time of {@code msrsafe --device sim version} in a
 * fresh JVM, started the way the CLI is meant to run (its module path,
 * {@code java -m io.github.msrsafe.cli}), with the same JDK as the benchmark. Each
 * single shot is one process from fork to exit; the JVM's class data sharing archive
 * is used as the JDK ships it.
 *
 * <p>The CLI's module path is {@code msrsafe-cli/target/lib} next to this jar's
 * {@code msrsafe-benchmarks/target}, or the {@value #CLI_LIB_PROPERTY} system property.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = Main.NATIVE_ACCESS)
@State(Scope.Benchmark)
public class CliColdStartBenchmark {

    static final String CLI_LIB_PROPERTY = "msrsafe.cli.lib";

    private List<String> command;

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        Path lib = cliLib().orElseThrow(() -> new IllegalStateException(cliMissing()));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        command = new ArrayList<>(List.of(java.toString(), "--enable-native-access=io.github.msrsafe",
                "--module-path", lib.toString(), "-m", "io.github.msrsafe.cli", "--device", "sim", "version"));
        String output = run();
        if (output.isBlank()) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' printed nothing");
        }
    }

    /** One process, from start to exit; fails unless it exits with 0. */
    @Benchmark
    public String versionOnSimulatedDevice() throws IOException, InterruptedException {
        return run();
    }

    private String run() throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = process.waitFor();
        if (status != 0) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' exited with " + status + ":\n" + output);
        }
        return output;
    }

    /** The CLI's module path, if it has been built. */
    static Optional<Path> cliLib() {
        String configured = System.getProperty(CLI_LIB_PROPERTY);
        Path lib;
        if (configured != null) {
            lib = Path.of(configured);
        } else {
            try {
                Path jar = Path.of(CliColdStartBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                // <project>/msrsafe-benchmarks/target/msrsafe-benchmarks.jar -> <project>/msrsafe-cli/target/lib
                Path project = jar.getParent().getParent().getParent();
                lib = project.resolve("msrsafe-cli").resolve("target").resolve("lib");
            } catch (URISyntaxException | NullPointerException | SecurityException unknownLocation) {
                return Optional.empty();
            }
        }
        return Files.isDirectory(lib) ? Optional.of(lib) : Optional.empty();
    }

    static String cliMissing() {
        return "the CLI is not built: no msrsafe-cli/target/lib next to the benchmarks jar (build the project with "
                + "./mvnw package, or point -D" + CLI_LIB_PROPERTY + " at the CLI's module path)";
    }
}
