package io.github.msrsafe.internal.allowlist;

import io.github.msrsafe.Errno;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * The Linux kernel's {@code kstrtoull(s, 0, &value)} over a byte range, as
 * msr_safe applies it to each allowlist token. The rules (lib/kstrtox.c):
 * <ol>
 * <li>One leading {@code '+'} is skipped ({@code kstrtoull}); a {@code '-'} is not a digit.</li>
 * <li>Base 0 picks the radix from the first bytes: {@code '0'} followed by
 *     {@code 'x'} or {@code 'X'} and a hex digit is hexadecimal (the prefix is
 *     then skipped); any other leading {@code '0'} is octal (so {@code "0x"}
 *     alone, or {@code "0xg"}, is octal 0 followed by the garbage {@code 'x'});
 *     anything else is decimal.</li>
 * <li>Digits are read while they are digits of that radix ({@code a-f} and
 *     {@code A-F} for hex). A value above 2^64-1 sets a sticky overflow flag
 *     and reading goes on.</li>
 * <li>Overflow: ERANGE, checked first, even if garbage follows. No digit at
 *     all: EINVAL. One {@code '\n'} may follow the digits; anything else after
 *     them: EINVAL.</li>
 * </ol>
 * A token from an allowlist never contains whitespace, so the {@code '\n'}
 * allowance never applies there; it is kept for fidelity.
 */
public final class Kstrtoull {

    /** What a byte that is no digit at all maps to: above every radix. */
    private static final byte NOT_A_DIGIT = 127;

    private static final long LAST_SAFE_16 = Long.divideUnsigned(-1L, 16);
    private static final long LAST_SAFE_10 = Long.divideUnsigned(-1L, 10);
    private static final long LAST_SAFE_8 = Long.divideUnsigned(-1L, 8);

    /** Each byte's digit value (0-9, a-f and A-F as 10-15), else {@link #NOT_A_DIGIT}: one load per byte. */
    private static final byte[] DIGIT_VALUES = new byte[256];

    static {
        Arrays.fill(DIGIT_VALUES, NOT_A_DIGIT);
        for (int b = 0; b < 256; b++) {
            int digit = digitValue((byte) b);
            if (digit >= 0) {
                DIGIT_VALUES[b] = (byte) digit;
            }
        }
    }

    private Kstrtoull() {
    }

    /**
     * Converts {@code text[start, end)}.
     *
     * @param valueOut {@code valueOut[0]} receives the value when the result is 0
     * @return 0 on success, else the positive errno (ERANGE or EINVAL)
     */
    public static int convert(byte[] text, int start, int end, long[] valueOut) {
        int at = start;
        if (at < end && text[at] == '+') {
            at++;
        }
        int radix = radixAt(text, at, end);
        if (radix == 16) {
            at += 2;
        }
        // value * radix + digit > 2^64-1 exactly when value is above (2^64-1) / radix, or equal
        // to it with digit above (2^64-1) % radix: a compare instead of a division per digit.
        long lastSafe = lastSafe(radix);
        int lastSafeDigit = lastSafeDigit(radix);
        long value = 0;
        boolean overflow = false;
        int digitsStart = at;
        while (at < end) {
            int digit = DIGIT_VALUES[text[at] & 0xFF];
            if (digit >= radix) {
                break;
            }
            if (Long.compareUnsigned(value, lastSafe) >= 0 && (value != lastSafe || digit > lastSafeDigit)) {
                overflow = true;
            }
            value = value * radix + digit;
            at++;
        }
        if (overflow) {
            return Errno.ERANGE.number();
        }
        if (at == digitsStart) {
            return Errno.EINVAL.number();
        }
        if (at < end && text[at] == '\n') {
            at++;
        }
        if (at != end) {
            return Errno.EINVAL.number();
        }
        valueOut[0] = value;
        return 0;
    }

