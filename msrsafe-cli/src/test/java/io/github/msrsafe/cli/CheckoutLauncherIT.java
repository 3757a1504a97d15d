package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/msrsafe, the checkout launcher, in a copy of the checkout's layout whose ./mvnw only
 * leaves a mark: run as a script runs it (no terminal), it never builds unless asked, says
 * how to build when there are no jars, and warns when the sources are newer than the jars.
 * Runs after {@code package} (it needs the jars).
 */
class CheckoutLauncherIT {

    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path checkout;

    private Path lib;
    private Path mark;

    @BeforeEach
    void layOutACheckout() throws IOException {
        Files.createDirectories(checkout.resolve("bin"));
        for (String file : List.of("bin/msrsafe", "bin/find-jdk.sh", ".mvn/build.properties", "pom.xml")) {
            Files.createDirectories(checkout.resolve(file).getParent());
            Files.copy(PROJECT.resolve(file), checkout.resolve(file));
        }
        checkout.resolve("bin/msrsafe").toFile().setExecutable(true);
        mark = checkout.resolve("built");
        Path mvnw = checkout.resolve("mvnw");
        Files.writeString(mvnw, "#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/built\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path source = checkout.resolve("msrsafe-core/src/main/java/Example.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class Example {}\n");
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().minusSeconds(3600)));
        Files.setLastModifiedTime(checkout.resolve("pom.xml"), FileTime.from(Instant.now().minusSeconds(3600)));
        lib = checkout.resolve("msrsafe-cli/target/lib");
        Files.createDirectories(lib);
        try (Stream<Path> jars = Files.list(PROJECT.resolve("msrsafe-cli/target/lib"))) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, lib.resolve(jar.getFileName()));
            }
        }
    }

    record Run(int status, String out, String err) {}

    private Run run(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(checkout.resolve("bin/msrsafe").toString());
        builder.command().addAll(List.of(args));
        builder.environment().remove("MSRSAFE_BUILD");
        builder.environment().remove("MSRSAFE_NO_BUILD");
        builder.environment().putAll(environment);
        builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the launcher did not finish");
        return new Run(process.exitValue(), out, err);
    }

    @Test
    void upToDateJarsRunQuietly() throws Exception {
        Run run = run(Map.of(), "--device", "sim", "read", "-p", "1", "-f", "15:8", "-u", "0xCE");
        assertEquals(new Run(0, "24\n", ""), run);
        assertFalse(Files.exists(mark), "built");
    }

    @Test
    void withoutJarsAScriptIsToldHowToBuildAndNothingIsBuilt() throws Exception {
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path jar : jars.toList()) {
                Files.delete(jar);
            }
        }
        Run run = run(Map.of(), "--device", "sim", "version");
        assertEquals(ExitCode.UNAVAILABLE.status(), run.status());
        assertTrue(run.err().contains("the command is not built") && run.err().contains("./mvnw -B -q -pl msrsafe-cli -am package")
                && run.err().contains("MSRSAFE_BUILD=1"), run.err());
        assertFalse(Files.exists(mark), "a script's run built the command");
    }

    @Test
    void staleJarsRunWithAWarningAndBuildOnlyWhenAsked() throws Exception {
        Path edited = checkout.resolve("msrsafe-core/src/main/java/Example.java");
        Files.setLastModifiedTime(edited, FileTime.from(Instant.now().plusSeconds(60)));
        Run run = run(Map.of(), "--device", "sim", "read", "-p", "1", "-f", "15:8", "-u", "0xCE");
        assertEquals(0, run.status(), run.err());
        assertEquals("24\n", run.out());
        assertTrue(run.err().startsWith("msrsafe: warning: running jars older than the sources (msrsafe-core/src/main/java/Example.java")
                && run.err().contains("MSRSAFE_BUILD=1"), run.err());
        assertFalse(Files.exists(mark), "a script's run built the command");

        assertEquals(0, run(Map.of("MSRSAFE_NO_BUILD", "1", "MSRSAFE_BUILD", "1"), "--device", "sim", "version").status());
        assertFalse(Files.exists(mark), "MSRSAFE_NO_BUILD=1 built");

        Run asked = run(Map.of("MSRSAFE_BUILD", "1"), "--device", "sim", "version");
        assertEquals(0, asked.status(), asked.err());
        assertTrue(asked.err().contains("the sources changed since the last build"), asked.err());
        assertEquals("-B -q -pl msrsafe-cli -am package -DskipTests", Files.readString(mark).strip());
    }

    /** Run by hand without the exporter's modules, the exporter says what to add instead of failing later. */
    @Test
    void theExporterWithoutItsModulesSaysWhichToAdd() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "--enable-native-access=io.github.msrsafe",
                "--module-path", lib.toString(), "--module", "io.github.msrsafe.cli/io.github.msrsafe.cli.Main",
                "--device", "sim", "exporter", "--port", "0");
        builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the exporter did not stop");
        assertEquals(ExitCode.UNAVAILABLE.status(), process.exitValue(), out + err);
        assertTrue(err.startsWith("msrsafe: exporter needs the module ")
                && err.contains("--add-modules " + String.join(",", ExporterModules.ROOTS)), err);
        // Through the launcher, which adds them, it starts (and is stopped here).
        Process served = new ProcessBuilder(checkout.resolve("bin/msrsafe").toString(), "--device", "sim", "exporter", "--port", "0")
                .redirectErrorStream(true).start();
        try {
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(served.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertTrue(first != null && first.startsWith("msrsafe exporter: "), String.valueOf(first));
        } finally {
            served.destroy();
            served.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
