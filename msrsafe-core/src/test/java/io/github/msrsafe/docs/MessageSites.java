package io.github.msrsafe.docs;

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

/**
 * Every place in the main sources that makes a message the msrsafe command can print: the
 * command's own errors and warnings ({@code CliException}, {@code warn}, lines on the error
 * writer), every exception the library constructs with a message of its own or through a
 * factory ({@code throw malformed("...")}), the notes of a
 * restore report, and the texts that message factories ({@code Failures}, {@code Verdicts},
 * {@code AllowlistSelector}, {@code SaveResult}) return for exceptions and warnings to carry. A
 * site's template is its string literals, in order; the varying parts between them stand
 * for "…". Found by reading the sources, so a message added anywhere is found without
 * anyone listing it.
 */
final class MessageSites {

    /** One message template and where it is made. */
    record Site(String file, int line, List<String> literals) {
        /** The template as the page would quote it: literals joined by "…". */
        String template() {
            return String.join("…", literals);
        }

        /** Whether a literal of the template holds {@code piece}. */
        boolean holds(String piece) {
            return literals.stream().anyMatch(literal -> literal.contains(piece));
        }

        @Override
        public String toString() {
            return file + ":" + line + ": " + template();
        }
    }

    /** Calls whose argument is a message: the command's errors and warnings, and exceptions made with one. */
    private static final Pattern CALL = Pattern.compile(
            "CliException\\.usage\\(|new CliException\\(|\\bwarn\\(|\\bnote\\(|\\bthrow (?!new )\\w+\\(|\\berr(?:\\(\\))?\\.println\\(|getErr\\(\\)\\.println\\("
                    + "|new (?!IllegalStateException|AssertionError|UncheckedIOException)\\w+(?:Exception|Error)\\(");
    /** In the message factories, every arm and return that starts with a literal (or formats one) is a message. */
    private static final Pattern REASON = Pattern.compile(
            "(?:->|return)\\s*(?:String\\.format\\((?:Locale\\.ROOT,\\s*)?)?(?=\")");
    /** Classes whose methods return message texts (reasons, verdicts, descriptions) rather than throw them. */
    private static final List<String> REASON_FILES = List.of("/Failures.java", "/Verdicts.java",
            "/AllowlistSelector.java", "/SaveResult.java");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    private static final Pattern JOIN = Pattern.compile("\"\\s*\\+\\s*\"");
    private static final String PREFIX = "msrsafe:";
    /** Literals shorter than this ("CPU ", ": ") say nothing of their own. */
    static final int MEANINGFUL = 8;

    private MessageSites() {}

    /** The sites of every {@code .java} file under {@code roots}, with paths relative to {@code base}. */
    static List<Site> under(Path base, List<Path> roots) throws IOException {
        List<Site> sites = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(file -> file.toString().endsWith(".java")).sorted().forEach(file -> {
                    try {
                        sites.addAll(in(base.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/'),
                                Files.readString(file, StandardCharsets.UTF_8)));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
        return sites;
    }

    /** The sites of one source file; those without a meaningful literal (a message passed on) are left out. */
    static List<Site> in(String file, String source) {
        String joined = JOIN.matcher(withoutComments(source)).replaceAll("");
        List<Site> sites = new ArrayList<>();
        boolean reasons = REASON_FILES.stream().anyMatch(file::endsWith);
        Matcher call = (reasons ? REASON : CALL).matcher(joined);
        while (call.find()) {
            String argument = reasons ? upTo(joined, call.end(), ';') : argument(joined, call.end());
            List<String> literals = new ArrayList<>();
            Matcher literal = LITERAL.matcher(argument);
            while (literal.find()) {
                String text = literal.group(1).replace("\\\"", "\"").replace("\\\\", "\\").replace("\\n", " ").strip();
                // Every line the command prints starts "msrsafe: "; the prefix is not the message.
                text = text.startsWith(PREFIX) ? text.substring(PREFIX.length()).strip() : text;
                if (!text.isEmpty()) {
                    literals.add(text);
                }
            }
            if (literals.stream().anyMatch(text -> text.length() >= MEANINGFUL)) {
                int line = (int) joined.substring(0, call.start()).chars().filter(c -> c == '\n').count() + 1;
                sites.add(new Site(file, line, literals));
            }
        }
        return sites;
    }

    /**
     * The source with its comments blanked (a javadoc snippet that prints is not a message the
     * code makes); line breaks are kept so that line numbers stay right.
     */
    static String withoutComments(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int at = 0;
        while (at < source.length()) {
            char c = source.charAt(at);
            if (c == '"') {
                int end = endOfLiteral(source, at);
                code.append(source, at, Math.min(source.length(), end + 1));
                at = end + 1;
            } else if (c == '\'' && at + 2 < source.length()) {
                int end = source.indexOf('\'', at + (source.charAt(at + 1) == '\\' ? 3 : 2));
                end = end < 0 ? source.length() - 1 : end;
                code.append(source, at, end + 1);
                at = end + 1;
            } else if (source.startsWith("//", at)) {
                int end = source.indexOf('\n', at);
                at = end < 0 ? source.length() : end;
            } else if (source.startsWith("/*", at)) {
                int end = source.indexOf("*/", at + 2);
                end = end < 0 ? source.length() : end + 2;
                source.substring(at, end).chars().filter(ch -> ch == '\n').forEach(ch -> code.append('\n'));
                at = end;
            } else {
                code.append(c);
                at++;
            }
        }
        return code.toString();
    }

    /** The text of the call's arguments: from {@code start} (after its '(') to the matching ')'. */
    private static String argument(String source, int start) {
        int depth = 1;
        int at = start;
        while (at < source.length() && depth > 0) {
            char c = source.charAt(at);
            if (c == '"') {
                at = endOfLiteral(source, at);
            } else if (c == '\'') {
                at = source.indexOf('\'', at + (source.charAt(at + 1) == '\\' ? 3 : 2));
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            at++;
        }
        return source.substring(start, Math.max(start, at - 1));
    }

    /** The text from {@code start} to the next {@code end} outside a literal. */
    private static String upTo(String source, int start, char end) {
        int at = start;
        while (at < source.length() && source.charAt(at) != end) {
            at = source.charAt(at) == '"' ? endOfLiteral(source, at) + 1 : at + 1;
        }
        return source.substring(start, at);
    }

    private static int endOfLiteral(String source, int quote) {
        int at = quote + 1;
        while (at < source.length() && source.charAt(at) != '"') {
            at += source.charAt(at) == '\\' ? 2 : 1;
        }
        return at;
    }
}