    /**
     * Says in plain words why {@link #convert} rejects {@code text[start, end)},
     * e.g. {@code "'g' at column offset 4 is not a hex digit"}. Meant only for a
     * token that failed; {@code columnOf} maps a byte offset to its 1-based column.
     */
    public static String explain(byte[] text, int start, int end, IntUnaryOperator columnOf) {
        int at = start;
        if (at < end && text[at] == '+') {
            at++;
        }
        if (at < end && text[at] == '-') {
            return "negative numbers are not allowed";
        }
        if (at < end && text[at] == '+') {
            return "only one '+' sign is allowed";
        }
        int radix = radixAt(text, at, end);
        boolean hexPrefixWithoutDigits = radix == 8 && at + 1 < end && (text[at + 1] | 0x20) == 'x';
        if (radix == 16) {
            at += 2;
        }
        int digitsStart = at;
        while (at < end && DIGIT_VALUES[text[at] & 0xFF] < radix) {
            at++;
        }
        // convert checks for overflow first, over the same digits: ask it rather than count again.
        if (convert(text, start, end, new long[1]) == Errno.ERANGE.number()) {
            return "the value is larger than 2^64-1 (0xFFFFFFFFFFFFFFFF)";
        }
        if (at == digitsStart && at < end && text[at] == '#') {
            return "a comment can only start where an entry can, not between an address and its write mask";
        }
        if (at == digitsStart) {
            return at == end ? "there is no digit" : Tokens.printable(text, at, at + 1)
                    + " at column " + columnOf.applyAsInt(at) + " cannot start a number";
        }
        if (hexPrefixWithoutDigits && at == digitsStart + 1) {
            return "'0" + (char) text[digitsStart + 1] + "' is not followed by a hex digit,"
                    + " so the kernel reads a leading 0 (octal) and then the garbage '" + (char) text[digitsStart + 1] + "'";
        }
        String bad = Tokens.printable(text, at, at + 1);
        String where = " at column " + columnOf.applyAsInt(at);
        if (text[at] == (byte) 0xC2 && at + 1 == end && end < text.length && text[end] == (byte) 0xA0) {
            return bad + where + " is the first byte of a UTF-8 no-break space (C2 A0); the kernel counts"
                    + " only its second byte as whitespace, so the first is left in the number. Use a plain space";
        }
        int digit = digitValue(text[at]);
        if (digit >= 0 && radix == 8) {
            return bad + where + " is not an octal digit (a number with a leading 0 is octal;"
                    + " write it without the 0, or as 0x... hex)";
        }
        if (digit >= 0 && radix == 10) {
            return bad + where + " is not a decimal digit (hex needs the 0x prefix)";
        }
        if (text[at] == '#') {
            return "'#'" + where + " is glued to the number; a comment needs whitespace before it";
        }
        String kind = switch (radix) {
            case 16 -> "a hex digit";
            case 8 -> "an octal digit";
            default -> "a decimal digit";
        };
        return bad + where + " is not " + kind;
    }

    /** {@return 0-15 for a hex digit (0-9, a-f, A-F), else -1} */
    static int hexDigitValue(byte b) {
        int digit = DIGIT_VALUES[b & 0xFF];
        return digit < 16 ? digit : -1;
    }

    /** (2^64-1) / radix, unsigned: the largest value that may take one more digit. */
    private static long lastSafe(int radix) {
        return switch (radix) {
            case 16 -> LAST_SAFE_16;
            case 8 -> LAST_SAFE_8;
            default -> LAST_SAFE_10;
        };
    }

    /** (2^64-1) % radix: the largest digit {@link #lastSafe} may take. */
    private static int lastSafeDigit(int radix) {
        return switch (radix) {
            case 16 -> 15;
            case 8 -> 7;
            default -> 5;
        };
    }

    /** 16, 8 or 10 as base 0 detects it at {@code at}; the caller skips "0x" for 16. */
    private static int radixAt(byte[] text, int at, int end) {
        if (at < end && text[at] == '0') {
            boolean hex = at + 2 < end && (text[at + 1] | 0x20) == 'x' && isHexDigit(text[at + 2]);
            return hex ? 16 : 8;
        }
        return 10;
    }

    private static boolean isHexDigit(byte b) {
        return digitValue(b) >= 0;
    }

    /** 0-15 for 0-9, a-f, A-F; -1 for anything else. */
    private static int digitValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int lower = b | 0x20;
        if (lower >= 'a' && lower <= 'f') {
            return lower - 'a' + 10;
        }
        return -1;
    }
}
