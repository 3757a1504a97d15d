package io.github.msrsafe.cli;

import io.github.msrsafe.internal.text.Hex;
import java.util.Locale;

/**
 * Parses the numbers users type: register values and MSR addresses. Accepts decimal,
 * {@code 0x} hex and {@code 0b} binary, with {@code _} between digits. A leading zero
 * followed by more digits is refused: C tools (wrmsr) read it as octal, so it means
 * different things to different readers.
 */
final class Numbers {

    /** Text quoted in messages is cut to this many characters. */
    static final int QUOTED_LENGTH = 40;

    private Numbers() {}

    /**
     * An unsigned 64-bit value, returned in a long's 64 bits. The text is checked digit by
     * digit and by its count of significant digits before it is converted, so the work is
     * linear in its length and a number of any length is refused at once.
     *
     * @param what names the number in messages, e.g. "value"
     * @throws CliException (usage) naming the text and what is wrong with it
     */
    static long parseU64(String text, String what) {
        return parseU64(text, what, "write an unsigned number (e.g. 0xFFFFFFFFFFFFFFFF for all ones)");
    }

    /** Like {@link #parseU64(String, String)}, saying {@code negative} about a negative number. */
    static long parseU64(String text, String what, String negative) {
        return parse(text, what, -1L, negative);
    }

    /**
     * Like {@link #parseU64} for a count, a port or an address that must be at most
     * {@code max} (non-negative): a negative number is refused with the range, not with a
     * hint about all-ones values.
     */
    static long parseAtMost(String text, String what, long max) {
        return parseInRange(text, what, 0, max);
    }

    /** Like {@link #parseAtMost} for a number from {@code min} to {@code max} (both non-negative). */
    static long parseInRange(String text, String what, long min, long max) {
        long value = parse(text, what, max, "give a number from " + min + " to " + max);
        if (value < min) {
            throw CliException.usage(what + " " + quoted(text.strip()) + " is below " + min + "; give a number from " + min
                    + " to " + max);
        }
        return value;
    }

    /** Whether {@code text} looks like a number rather than a name: it starts with a digit. */
    static boolean looksNumeric(String text) {
        String trimmed = text.strip();
        return !trimmed.isEmpty() && (Character.isDigit(trimmed.charAt(0)) || trimmed.charAt(0) == '-' || trimmed.charAt(0) == '+');
    }

    /**
     * {@code text} as messages quote it: cut to {@value #QUOTED_LENGTH} characters, with its length
     * when cut, and control characters escaped (a newline as backslash-n, ESC as backslash-u001B), so that a message stays
     * one line and user input cannot move the terminal's cursor or change its colours.
     */
    static String quoted(String text) {
        String shown = text.length() <= QUOTED_LENGTH ? text : text.substring(0, QUOTED_LENGTH - 3);
        StringBuilder out = escapeControls(shown, new StringBuilder(shown.length() + 16));
        return shown.length() == text.length() ? out.toString()
                : out.append("... (").append(text.length()).append(" characters)").toString();
    }

    /**
     * {@code text} with its control characters escaped as {@link #quoted} escapes them, appended
     * to {@code out}: a path or name that holds ESC or a newline cannot move the terminal's
     * cursor, change its colours, or break a message into two lines.
     */
    static StringBuilder escapeControls(String text, StringBuilder out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out;
    }

    /**
     * The number {@code text} spells, refused when it is above {@code max} (unsigned; -1 for
     * any 64-bit value); {@code negative} says what to write instead of a negative number.
     */
    private static long parse(String text, String what, long max, String negative) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw CliException.usage(what + " is empty: give a number (decimal, 0x hex or 0b binary)");
        }
        if (trimmed.startsWith("-")) {
            throw CliException.usage(what + " " + quoted(trimmed) + " is negative; " + negative);
        }
        String digits = trimmed.startsWith("+") ? trimmed.substring(1) : trimmed;
        int radix = 10;
        String prefix = digits.length() >= 2 ? digits.substring(0, 2).toLowerCase(Locale.ROOT) : "";
        if (prefix.equals("0x")) {
            radix = 16;
            digits = digits.substring(2);
        } else if (prefix.equals("0b")) {
            radix = 2;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.charAt(0) == '0' && Character.isDigit(digits.charAt(1))) {
            throw CliException.usage(what + " " + quoted(trimmed) + " has a leading zero, which C tools read as octal;"
                    + " write it as decimal without the zero, or as 0x hex");
        }
        if (digits.isEmpty() || digits.startsWith("_") || digits.endsWith("_") || digits.contains("__")) {
            throw notANumber(trimmed, what);
        }
        // One pass: every character a digit of the radix or '_', and the digits that count (after leading zeros).
        StringBuilder significant = new StringBuilder(Math.min(digits.length(), 64));
        int widest = radix == 16 ? 16 : radix == 2 ? 64 : 20;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c == '_') {
                continue;
            }
            if (Character.digit(c, radix) < 0 || c > 'z') {
                throw notANumber(trimmed, what);
            }
            if (significant.length() <= widest && !(significant.isEmpty() && c == '0')) {
                significant.append(c);
            }
        }
        long value;
        if (significant.length() > widest) {
            throw tooWide(trimmed, what, max);
        }
        try {
            value = significant.isEmpty() ? 0 : Long.parseUnsignedLong(significant.toString(), radix);
        } catch (NumberFormatException e) {
            throw tooWide(trimmed, what, max); // 20 decimal digits above 18446744073709551615
        }
        if (max >= 0 && Long.compareUnsigned(value, max) > 0) {
            throw aboveMax(trimmed, what, max);
        }
        return value;
    }

    private static CliException tooWide(String text, String what, long max) {
        return max >= 0 ? aboveMax(text, what, max)
                : CliException.usage(what + " " + quoted(text) + " is wider than 64 bits (the largest is 0xFFFFFFFFFFFFFFFF)");
    }

    private static CliException aboveMax(String text, String what, long max) {
        return CliException.usage(what + " " + quoted(text) + " is above " + max + ", the most it may be");
    }

    private static CliException notANumber(String text, String what) {
        return CliException.usage(what + " '" + quoted(text) + "' is not a number (write decimal, 0x hex or 0b binary)");
    }
}
