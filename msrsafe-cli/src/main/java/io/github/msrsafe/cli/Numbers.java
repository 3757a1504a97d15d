package io.github.msrsafe.cli;

import java.math.BigInteger;
import java.util.Locale;

/**
 * Parses the numbers users type: register values and MSR addresses. Accepts decimal,
 * {@code 0x} hex and {@code 0b} binary, with {@code _} between digits. A leading zero
 * followed by more digits is refused: C tools (wrmsr) read it as octal, so it means
 * different things to different readers.
 */
final class Numbers {

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private Numbers() {}

    /**
     * An unsigned 64-bit value, returned in a long's 64 bits.
     *
     * @param what names the number in messages, e.g. "value"
     * @throws CliException (usage) naming the text and what is wrong with it
     */
    static long parseU64(String text, String what) {
        BigInteger value = parseUnsigned(text, what);
        if (value.compareTo(TWO_TO_64) >= 0) {
            throw CliException.usage(what + " " + text.strip() + " is wider than 64 bits (the largest is 0xFFFFFFFFFFFFFFFF)");
        }
        return value.longValue();
    }

    /** Like {@link #parseU64} for a number that must be at most {@code max}. */
    static long parseAtMost(String text, String what, long max) {
        BigInteger value = parseUnsigned(text, what);
        if (value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw CliException.usage(what + " " + text.strip() + " is above " + max);
        }
        return value.longValue();
    }

    /** Whether {@code text} looks like a number rather than a name: it starts with a digit. */
    static boolean looksNumeric(String text) {
        String trimmed = text.strip();
        return !trimmed.isEmpty() && (Character.isDigit(trimmed.charAt(0)) || trimmed.charAt(0) == '-' || trimmed.charAt(0) == '+');
    }

    /** "0xE7", as messages and tables print addresses. */
    static String hex(long value) {
        return "0x" + Long.toHexString(value).toUpperCase(Locale.ROOT);
    }

    /** "0x00000000000000E7": a 64-bit value at full width. */
    static String hex64(long value) {
        return String.format(Locale.ROOT, "0x%016X", value);
    }

    private static BigInteger parseUnsigned(String text, String what) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw CliException.usage(what + " is empty");
        }
        if (trimmed.startsWith("-")) {
            throw CliException.usage(what + " " + trimmed + " is negative; write an unsigned number"
                    + " (e.g. 0xFFFFFFFFFFFFFFFF for all ones)");
        }
        String digits = trimmed.startsWith("+") ? trimmed.substring(1) : trimmed;
        int radix = 10;
        String lower = digits.toLowerCase(Locale.ROOT);
        if (lower.startsWith("0x")) {
            radix = 16;
            digits = digits.substring(2);
        } else if (lower.startsWith("0b")) {
            radix = 2;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.charAt(0) == '0' && Character.isDigit(digits.charAt(1))) {
            throw CliException.usage(what + " " + trimmed + " has a leading zero, which C tools read as octal;"
                    + " write it as decimal without the zero, or as 0x hex");
        }
        if (digits.isEmpty() || digits.startsWith("_") || digits.endsWith("_") || digits.contains("__")) {
            throw notANumber(trimmed, what);
        }
        try {
            return new BigInteger(digits.replace("_", ""), radix);
        } catch (NumberFormatException e) {
            throw notANumber(trimmed, what);
        }
    }

    private static CliException notANumber(String text, String what) {
        return CliException.usage(what + " '" + text + "' is not a number (write decimal, 0x hex or 0b binary)");
    }
}
