package io.github.msrsafe.internal.allowlist;

import io.github.msrsafe.Errno;
import io.github.msrsafe.internal.text.Hex;

/**
 * The plain-words descriptions of the module's rejections, shared by the
 * parser's exceptions and the linter's findings so both say the same thing.
 * Each names the errno in parentheses.
 */
public final class Verdicts {

    /** The largest write the module accepts, in bytes. */
    public static final int MAX_WRITE_BYTES = 128 * 1024;

    private Verdicts() {
    }

    /**
     * The text is larger than one write may be.
     *
     * @param length its size in bytes, or -1 when it is not known (a device or a pipe read up to the limit)
     */
    public static String tooLarge(long length) {
        return "the text is " + (length < 0 ? "" : length + " bytes, ") + "more than the " + MAX_WRITE_BYTES
                + " bytes (128 KiB) the module accepts in one write (E2BIG); the first byte beyond the limit is here";
    }

    /**
     * A token kstrtoull rejects with {@code errno} (EINVAL or ERANGE).
     *
     * @param mask true for the write mask token, false for the address
     */
    public static String notANumber(byte[] text, int start, int end, boolean mask, int errno, LineMap lines) {
        String what = (mask ? "write mask " : "address ") + Tokens.printable(text, start, end);
        String why = Kstrtoull.explain(text, start, end, lines::column);
        return errno == Errno.ERANGE.number()
                ? what + " is too large (ERANGE): " + why
                : what + " is not a number (EINVAL): " + why;
    }

    /**
     * A token that runs into the end of input (EILSEQ). {@code start == end}
     * means an address with nothing but whitespace after it; the address is
     * {@code text[addressStart, addressEnd)}.
     */
    public static String truncated(byte[] text, int start, int end, boolean mask, LineMap lines, int addressStart,
            int addressEnd) {
        String cause = end < text.length
                ? "the NUL byte at line " + lines.line(end) + ", column " + lines.column(end) + " ends the input"
                : "the input ends";
        if (start == end) {
            return "address " + Tokens.printable(text, addressStart, addressEnd) + " has no write mask: " + cause
                    + " first (EILSEQ); every entry needs an address and a write mask (0 for read-only)";
        }
        String what = mask ? "write mask " : "address ";
        return what + Tokens.printable(text, start, end) + " runs into the end of input (EILSEQ): " + cause
                + " right after it, and the module needs whitespace after every token"
                + (end < text.length ? "" : "; end the text with a newline");
    }

    /** An address listed a second time (ENOTUNIQ), first listed at the given place. */
    public static String duplicate(String printableToken, long address, int firstLine, int firstColumn) {
        return "address " + printableToken + " (" + Hex.of(address)
                + ") is already listed at line " + firstLine + ", column " + firstColumn
                + " (ENOTUNIQ): each address may appear once; the module finds this in its second pass,"
                + " after it has discarded the previous allowlist";
    }

    /** No entry before the end of input (ENOMSG). */
    public static String noEntries(boolean endedByNul) {
        return "no entries (ENOMSG): the text holds only whitespace and comments"
                + (endedByNul ? " before the NUL byte that ends it" : "");
    }
}
