package io.github.msrsafe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Replays the jshell session printed in docs/module-info.md against this build
 * and checks that jshell prints exactly what the document says.
 */
class DocsJshellSessionTest {

    private static final String PROMPT = "jshell> ";
    private static final Path DOC = Path.of("..", "docs", "module-info.md");

    record Step(String input, List<String> output) {}

    @Test
    void theDocumentedSessionRunsAsPrinted() throws Exception {
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        assumeTrue(Files.isExecutable(jshell), "no jshell in " + System.getProperty("java.home"));
        List<Step> steps = documentedSteps();
        assertTrue(steps.size() > 5, "the session in " + DOC + " was not found");

        StringBuilder input = new StringBuilder();
        steps.forEach(step -> input.append(step.input()).append('\n'));
        input.append("/exit\n");
        Process process = new ProcessBuilder(jshell.toString(), "-J-Duser.language=en", "--feedback", "concise",
                "--class-path", Path.of("target", "classes").toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        process.getOutputStream().write(input.toString().getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String transcript = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "jshell did not finish");

        // Concise feedback prints the prompt, then what the snippet printed, for each input.
        String[] answers = transcript.substring(transcript.indexOf(PROMPT)).split(PROMPT, -1);
        for (int i = 0; i < steps.size(); i++) {
            String actual = answers[i + 1].strip();
            String expected = String.join("\n", steps.get(i).output()).strip();
            assertEquals(expected, actual, "output of: " + steps.get(i).input() + "\n--- whole transcript ---\n" + transcript);
        }
    }

    private static List<Step> documentedSteps() throws IOException {
        List<String> lines = Files.readAllLines(DOC, StandardCharsets.UTF_8);
        int begin = lines.indexOf("<!-- jshell-session:begin -->");
        int end = lines.indexOf("<!-- jshell-session:end -->");
        assertTrue(begin >= 0 && end > begin, DOC + " has no jshell-session markers");
        List<Step> steps = new ArrayList<>();
        for (String line : lines.subList(begin + 1, end)) {
            if (line.startsWith("```")) {
                continue;
            }
            if (line.startsWith(PROMPT)) {
                steps.add(new Step(line.substring(PROMPT.length()), new ArrayList<>()));
            } else {
                steps.get(steps.size() - 1).output().add(line);
            }
        }
        return steps;
    }
}
