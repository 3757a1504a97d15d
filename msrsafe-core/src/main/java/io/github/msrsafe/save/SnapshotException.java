package io.github.msrsafe.save;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A saved MSR state cannot be used: its file does not fit this machine's CPUs
 * or allowlist, is damaged, or is older than the allowlist. Thrown BEFORE
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
        /** A text snapshot is not in the documented format, or was edited (its fingerprint no longer matches). */
        MALFORMED,
        /** The snapshot's CPUs are not the CPUs online now. */
        CPU_MISMATCH,
        /** The snapshot was taken under a different allowlist than the one installed now. */
        ALLOWLIST_MISMATCH,
        /** The file is older than the allowlist (msrsave's rule for raw files). */
        OLDER_THAN_ALLOWLIST,
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
