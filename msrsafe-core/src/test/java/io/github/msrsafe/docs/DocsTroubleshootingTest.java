package io.github.msrsafe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/troubleshooting.md is keyed by the messages the library and the msrsafe command
 * print. Each {@code ### `message`} heading (outside the last section, which quotes the
 * JVM, Maven and picocli) must still occur in a string of the main sources of
 * msrsafe-core or msrsafe-cli, piece by piece between the {@code …} that stand for the
 * varying parts; so a reworded message cannot leave the page describing one that no
 * longer exists.
 */
class DocsTroubleshootingTest {

    private static final Path DOC = Path.of("..", "docs", "troubleshooting.md");
    private static final List<Path> SOURCES = List.of(
            Path.of("src", "main", "java"), Path.of("..", "msrsafe-cli", "src", "main", "java"));
    private static final String NOT_OURS = "## From the JVM";
    private static final Pattern HEADING = Pattern.compile("^### `(.+)`$");
    // A string literal, and the join of two literals by + (across lines), which the messages use to wrap.
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    private static final Pattern JOIN = Pattern.compile("\"\\s*\\+\\s*\"");

    @Test
    void everyMessageOnThePageIsOneTheCodePrints() throws IOException {
        List<String> strings = stringsOfTheCode();
        assertTrue(strings.size() > 500, "found only " + strings.size() + " string literals in " + SOURCES);
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (String message : documentedMessages()) {
            checked++;
            for (String piece : message.split("…")) {
                String text = piece.strip();
                if (!text.isEmpty() && strings.stream().noneMatch(string -> string.contains(text))) {
                    missing.add("'" + text + "' (of: " + message + ")");
                }
            }
        }
        assertTrue(checked >= 40, "only " + checked + " messages found in " + DOC);
        assertEquals(List.of(), missing, "troubleshooting.md quotes text that no code prints any more");
    }

    @Test
    void theCheckFindsAReworded() throws IOException {
        // The check itself must be able to fail: a message with one word changed is not found.
        List<String> strings = stringsOfTheCode();
        String real = "is not in the allowlist; an administrator must add it to /dev/cpu/msr_allowlist";
        assertTrue(strings.stream().anyMatch(string -> string.contains(real)));
        String reworded = real.replace("administrator", "admin");
        assertTrue(strings.stream().noneMatch(string -> string.contains(reworded)));
    }

    private static List<String> documentedMessages() throws IOException {
        List<String> messages = new ArrayList<>();
        for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
            if (line.startsWith(NOT_OURS)) {
                break;
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                messages.add(heading.group(1));
            }
        }
        return messages;
    }

    private static List<String> stringsOfTheCode() throws IOException {
        List<String> strings = new ArrayList<>();
        for (Path root : SOURCES) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                    try {
                        String source = JOIN.matcher(Files.readString(file, StandardCharsets.UTF_8)).replaceAll("");
                        Matcher literal = LITERAL.matcher(source);
                        while (literal.find()) {
                            strings.add(literal.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
        return strings;
    }
}
