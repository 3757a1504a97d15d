package io.github.msrsafe.allowlist;

import io.github.msrsafe.MsrSafeException;

/**
 * The msr_safe module would reject this allowlist: the errno it returns,
 * where (line, column, token) and whether the previous allowlist survives.
 *
 * <p>STUB: completed in issue 3; {@link #errno()} and {@link #keepsPreviousAllowlist()} are the contract.
 */
public class AllowlistException extends MsrSafeException {
    private static final long serialVersionUID = 1L;

    private final boolean keepsPreviousAllowlist;

    public AllowlistException(int errno, String source, String reason, boolean keepsPreviousAllowlist) {
        super(errno, "install allowlist", source, -1, -1, reason);
        this.keepsPreviousAllowlist = keepsPreviousAllowlist;
    }

    /**
     * True for a first-pass error (the module leaves the previous allowlist in place);
     * false for a second-pass error such as a duplicate address (ENOTUNIQ), after
     * which the module's allowlist is empty.
     */
    public boolean keepsPreviousAllowlist() {
        return keepsPreviousAllowlist;
    }
}
