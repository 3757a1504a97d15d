package io.github.msrsafe.internal.allowlist;

/** Byte classes of the kernel's ctype table, and printing of tokens for messages. */
public final class Tokens {

    /** Tokens longer than this are shortened in messages. */
    private static final int MAX_PRINTED = 40;

    private Tokens() {
    }

    /**
     * The kernel's {@code isspace}: space, \t, \n, \v, \f, \r and 0xA0 (the
     * Latin-1 no-break space, which the kernel's ctype table marks as space).
     */
    public static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r') || b == (byte) 0xA0;
    }

    /**
     * {@code text[start, end)} in single quotes for a message, printable ASCII
     * as is and other bytes escaped ({@code \t}, {@code \xA0}); long tokens are
     * shortened with "...".
     */
    public static String printable(byte[] text, int start, int end) {
        StringBuilder out = new StringBuilder(Math.min(end - start, MAX_PRINTED) + 8).append('\'');
        int stop = Math.min(end, start + MAX_PRINTED);
        for (int at = start; at < stop; at++) {
            appendEscaped(out, text[at]);
        }
        if (stop < end) {
            out.append("...");
        }
        return out.append('\'').toString();
    }

    /** The token as plain text with the same escapes as {@link #printable}, never shortened, no quotes. */
    public static String text(byte[] text, int start, int end) {
        StringBuilder out = new StringBuilder(end - start);
        for (int at = start; at < end; at++) {
            appendEscaped(out, text[at]);
        }
        return out.toString();
    }

    private static void appendEscaped(StringBuilder out, byte b) {
        switch (b) {
            case '\t' -> out.append("\\t");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\\' -> out.append("\\\\");
            case '\'' -> out.append("\\'");
            default -> {
                if (b >= 0x20 && b < 0x7F) {
                    out.append((char) b);
                } else {
                    out.append(String.format("\\x%02X", b & 0xFF));
                }
            }
        }
    }
}
