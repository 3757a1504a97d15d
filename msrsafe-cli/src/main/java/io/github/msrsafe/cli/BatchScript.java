package io.github.msrsafe.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A batch described as text, one op per line:
 * {@snippet lang=text :
 * # comments start with '#'; blank lines are ignored
 * read  0    0x10              # IA32_TIME_STAMP_COUNTER on CPU 0
 * read  0-3  IA32_MPERF        # a CPU list gives one op per CPU
 * write 2    0xE7  0
 * }
 * A malformed line is a usage error naming {@code file:line:column}.
 *
 * @param ops the ops in order
 */
record BatchScript(List<Op> ops) {

    /** The largest batch file read, in bytes: far more than any node's ops, small enough to hold. */
    static final int MAX_BYTES = 16 << 20;

    /** The longest line, in characters; a longer one is refused before it is split into tokens. */
    static final int MAX_LINE = 4096;

    /** The most ops a script may make (CPU lists expanded): 2^20, eight ioctls of the kernel's largest. */
    static final int MAX_OPS = 1 << 20;

    /**
     * One op and the line it came from.
     *
     * @param line  1-based line of the script
     * @param read  true for a read
     * @param cpu   the CPU
     * @param msr   the MSR address
     * @param value the value to write (0 for a read)
     */
    record Op(int line, boolean read, int cpu, long msr, long value) {}

    BatchScript {
        ops = List.copyOf(ops);
    }

    /**
     * Parses a script.
     *
     * @param source the file name for messages ("-" reads as "<stdin>")
     * @throws CliException (usage) with {@code source:line:column: what is wrong}
     */
    static BatchScript parse(String text, String source) {
        List<Op> ops = new ArrayList<>();
        int lineNumber = 0;
        int start = 0;
        while (start <= text.length()) {
            lineNumber++;
            int end = lineEnd(text, start);
            if (end - start > MAX_LINE) {
                throw error(source, lineNumber, MAX_LINE + 1, "the line is " + (end - start) + " characters long; a batch"
                        + " line is at most " + MAX_LINE + " (is this a batch file?)");
            }
            if (!ignorable(text, start, end)) {
                parseLine(text.substring(start, end), source, lineNumber, ops);
            }
            start = end + (end + 1 < text.length() && text.charAt(end) == '\r' && text.charAt(end + 1) == '\n' ? 2 : 1);
        }
        if (ops.isEmpty()) {
            throw CliException.usage(source + ": no operations (expected lines like 'read 0 0x10' or 'write 0 0x199 0x1F00')");
        }
        return new BatchScript(ops);
    }

    /** A token of a line and its 1-based column. */
    private record Token(String text, int column) {}

    private static void parseLine(String line, String source, int lineNumber, List<Op> ops) {
        List<Token> tokens = tokens(line);
        if (tokens.isEmpty()) {
            return;
        }
        int endColumn = line.indexOf('#') >= 0 ? line.indexOf('#') + 1 : line.length() + 1;
        Token verb = tokens.get(0);
        boolean read = switch (verb.text().toLowerCase(Locale.ROOT)) {
            case "read" -> true;
            case "write" -> false;
            default -> throw error(source, lineNumber, verb.column(),
                    "unknown operation '" + Numbers.quoted(verb.text()) + "': expected 'read CPU MSR' or 'write CPU MSR VALUE'");
        };
        String shape = read ? "'read CPU MSR'" : "'write CPU MSR VALUE'";
        int expected = read ? 3 : 4;
        if (tokens.size() < expected) {
            String missing = switch (tokens.size()) {
                case 1 -> "CPU";
                case 2 -> "MSR";
                default -> "VALUE";
            };
            throw error(source, lineNumber, endColumn, "missing " + missing + ": expected " + shape);
        }
        if (tokens.size() > expected) {
            Token extra = tokens.get(expected);
            throw error(source, lineNumber, extra.column(), "unexpected '" + Numbers.quoted(extra.text()) + "' after " + shape);
        }
        List<Integer> cpus = located(source, lineNumber, tokens.get(1), () -> CpuList.parse(tokens.get(1).text()).cpus());
        long msr = located(source, lineNumber, tokens.get(2), () -> MsrNames.parse(tokens.get(2).text()));
        long value = read ? 0 : located(source, lineNumber, tokens.get(3), () -> Numbers.parseU64(tokens.get(3).text(), "value"));
        if (ops.size() + cpus.size() > MAX_OPS) {
            throw error(source, lineNumber, tokens.get(1).column(), "the batch would have more than " + MAX_OPS
                    + " ops (CPU lists expanded); split it into several files");
        }
        for (int cpu : cpus) {
            ops.add(new Op(lineNumber, read, cpu, msr, value));
        }
    }

    /** Whether {@code text[start, end)} is blank or only a comment: skipped without being copied. */
    private static boolean ignorable(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c == '#') {
                return true;
            }
            if (!Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    /** The end (exclusive) of the line starting at {@code start}: the next line break ({@code \\R}) or the end of the text. */
    private static int lineEnd(String text, int start) {
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u000B' || c == '\f' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return i;
            }
        }
        return text.length();
    }

    private static List<Token> tokens(String line) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '#') {
                break;
            }
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            while (i < line.length() && !Character.isWhitespace(line.charAt(i)) && line.charAt(i) != '#') {
                i++;
            }
            tokens.add(new Token(line.substring(start, i), start + 1));
        }
        return tokens;
    }

    private interface Parse<T> {
        T get();
    }

    /** Runs a token's parser, putting the token's place in front of its message. */
    private static <T> T located(String source, int line, Token token, Parse<T> parse) {
        try {
            return parse.get();
        } catch (CliException e) {
            throw error(source, line, token.column(), e.getMessage());
        }
    }

    private static CliException error(String source, int line, int column, String message) {
        return CliException.usage(source + ":" + line + ":" + column + ": " + message);
    }
}
