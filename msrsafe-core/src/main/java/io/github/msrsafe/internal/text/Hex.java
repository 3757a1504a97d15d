package io.github.msrsafe.internal.text;

import java.util.HexFormat;
import java.util.Locale;

/** How msrsafe-java spells a number in hexadecimal: {@code 0x}, then upper-case digits, unsigned. */
public final class Hex {

    private static final HexFormat UPPER = HexFormat.of().withUpperCase();

    private Hex() {}

    /**
     * {@return {@code value} without leading zeros, as messages print addresses and masks: 0x199, 0xC0010299}
     *
     * @param value the number, read as unsigned
     */
    public static String of(long value) {
        return "0x" + Long.toHexString(value).toUpperCase(Locale.ROOT);
    }

    /**
     * {@return {@code value} in all sixteen digits, as listings print register values: 0x0000000000001C00}
     *
     * @param value the number, read as unsigned
     */
    public static String of16(long value) {
        return "0x" + UPPER.toHexDigits(value);
    }
}
