package io.github.msrsafe.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Compiles the C sources shipped inside the benchmarks jar into shared libraries with
 * {@code gcc -O2}, once per content: the result is cached under
 * {@code java.io.tmpdir/msrsafe-benchmarks/<sha-256 of sources, flags and gcc version>},
 * so every forked benchmark JVM after the first reuses it. Works on any machine with gcc.
 */
final class NativeBuild {

    /** Where the build puts the C files inside the jar (see the pom's resources). */
    private static final String RESOURCE_DIR = "/io/github/msrsafe/benchmarks/c/";
    private static final List<String> FLAGS = List.of("-O2", "-shared", "-fPIC", "-Wall", "-Wextra", "-std=gnu11");

    private NativeBuild() {}

    /** A shared library built from C files (and the headers they include) in the jar. */
    record Library(String name, List<String> sources, List<String> headers) {}

    /** The C baseline: the same system calls as the library, in plain C loops. */
    static final Library BASELINE = new Library("msrsafe-bench-baseline",
            List.of("bench_baseline.c"), List.of("msr_safe.h"));

    /** The stand-in for msr_safe's batch ioctl, for any number of CPUs and registers. */
    static final Library BENCH_MODULE = new Library("msrsafe-bench-module",
            List.of("bench_module.c"), List.of("msr_safe.h", "msr_safe_v2.h"));

    /** Why gcc cannot build here, or empty if it can. */
    static Optional<String> gccProblem() {
        try {
            Process gcc = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            gcc.getInputStream().readAllBytes();
            if (!gcc.waitFor(30, TimeUnit.SECONDS)) {
                gcc.destroyForcibly();
                return Optional.of("gcc --version did not finish in 30 s");
            }
            return gcc.exitValue() == 0 ? Optional.empty()
                    : Optional.of("gcc --version exited with " + gcc.exitValue());
        } catch (IOException e) {
            return Optional.of("gcc is not on the PATH (needed to compile the C baseline and test double): "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while looking for gcc");
        }
    }

    /** The path of {@code library} built for this machine, compiling it if no cached copy exists. */
    static Path build(Library library) {
        gccProblem().ifPresent(problem -> {
            throw new IllegalStateException(problem);
        });
        try {
            List<String> files = new ArrayList<>(library.sources());
            files.addAll(library.headers());
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            List<byte[]> contents = new ArrayList<>();
            for (String file : files) {
                byte[] bytes = resource(file);
                contents.add(bytes);
                digest.update(file.getBytes(StandardCharsets.UTF_8));
                digest.update(bytes);
            }
            digest.update(String.join(" ", FLAGS).getBytes(StandardCharsets.UTF_8));
            digest.update(gccVersion().getBytes(StandardCharsets.UTF_8));
            String key = HexFormat.of().formatHex(digest.digest(), 0, 12);
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "msrsafe-benchmarks", key);
            Path output = dir.resolve("lib" + library.name() + ".so");
            if (Files.isRegularFile(output)) {
                return output;
            }
            Files.createDirectories(dir);
            Path work = Files.createTempDirectory(dir, "build-");
            for (int i = 0; i < files.size(); i++) {
                Files.write(work.resolve(files.get(i)), contents.get(i));
            }
            List<String> command = new ArrayList<>(List.of("gcc"));
            command.addAll(FLAGS);
            command.add("-I" + work);
            command.add("-o");
            command.add(work.resolve(output.getFileName()).toString());
            for (String source : library.sources()) {
                command.add(work.resolve(source).toString());
            }
            Process gcc = new ProcessBuilder(command).redirectErrorStream(true).start();
            String messages = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (gcc.waitFor() != 0) {
                throw new IllegalStateException("gcc failed to build " + library.name() + ":\n" + String.join(" ", command)
                        + "\n" + messages);
            }
            // Atomic, so a concurrent fork sees either no library or a whole one.
            Files.move(work.resolve(output.getFileName()), output, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            for (String file : files) {
                Files.deleteIfExists(work.resolve(file));
            }
            Files.deleteIfExists(work);
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling " + library.name(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = NativeBuild.class.getResourceAsStream(RESOURCE_DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("C source " + file + " is missing from the benchmarks jar ("
                        + RESOURCE_DIR + file + ")");
            }
            return in.readAllBytes();
        }
    }

    private static String gccVersion() throws IOException, InterruptedException {
        Process gcc = new ProcessBuilder("gcc", "-dumpfullversion").redirectErrorStream(true).start();
        String version = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        gcc.waitFor();
        return version;
    }
}
