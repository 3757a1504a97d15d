package io.github.msrsafe.cli;

import java.math.BigInteger;
import java.util.Locale;

/**
 * How {@code read} prints a register, after rdmsr: hexadecimal by default, or signed
 * or unsigned decimal, or octal; optionally a bit field {@code HIGH:LOW} of the value,
 * zero-padded to the field's width, with a C prefix.
 *
 * @param radix   how digits are written
 * @param high    the field's highest bit (63 for the whole register)
 * @param low     the field's lowest bit (0 for the whole register)
 * @param zeroPad pad with zeros to the width of the field's largest value
 * @param cPrefix prefix hex with 0x and octal with 0
 */
record ValueFormat(Radix radix, int high, int low, boolean zeroPad, boolean cPrefix) {

    /** The digit styles rdmsr offers. */
    enum Radix { HEX, UPPER_HEX, SIGNED_DECIMAL, UNSIGNED_DECIMAL, OCTAL }

    /** rdmsr's default: lower-case hex, whole register, no padding, no prefix. */
    static final ValueFormat DEFAULT = new ValueFormat(Radix.HEX, 63, 0, false, false);

    ValueFormat {
        if (low < 0 || high > 63 || high < low) {
            throw CliException.usage("bit field " + high + ":" + low + " must be HIGH:LOW with 63 >= HIGH >= LOW >= 0");
        }
    }

    /**
     * Parses rdmsr's {@code -f HIGH:LOW}.
     *
     * @return {@code {high, low}}
     */
    static int[] parseField(String text) {
        String[] parts = text.strip().split(":", -1);
        if (parts.length != 2) {
            throw CliException.usage("bit field '" + text + "' must be HIGH:LOW, e.g. 15:0");
        }
        int high = bit(parts[0], text);
        int low = bit(parts[1], text);
        if (high < low) {
            throw CliException.usage("bit field '" + text + "' must be HIGH:LOW with HIGH >= LOW (write " + low + ":" + high + ")");
        }
        return new int[] {high, low};
    }

    /** Number of bits in the field. */
    int bits() {
        return high - low + 1;
    }

    /** The field's bits of {@code register}, shifted down to bit 0. */
    long extract(long register) {
        long shifted = register >>> low;
        return bits() == 64 ? shifted : shifted & ((1L << bits()) - 1);
    }

    /** The field of {@code register} in this format. */
    String format(long register) {
        long field = extract(register);
        int bits = bits();
        return switch (radix) {
            case HEX, UPPER_HEX -> {
                String digits = Long.toHexString(field);
                digits = pad(radix == Radix.UPPER_HEX ? digits.toUpperCase(Locale.ROOT) : digits, (bits + 3) / 4);
                yield (cPrefix ? "0x" : "") + digits;
            }
            case OCTAL -> {
                String digits = pad(Long.toOctalString(field), (bits + 2) / 3);
                yield (cPrefix && !digits.equals("0") ? "0" : "") + digits;
            }
            case UNSIGNED_DECIMAL -> pad(Long.toUnsignedString(field), maxUnsigned(bits).length());
            case SIGNED_DECIMAL -> {
                // The field read as a two's-complement number of its own width.
                long signed = bits == 64 ? field : (field << (64 - bits)) >> (64 - bits);
                String magnitude = signed < 0 ? Long.toUnsignedString(-signed) : Long.toString(signed);
                String digits = pad(magnitude, maxUnsigned(bits - 1).length());
                yield signed < 0 ? "-" + digits : digits;
            }
        };
    }

    private String pad(String digits, int width) {
        return zeroPad && digits.length() < width ? "0".repeat(width - digits.length()) + digits : digits;
    }

    private static String maxUnsigned(int bits) {
        return BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).toString();
    }

    private static int bit(String text, String field) {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || trimmed.length() > 2 || !trimmed.chars().allMatch(Character::isDigit)
                || Integer.parseInt(trimmed) > 63) {
            throw CliException.usage("bit field '" + field + "': '" + trimmed + "' is not a bit number 0..63");
        }
        return Integer.parseInt(trimmed);
    }
}
