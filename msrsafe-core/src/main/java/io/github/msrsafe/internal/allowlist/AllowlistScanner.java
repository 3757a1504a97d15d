package io.github.msrsafe.internal.allowlist;

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

    private final byte[] text;
    private final int limit;
    private int position;
    private boolean expectingMask;
    private boolean finished;
    private int itemStart;
    private int itemEnd;

    /** Scans {@code text}, which ends at its first NUL byte. */
    public AllowlistScanner(byte[] text) {
        this.text = text;
        this.limit = inputEnd(text);
    }

    /** The offset of the first NUL byte, or the length: where the module stops reading. */
    public static int inputEnd(byte[] text) {
        for (int at = 0; at < text.length; at++) {
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
        while (position < limit && !Tokens.isSpace(text[position])) {
            position++;
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
