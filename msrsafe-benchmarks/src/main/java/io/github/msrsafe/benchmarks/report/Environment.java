package io.github.msrsafe.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The machine a report's numbers come from.
 *
 * @param cpuModel    /proc/cpuinfo's model name
 * @param logicalCpus CPUs this JVM may use
 * @param memory      total memory, e.g. "23.4 GiB"
 * @param os          /etc/os-release's PRETTY_NAME
 * @param kernel      the running kernel's release
 * @param jdk         the JDK that ran the benchmarks (from the results)
 * @param gcc         the gcc that built the C baseline and stand-in module
 * @param jmh         the JMH version
 */
public record Environment(String cpuModel, int logicalCpus, String memory, String os, String kernel, String jdk,
                          String gcc, String jmh) {

    /** Reads this machine's description; the JDK is the one named in {@code results}. */
    static Environment collect(List<JmhResult> results) {
        String jdk = results.isEmpty() ? System.getProperty("java.vm.name") + " " + Runtime.version()
                : results.get(0).vm() + " (JDK " + results.get(0).jdk() + ")";
        return new Environment(
                field(Path.of("/proc/cpuinfo"), "model name", ':').orElse(System.getProperty("os.arch")),
                Runtime.getRuntime().availableProcessors(),
                field(Path.of("/proc/meminfo"), "MemTotal", ':').map(Environment::gibibytes).orElse("unknown"),
                field(Path.of("/etc/os-release"), "PRETTY_NAME", '=').map(v -> v.replace("\"", ""))
                        .orElse(System.getProperty("os.name")),
                read(Path.of("/proc/sys/kernel/osrelease")).orElse(System.getProperty("os.version")),
                jdk,
                gccVersion(),
                org.openjdk.jmh.util.Version.getPlainVersion());
    }

    private static Optional<String> field(Path file, String name, char separator) {
        return read(file).flatMap(text -> text.lines()
                .filter(line -> line.startsWith(name) && line.indexOf(separator) > 0)
                .map(line -> line.substring(line.indexOf(separator) + 1).strip())
                .findFirst());
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    private static String gibibytes(String memTotal) {
        try {
            long kibibytes = Long.parseLong(memTotal.replace("kB", "").strip());
            return String.format(Locale.ROOT, "%.1f GiB", kibibytes / 1024.0 / 1024.0);
        } catch (NumberFormatException e) {
            return memTotal;
        }
    }

    private static String gccVersion() {
        try {
            Process gcc = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            String first = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .findFirst().orElse("gcc");
            gcc.waitFor();
            return first;
        } catch (IOException e) {
            return "not found";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
