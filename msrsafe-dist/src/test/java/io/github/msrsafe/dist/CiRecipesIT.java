package io.github.msrsafe.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI jobs of docs/ci-linting.md, run as their runners would run them, in a directory
 * laid out like a repository of allowlists: the commands of each job's {@code run:} or
 * {@code script:} steps, in order, in one bash with {@code -e}, with no Java on the PATH.
 * The steps that reach the network (curl, apt-get) are left out: the tarball the build made
 * is put where the download would leave it.
 */
class CiRecipesIT {

    private static final Path TARBALL = Path.of(System.getProperty("msrsafe.dist.tarball"));
    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DOC = PROJECT.resolve("docs/ci-linting.md");

    /** The shell commands of the yaml block after {@code <!-- ci-test: NAME -->}. */
    static List<String> commands(String name) throws IOException {
        List<String> lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
        int marker = lines.indexOf("<!-- ci-test: " + name + " -->");
        assertTrue(marker >= 0 && lines.get(marker + 1).equals("```yaml"), "no yaml block marked " + name + " in " + DOC);
        List<String> block = new ArrayList<>();
        for (int i = marker + 2; !lines.get(i).equals("```"); i++) {
            block.add(lines.get(i));
        }
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < block.size(); i++) {
            String line = block.get(i);
            String trimmed = line.strip();
            if (trimmed.equals("run: |")) {
                int indent = indent(line);
                for (i++; i < block.size() && (block.get(i).isBlank() || indent(block.get(i)) > indent); i++) {
                    commands.add(block.get(i).strip());
                }
                i--;
            } else if (trimmed.equals("before_script:") || trimmed.equals("script:")) {
                int indent = indent(line);
                for (i++; i < block.size() && indent(block.get(i)) >= indent && block.get(i).strip().startsWith("- "); i++) {
                    commands.add(block.get(i).strip().substring(2));
                }
                i--;
            }
        }
        return commands.stream().filter(command -> !command.isBlank()).toList();
    }

    private static int indent(String line) {
        int indent = 0;
        while (indent < line.length() && line.charAt(indent) == ' ') {
            indent++;
        }
        return indent;
    }

    record Run(int status, String output) {}

    private static Run job(List<String> commands, Path repository) throws IOException, InterruptedException {
        Files.copy(TARBALL, repository.resolve("msrsafe.tar.gz"), StandardCopyOption.REPLACE_EXISTING);
        StringBuilder script = new StringBuilder();
        for (String command : commands) {
            if (command.startsWith("curl ") || command.startsWith("apt-get ")) {
                continue; // the network: the tarball is already there
            }
            script.append(command).append('\n');
        }
        Path tools = Files.createDirectories(repository.resolve("../tools"));
        for (String tool : List.of("bash", "sh", "tar", "gzip", "mkdir", "dirname", "readlink", "cat", "[")) {
            Path found = Path.of("/usr/bin", tool);
            if (Files.isExecutable(found) && !Files.exists(tools.resolve(tool))) {
                Files.createSymbolicLink(tools.resolve(tool), found);
            }
        }
        ProcessBuilder builder = new ProcessBuilder("/bin/bash", "-e", "-c", script.toString()).directory(repository.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", tools.toString());
        builder.environment().put("HOME", repository.toString());
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), "the job did not finish");
        return new Run(process.exitValue(), output);
    }

    /** A repository holding the project's curated allowlists. */
    private static Path repository(Path dir) throws IOException {
        Path repository = Files.createDirectories(dir.resolve("repository"));
        Path allowlists = Files.createDirectories(repository.resolve("allowlists"));
        try (Stream<Path> files = Files.list(PROJECT.resolve("allowlists"))) {
            for (Path file : files.toList()) {
                Files.copy(file, allowlists.resolve(file.getFileName()));
            }
        }
        return repository;
    }

    private static void check(String name, Path dir, String... outputs) throws Exception {
        List<String> commands = commands(name);
        assertTrue(commands.stream().anyMatch(command -> command.contains("allowlist lint")), commands.toString());
        Path repository = repository(dir);
        Run passes = job(commands, repository);
        assertEquals(0, passes.status(), name + " on good allowlists:\n" + passes.output());
        for (String output : outputs) {
            String text = Files.readString(repository.resolve(output));
            assertTrue(text.contains("\"tool\"") || text.contains("\"version\": \"2.1.0\""), output + ":\n" + text);
        }
        if (List.of(outputs).contains("allowlists.sarif")) {
            String sarif = Files.readString(repository.resolve("allowlists.sarif"));
            assertTrue(sarif.contains("\"uri\": \"allowlists/al_") && sarif.contains("\"uriBaseId\": \"SRCROOT\""), sarif);
        }

        Files.writeString(repository.resolve("allowlists/al_06_55"), "0x10 0\n0x10 0\n", StandardCharsets.US_ASCII);
        Files.walk(repository.resolve("msrsafe")).sorted((a, b) -> b.getNameCount() - a.getNameCount())
                .forEach(path -> path.toFile().delete());
        Run fails = job(commands, repository);
        assertNotEquals(0, fails.status(), name + " passed on a broken allowlist:\n" + fails.output());
        assertTrue(fails.output().contains("enotuniq-duplicate-address"), fails.output());
        if (List.of(outputs).contains("allowlists.sarif")) {
            String sarif = Files.readString(repository.resolve("allowlists.sarif"));
            assertTrue(sarif.contains("\"moduleErrno\": \"ENOTUNIQ\""), "the SARIF is written even when the job fails:\n" + sarif);
        }
    }

    @Test
    void theGitHubActionsJobPassesAndFailsAsItShould(@TempDir Path dir) throws Exception {
        check("github", dir, "allowlists.sarif");
    }

    @Test
    void theGitLabJobPassesAndFailsAsItShould(@TempDir Path dir) throws Exception {
        check("gitlab", dir, "allowlists.sarif", "allowlists.json");
    }
}
