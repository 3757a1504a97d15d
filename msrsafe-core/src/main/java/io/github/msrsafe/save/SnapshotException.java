package io.github.msrsafe.save;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A saved MSR state cannot be used: its file does not fit this machine's CPUs
 * or allowlist, is damaged, is older than the allowlist, or (a raw file without
 * its record) cannot show which allowlist it was saved under; or a state cannot
 * be saved faithfully. Not a failed system call (those are
 * {@link io.github.msrsafe.MsrSafeException}s): the file or the state is the
 * problem. Thrown BEFORE anything is written to a register, so a refused
 * restore changes nothing. {@link #problem()} says which check failed and
 * {@link Problem#category()} what kind of problem that is; the message says
 * what was expected, what was found and what to do. Only this library creates it.
 */
public final class SnapshotException extends IOException {
    private static final long serialVersionUID = 2L;

    /** What kind of problem a {@link Problem} is, for callers that only tell these apart. */
    public enum Category {
        /** The file is damaged: truncated, appended to, edited, or not a state file at all. */
        DAMAGED,
        /** The file is sound but was saved for another node: other CPUs, another allowlist, an older allowlist. */
        DOES_NOT_FIT,
        /** Nothing shows whether the file fits this node (a raw file without its record); it may, on the caller's word. */
        CANNOT_VERIFY,
        /** The state cannot be saved faithfully; nothing was written. */
        CANNOT_SAVE
    }

    /** Which check refused the file. */
    public enum Problem {
        /**
         * A raw (msrsave) file is not exactly CPUs x allowlist entries x 8 bytes: it was
         * saved with another CPU count or allowlist, or it is truncated or has extra bytes.
         */
        SIZE_MISMATCH(Category.DOES_NOT_FIT),
        /** A text snapshot stops before its {@code end} line. */
        TRUNCATED(Category.DAMAGED),
        /** A text snapshot has content after its {@code end} line. */
        TRAILING_DATA(Category.DAMAGED),
        /**
         * The file is not a state file: a text snapshot not in the documented format or edited (its
         * fingerprint no longer matches), a raw file that is not a whole number of 8-byte values, a
         * damaged record beside a raw file, or not a regular file at all (a directory, a device, a pipe).
         */
        MALFORMED(Category.DAMAGED),
        /** The snapshot's CPUs are not the CPUs online now. */
        CPU_MISMATCH(Category.DOES_NOT_FIT),
        /** The snapshot was taken under a different allowlist than the one installed now. */
        ALLOWLIST_MISMATCH(Category.DOES_NOT_FIT),
        /** The file is older than the allowlist (msrsave's rule for raw files). */
        OLDER_THAN_ALLOWLIST(Category.DOES_NOT_FIT),
        /**
         * A raw (msrsave) file has no record of the allowlist it was saved under (msrsave wrote it,
         * or it was copied without its {@code .fingerprint} file), or its record describes other
         * contents: nothing shows that its slots map to the installed allowlist's registers in the
         * same order. Refused unless {@link RestoreOptions#force()}.
         */
        UNVERIFIED(Category.CANNOT_VERIFY),
        /** There is nothing to save: the allowlist is empty. */
        EMPTY_ALLOWLIST(Category.DOES_NOT_FIT),
        /**
         * A register whose write mask is all ones read as 0xFB6A58813AEA28CF, the cookie the
         * raw format uses for a failed read; msrsave refuses to save then, and so does this library.
         */
        VALUE_IS_FAILED_READ_COOKIE(Category.CANNOT_SAVE);

        private final Category category;

        Problem(Category category) {
            this.category = category;
        }

        /** {@return what kind of problem this is} */
        public Category category() {
            return category;
        }
    }

    /** Which check refused the snapshot. */
    private final Problem problem;
    private final transient Path file;

    /** Its message is the file, then the reason; {@code file} is null for an in-memory snapshot. */
    SnapshotException(Problem problem, Path file, String reason) {
        super((file == null ? "" : file + ": ") + reason);
        this.problem = Objects.requireNonNull(problem, "problem");
        this.file = file;
    }

    /** {@return which check refused the snapshot} */
    public Problem problem() {
        return problem;
    }

    /** {@return the snapshot file; empty for a snapshot that was not read from or written to a file} */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }
}
