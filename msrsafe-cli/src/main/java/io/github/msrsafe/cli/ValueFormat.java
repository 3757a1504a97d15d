package io.github.msrsafe.cli;

import java.math.BigInteger;
import java.util.Locale;

/**
 * How {@code read} prints a register, as rdmsr does: hexadecimal by default, or signed
 * or unsigned decimal, octal, or the raw bytes; optionally only a bit field
 * {@code HIGH:LOW} of the value, zero-filled to the field's width, as a C constant.
 *
 * <p>Widths and C forms follow rdmsr: with {@code -0} hex is padded to
 * {@code (bits + 3) / 4} digits, octal to {@code (bits + 2) / 3}, unsigned decimal to
 * the digits of the field's largest value, and signed decimal to those of its largest
 * magnitude plus one for the sign (so a positive value gets a leading 0). With
 * {@code -c}, hex gets {@code 0x}, octal a leading {@code 0} (so 0 is {@code 00}),
 * unsigned decimal a {@code U} suffix, and raw becomes a C byte-array initializer.
 * Signed decimal is the field as a two's-complement number of its own width (rdmsr
 * instead clears the sign bit and negates the rest; docs/cli.md lists the difference).
 *
 * @param radix    how digits are written
 * @param high     the field's highest bit (63 for the whole register)
 * @param low      the field's lowest bit (0 for the whole register)
 * @param zeroFill pad with zeros to the width of the field's largest value
 * @param cPrefix  write a C constant
 */
record ValueFormat(Radix radix, int high, int low, boolean zeroFill, boolean cPrefix) {

    /** The output modes rdmsr offers. */
    enum Radix { HEX, UPPER_HEX, SIGNED_DECIMAL, UNSIGNED_DECIMAL, OCTAL, RAW }

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

    /** Whether this format writes bytes rather than text ({@code -r} without {@code -c}). */
    boolean binary() {
        return radix == Radix.RAW && !cPrefix;
    }

    /** The field's bits of {@code register}, shifted down to bit 0. */
    long extract(long register) {
        long shifted = register >>> low;
        return bits() == 64 ? shifted : shifted & ((1L << bits()) - 1);
    }

    /** The field of {@code register} as rdmsr {@code -r} writes it: 8 bytes, least significant first (x86 order). */
    byte[] bytes(long register) {
        long field = extract(register);
        byte[] bytes = new byte[Long.BYTES];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (field >>> (8 * i));
        }
        return bytes;
    }

    /** The field of {@code register} in this format, as text (for {@link #binary()} formats, see {@link #bytes}). */
    String format(long register) {
        long field = extract(register);
        int bits = bits();
        return switch (radix) {
            case HEX, UPPER_HEX -> {
                String digits = Long.toHexString(field);
                digits = pad(radix == Radix.UPPER_HEX ? digits.toUpperCase(Locale.ROOT) : digits, (bits + 3) / 4);
                yield (cPrefix ? "0x" : "") + digits;
            }
            case OCTAL -> (cPrefix ? "0" : "") + pad(Long.toOctalString(field), (bits + 2) / 3);
            case UNSIGNED_DECIMAL -> pad(Long.toUnsignedString(field), maxUnsigned(bits).length()) + (cPrefix ? "U" : "");
            case SIGNED_DECIMAL -> {
                // The field read as a two's-complement number of its own width.
                long signed = bits == 64 ? field : (field << (64 - bits)) >> (64 - bits);
                String magnitude = signed < 0 ? Long.toUnsignedString(-signed) : Long.toString(signed);
                // rdmsr's width counts a sign column: a positive value fills it with a zero.
                int width = BigInteger.ONE.shiftLeft(bits - 1).toString().length() + 1;
                yield signed < 0 ? "-" + pad(magnitude, width - 1) : pad(magnitude, width);
            }
            case RAW -> {
                StringBuilder initializer = new StringBuilder("{");
                for (byte b : bytes(register)) {
                    initializer.append(initializer.length() == 1 ? "" : ",").append("0x")
                            .append(String.format(Locale.ROOT, "%02x", b & 0xFF));
                }
                yield initializer.append('}').toString();
            }
        };
    }

    private String pad(String digits, int width) {
        return zeroFill && digits.length() < width ? "0".repeat(width - digits.length()) + digits : digits;
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
