package io.github.msrsafe.save;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A saved MSR state cannot be used: its file does not fit this machine's CPUs
 * or allowlist, is damaged, is older than the allowlist, or (a raw file without
 * its record) cannot show which allowlist it was saved under. Thrown BEFORE
 * anything is written to a register, so a refused restore changes nothing.
 * {@link #problem()} says which check failed; the message says what was
 * expected, what was found and what to do.
 */
public final class SnapshotException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Which check refused the file. */
    public enum Problem {
        /**
         * A raw (msrsave) file is not exactly CPUs x allowlist entries x 8 bytes: it was
         * saved with another CPU count or allowlist, or it is truncated or has extra bytes.
         */
        SIZE_MISMATCH,
        /** A text snapshot stops before its {@code end} line. */
        TRUNCATED,
        /** A text snapshot has content after its {@code end} line. */
        TRAILING_DATA,
        /**
         * The file is not a state file: a text snapshot not in the documented format or edited (its
         * fingerprint no longer matches), a raw file that is not a whole number of 8-byte values, a
         * damaged record beside a raw file, or not a regular file at all (a directory, a device, a pipe).
         */
        MALFORMED,
        /** The snapshot's CPUs are not the CPUs online now. */
        CPU_MISMATCH,
        /** The snapshot was taken under a different allowlist than the one installed now. */
        ALLOWLIST_MISMATCH,
        /** The file is older than the allowlist (msrsave's rule for raw files). */
        OLDER_THAN_ALLOWLIST,
        /**
         * A raw (msrsave) file has no record of the allowlist it was saved under (msrsave wrote it,
         * or it was copied without its {@code .fingerprint} file), or its record describes other
         * contents: nothing shows that its slots map to the installed allowlist's registers in the
         * same order. Refused unless {@link RestoreOptions#force()}.
         */
        UNVERIFIED,
        /** There is nothing to save: the allowlist is empty. */
        EMPTY_ALLOWLIST,
        /**
         * A register whose write mask is all ones read as 0xFB6A58813AEA28CF, the cookie the
         * raw format uses for a failed read; msrsave refuses to save then, and so does this library.
         */
        VALUE_IS_FAILED_READ_COOKIE
    }

    /** Which check refused the snapshot. */
    private final Problem problem;
    private final transient Path file;

    /**
     * Creates the exception; its message is the file, then the reason.
     *
     * @param problem which check failed
     * @param file    the snapshot file, or null if the snapshot was not read from a file
     * @param reason  what was expected, what was found and what to do
     */
    public SnapshotException(Problem problem, Path file, String reason) {
        super((file == null ? "" : file + ": ") + reason);
        this.problem = Objects.requireNonNull(problem, "problem");
        this.file = file;
    }

    /** {@return which check refused the snapshot} */
    public Problem problem() {
        return problem;
    }

    /** {@return the snapshot file, or null if there was none} */
    public Path file() {
        return file;
    }
}
