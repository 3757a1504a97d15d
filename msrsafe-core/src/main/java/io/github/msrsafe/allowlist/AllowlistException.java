package io.github.msrsafe.allowlist;

import io.github.msrsafe.Errno;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * An allowlist text the msr_safe module would reject: a parse error with its
 * place, not a failed system call. It says where (source, line, column, token),
 * the errno the module would return, and whether the module keeps its previous
 * allowlist. Only this library creates it; nothing was written when it is thrown.
 * (A text the library accepted but the module still refused is an
 * {@link io.github.msrsafe.MsrSafeException} of kind
 * {@link io.github.msrsafe.FailureKind#ALLOWLIST_REJECTED}.)
 *
 * <p>A message from {@link Allowlist#parse(byte[], String)} looks like:
 * {@snippet lang=text :
 * al_06_55: line 212, column 12: '0x19g' is not a number (EINVAL): 'g' at column 16 is not a hex digit;
 * the module rejects the write and keeps the previous allowlist
 * }
 *
 * <p>Lines count {@code '\n'} bytes; columns count bytes from 1. An error that
 * has no token (an empty allowlist is ENOMSG at the end, a write that is too
 * large is E2BIG at its first byte beyond the limit) still names the place the
 * module gives up at.
 */
public final class AllowlistException extends IOException {
    private static final long serialVersionUID = 2L;

    /** The error the module returns. */
    private final Errno errno;
    /** The file or device the text came from, as messages name it. */
    private final String source;
    /** The 1-based line. */
    private final int line;
    /** The 1-based column in bytes. */
    private final int column;
    /** The offending token, printable, or null. */
    private final String token;
    /** What is wrong, in plain words, without the place. */
    private final String description;
    /** False after a second-pass error, which leaves the module's allowlist empty. */
    private final boolean keepsPreviousAllowlist;

    AllowlistException(Errno errno, String source, int line, int column, String token, String description,
                       boolean keepsPreviousAllowlist) {
        super(source + ": line " + line + ", column " + column + ": " + description + consequence(keepsPreviousAllowlist));
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column are 1-based: line " + line + ", column " + column);
        }
        this.errno = Objects.requireNonNull(errno, "errno");
        this.source = source;
        this.line = line;
        this.column = column;
        this.token = token;
        this.description = description;
        this.keepsPreviousAllowlist = keepsPreviousAllowlist;
    }

    private static String consequence(boolean keepsPrevious) {
        return keepsPrevious
                ? "; the module rejects the write and keeps the previous allowlist"
                : "; the module rejects the write and leaves the allowlist EMPTY";
    }

    /** {@return the errno the module returns for this text, e.g. EINVAL for a token that is not a number} */
    public Errno errno() {
        return errno;
    }

    /** {@return the file or device the text came from, as messages name it} */
    public String source() {
        return source;
    }

    /** {@return the 1-based line of the error} */
    public int line() {
        return line;
    }

    /** {@return the 1-based column (in bytes) of the error} */
    public int column() {
        return column;
    }

    /** {@return the offending token, printable ({@code \xA0} for a non-ASCII byte), if the error has one} */
    public Optional<String> token() {
        return Optional.ofNullable(token);
    }

    /** {@return what is wrong in plain words, without the source and place} */
    public String description() {
        return description;
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
}
