package io.github.msrsafe.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training run for the JVM's start-up cache ({@code -XX:AOTCacheOutput} on JDK 25,
 * {@code -XX:ArchiveClassesAtExit} before): runs the everyday commands in-process on the
 * simulated device, so that the classes they load, link and initialise are in the cache
 * the launchers then start with. The build runs it (see the msrsafe-cli and msrsafe-dist
 * POMs); it is not a command users run.
 *
 * <p>Arguments: allowlist files or directories to lint (the curated allowlists). With the
 * system property {@code msrsafe.training.jdkFile}, it also writes the Java home it ran on
 * to that file: the launchers use the cache only with the JDK that made it.
 */
public final class Training {

    private Training() {}

    /**
     * Runs the training commands, writing nothing.
     *
     * @param args allowlist files or directories for {@code allowlist lint}
     * @throws IOException if the JDK file cannot be written
     */
    public static void main(String[] args) throws IOException {
        List<List<String>> runs = new ArrayList<>(List.of(
                List.of("--help"),
                List.of("read", "--help"),
                List.of("--device", "sim", "version"),
                List.of("--device", "sim", "cpus"),
                List.of("--device", "sim", "read", "-a", "IA32_PERF_CTL"),
                List.of("--device", "sim", "read", "-p", "1", "-f", "15:8", "0xCE"),
                List.of("--device", "sim", "write", "-p", "1", "IA32_PERF_CTL", "0x1A00"),
                List.of("--device", "sim", "allowlist", "show"),
                List.of("--device", "sim", "allowlist", "select"),
                List.of("--device", "sim", "stat", "--count", "1", "--interval", "0.01"),
                List.of("--device", "sim", "read", "-p", "99", "0x10")));
        if (args.length > 0) {
            for (String format : List.of("text", "json", "sarif")) {
                List<String> lint = new ArrayList<>(List.of("allowlist", "lint", "--format", format));
                lint.addAll(List.of(args));
                runs.add(lint);
            }
        }
        String jdkFile = System.getProperty("msrsafe.training.jdkFile");
        if (jdkFile != null) {
            Files.writeString(Path.of(jdkFile), System.getProperty("java.home") + "\n", StandardCharsets.UTF_8);
        }
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        for (List<String> run : runs) {
            new MsrSafeTool(new ByteArrayInputStream(new byte[0])).run(nowhere, nowhere, run.toArray(String[]::new));
        }
    }
}
