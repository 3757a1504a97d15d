package io.github.msrsafe.internal.allowlist;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * msr_safe's first-pass scan of an allowlist write, item by item, exactly as
 * the module walks the buffer: before each entry, whitespace is skipped and,
 * while the next byte is {@code '#'}, everything up to the next {@code '\n'}
 * and the whitespace after it; then an address token and a mask token, each
 * a maximal run of non-whitespace bytes, each followed by whitespace. The
 * input ends at the first NUL byte or at the end of the array.
 *
 * <p>The caller converts each token as it arrives: the module converts the
 * address before it scans the mask, so an invalid address is reported even
 * when the mask runs into the end of input.
 */
public final class AllowlistScanner {

    /** What {@link #next()} found. */
    public enum Item {
        /** A comment from '#' up to (not including) the '\n' or the end of input. */
        COMMENT,
        /** The address token of an entry. */
        ADDRESS,
        /** The write mask token of the entry whose address came last. */
        MASK,
        /**
         * A token that runs into the end of input, the module's "premature EOF"
         * (EILSEQ); {@link #expectingMask()} tells which. It may be empty: an
         * address followed only by whitespace. Nothing follows it.
         */
        TRUNCATED,
        /** The end of input where an entry could start. */
        END
    }

    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** The most hex digits whose value cannot overflow 64 bits. */
    private static final int SAFE_HEX_DIGITS = 16;

    private final byte[] text;
    private final int limit;
    private int position;
    private boolean expectingMask;
    private boolean finished;
    private int itemStart;
    private int itemEnd;
    private boolean hexValueKnown;
    private long hexValue;

    /** Scans {@code text}, which ends at its first NUL byte. */
    public AllowlistScanner(byte[] text) {
        this.text = text;
        this.limit = inputEnd(text);
    }

    /** The offset of the first NUL byte, or the length: where the module stops reading. */
    public static int inputEnd(byte[] text) {
        int at = 0;
        // Eight bytes at a time until a word holds a zero byte (the classic test: exact for
        // whether there is one, though not for which), then byte by byte from that word.
        for (; at <= text.length - Long.BYTES; at += Long.BYTES) {
            long word = (long) WORDS.get(text, at);
            if (((word - 0x0101_0101_0101_0101L) & ~word & 0x8080_8080_8080_8080L) != 0) {
                break;
            }
        }
        for (; at < text.length; at++) {
            if (text[at] == 0) {
                return at;
            }
        }
        return text.length;
    }

    /** Where the input ends (first NUL or the array's length). */
    public int limit() {
        return limit;
    }

    /** The next item; after TRUNCATED or END, END forever. */
    public Item next() {
        if (finished) {
            itemStart = itemEnd = limit;
            return Item.END;
        }
        if (expectingMask) {
            return token(Item.MASK);
        }
        skipSpaces();
        if (position < limit && text[position] == '#') {
            itemStart = position;
            while (position < limit && text[position] != '\n') {
                position++;
            }
            itemEnd = position;
            return Item.COMMENT;
        }
        if (position == limit) {
            finished = true;
            itemStart = itemEnd = limit;
            return Item.END;
        }
        return token(Item.ADDRESS);
    }

    private Item token(Item kind) {
        itemStart = position;
        hexValueKnown = shortHexToken();
        if (!hexValueKnown) {
            while (position < limit && !Tokens.isSpace(text[position])) {
                position++;
            }
        }
        itemEnd = position;
        if (position == limit) {
            finished = true;
            return Item.TRUNCATED;
        }
        skipSpaces();
        expectingMask = kind == Item.ADDRESS;
        return kind;
    }

    private void skipSpaces() {
        while (position < limit && Tokens.isSpace(text[position])) {
            position++;
        }
    }

    /**
     * The common form of a token, 0x or 0X, 1 to 16 hex digits and whitespace, read in
     * one pass with its value: on true, {@link #position} is past it and {@link #hexValue}
     * holds what kstrtoull makes of it. Anything else (decimal, octal, a '+', more digits,
     * a stray byte, the end of input) is false, with {@link #position} unmoved, for the
     * byte-exact path.
     */
    private boolean shortHexToken() {
        int at = position;
        if (limit - at < 4 || text[at] != '0' || (text[at + 1] | 0x20) != 'x') {
            return false;
        }
        at += 2;
        int digitsStart = at;
        long value = 0;
        int digitsEnd = Math.min(limit, digitsStart + SAFE_HEX_DIGITS + 1);
        while (at < digitsEnd) {
            int digit = Kstrtoull.hexDigitValue(text[at]);
            if (digit < 0) {
                break;
            }
            value = value << 4 | digit;
            at++;
        }
        int digits = at - digitsStart;
        if (digits == 0 || digits > SAFE_HEX_DIGITS || at == limit || !Tokens.isSpace(text[at])) {
            return false;
        }
        position = at;
        hexValue = value;
        return true;
    }

    /**
     * Whether the last ADDRESS or MASK token was of the common form (0x and at most 16
     * hex digits), whose value {@link #hexValue()} then holds; if false, convert the
     * token with {@link Kstrtoull#convert}.
     */
    public boolean hexValueKnown() {
        return hexValueKnown;
    }

    /** The last token's value when {@link #hexValueKnown()}; the same {@link Kstrtoull#convert} gives. */
    public long hexValue() {
        return hexValue;
    }

    /** For TRUNCATED: true if the token cut off is a write mask, false if an address. */
    public boolean expectingMask() {
        return expectingMask;
    }

    /** Offset of the first byte of the last item. */
    public int start() {
        return itemStart;
    }

    /** Offset just past the last item. */
    public int end() {
        return itemEnd;
    }
}
