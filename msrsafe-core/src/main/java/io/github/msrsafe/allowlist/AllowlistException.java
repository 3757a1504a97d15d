package io.github.msrsafe.allowlist;

import io.github.msrsafe.Errno;
import io.github.msrsafe.MsrSafeException;
import java.util.Optional;

/**
 * The msr_safe module would reject this allowlist: the errno it returns,
 * where (line, column, token) and whether the previous allowlist survives.
 *
 * <p>A message from {@link Allowlist#parse(byte[], String)} looks like:
 * {@snippet lang=text :
 * al_06_55: line 212, column 12: '0x19g' is not a number (EINVAL): 'g' at column 16 is not a hex digit;
 * the module rejects the write and keeps the previous allowlist
 * }
 *
 * <p>Lines count {@code '\n'} bytes; columns count bytes from 1. An error that
 * has no place in the text (an empty allowlist is ENOMSG at the end, a write
 * that is too large is E2BIG at its first byte beyond the limit) still names
 * the place the module gave up at.
 */
public class AllowlistException extends MsrSafeException {
    private static final long serialVersionUID = 1L;

    /** False after a second-pass error, which leaves the module's allowlist empty. */
    private final boolean keepsPreviousAllowlist;
    /** The 1-based line, or 0. */
    private final int line;
    /** The 1-based column in bytes, or 0. */
    private final int column;
    /** The offending token, printable, or null. */
    private final String token;

    /**
     * An allowlist write failed with {@code errno} and no known place in the
     * text (for instance the device itself returned the error).
     *
     * @param errno                  the positive errno
     * @param source                 the file or device, as messages name it
     * @param reason                 what is wrong, in plain words
     * @param keepsPreviousAllowlist whether the module's previous allowlist survives
     */
    public AllowlistException(int errno, String source, String reason, boolean keepsPreviousAllowlist) {
        super(errno, "install allowlist", source, -1, -1, reason);
        this.keepsPreviousAllowlist = keepsPreviousAllowlist;
        this.line = 0;
        this.column = 0;
        this.token = null;
    }

    /**
     * The module would reject the text with {@code errno} at this place.
     *
     * @param errno       the error the module returns
     * @param source      the file or device the text comes from, as messages name it
     * @param line        1-based line
     * @param column      1-based column, in bytes
     * @param token       the offending token as printable text, or null if none
     * @param description what is wrong, e.g. {@code "'0x19g' is not a number (EINVAL): 'g' ..."}
     * @param keepsPreviousAllowlist whether the module's previous allowlist survives
     * @throws IllegalArgumentException if line or column is below 1
     */
    public AllowlistException(Errno errno, String source, int line, int column, String token, String description,
            boolean keepsPreviousAllowlist) {
        super(errno.number(), "install allowlist", source, -1, -1,
                "line " + line + ", column " + column + ": " + description + consequence(keepsPreviousAllowlist));
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column are 1-based: line " + line + ", column " + column);
        }
        this.keepsPreviousAllowlist = keepsPreviousAllowlist;
        this.line = line;
        this.column = column;
        this.token = token;
    }

    private static String consequence(boolean keepsPrevious) {
        return keepsPrevious
                ? "; the module rejects the write and keeps the previous allowlist"
                : "; the module rejects the write and leaves the allowlist EMPTY";
    }

    /**
     * True for a first-pass error (the module leaves the previous allowlist in place);
     * false for a second-pass error such as a duplicate address (ENOTUNIQ), after
     * which the module's allowlist is empty.
     *
     * @return whether the previous allowlist survives
     */
    public boolean keepsPreviousAllowlist() {
        return keepsPreviousAllowlist;
    }

    /** {@return the 1-based line of the error, or 0 if it has no place in the text} */
    public int line() {
        return line;
    }

    /** {@return the 1-based column (in bytes) of the error, or 0 if it has no place in the text} */
    public int column() {
        return column;
    }

    /** {@return the offending token, printable ({@code \xA0} for a non-ASCII byte), if the error has one} */
    public Optional<String> token() {
        return Optional.ofNullable(token);
    }

    /** {@code source: line L, column C: ...} for a located error, else the general message. */
    @Override
    public String getMessage() {
        return line > 0 ? device() + ": " + reason() : super.getMessage();
    }

}
