package io.github.msrsafe.allowlist.lint;

import io.github.msrsafe.Errno;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistException;
import java.util.Objects;
import java.util.Optional;

/**
 * What the msr_safe module would do with one file written whole to
 * {@code /dev/cpu/msr_allowlist}: accept it (install it, or clear the allowlist for a text
 * of at most 2 bytes), or reject the write with one errno at one place. The linter lists
 * every problem; the module stops at the first, and the verdict is that one, as
 * {@link Allowlist#parse(byte[], String)} finds it.
 *
 * @param file                   the file, as the report names it
 * @param errno                  the errno the write fails with; empty when the module accepts the text
 * @param line                   1-based line of the rejection (for E2BIG, of the first byte beyond the limit); 0
 *                               when accepted
 * @param column                 1-based byte column of the rejection; 0 when accepted
 * @param reason                 why, in words; empty when accepted
 * @param keepsPreviousAllowlist for a rejection, whether the live allowlist survives it (ENOTUNIQ leaves it
 *                               empty); true when accepted
 */
public record ModuleVerdict(String file, Optional<Errno> errno, int line, int column, String reason,
                            boolean keepsPreviousAllowlist) {

    /**
     * Checks the verdict.
     *
     * @throws NullPointerException     if file, errno or reason is null
     * @throws IllegalArgumentException if line or column is negative
     */
    public ModuleVerdict {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(errno, "errno");
        Objects.requireNonNull(reason, "reason");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column are 1-based, or 0 for none: " + line + ", " + column);
        }
    }

    /**
     * {@return the module's verdict on {@code text}}
     *
     * @param text the file's bytes (at most one more than the module accepts is enough)
     * @param file the file's name in the report
     */
    public static ModuleVerdict of(byte[] text, String file) {
        try {
            Allowlist.parse(text, file);
            return new ModuleVerdict(file, Optional.empty(), 0, 0, "", true);
        } catch (AllowlistException e) {
            return new ModuleVerdict(file, Optional.of(e.errno()), e.line(), e.column(), e.description(),
                    e.keepsPreviousAllowlist());
        }
    }

    /** {@return whether the module accepts the text} */
    public boolean accepted() {
        return errno.isEmpty();
    }
}
