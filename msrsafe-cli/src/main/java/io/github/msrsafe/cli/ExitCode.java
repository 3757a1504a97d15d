package io.github.msrsafe.cli;

import io.github.msrsafe.FailureKind;
import io.github.msrsafe.save.SnapshotException;

/**
 * The exit statuses of the msrsafe command. Each failure a script may want to tell
 * apart has its own status; the numbers are part of the command's interface.
 */
enum ExitCode {
    OK(0, "success"),
    FINDINGS(1, "allowlist lint found problems at or above --fail-on (default: errors)"),
    USAGE(2, "bad command line or input: unknown option, malformed number, unknown MSR name, malformed batch file,"
            + " unreadable input file"),
    OPS_FAILED(3, "some operations failed: an op of a batch, some CPUs of a multi-CPU read or write, or some"
            + " registers of a restore"),
    NOT_ALLOWED(4, "the allowlist does not permit the access (not listed, or read-only)"),
    ACCESS_DENIED(5, "this user may not open the device (msr-user or msr-admin group, or root), or may only read it"),
    DEVICE_MISSING(6, "no msr_safe (nor stock msr) device under the device root"),
    CPU_UNAVAILABLE(7, "a CPU does not exist or is offline"),
    MSR_FAULT(8, "the processor faulted (EIO): the MSR does not exist here or the value is refused"),
    ALLOWLIST_REJECTED(9, "the allowlist text is malformed (nothing was installed), or the module refused it"),
    DEVICE_ERROR(10, "any other failure of the device: it does not speak msr_safe's interface, is busy, or failed"
            + " otherwise"),
    STATE_MISMATCH(11, "restore: the saved state does not fit this node (other CPUs online, another allowlist,"
            + " a file older than the allowlist); no register was written"),
    STATE_DAMAGED(12, "restore: the state file is damaged (truncated, appended to, edited, not a state file);"
            + " no register was written"),
    SAVE_FAILED(13, "save: the state could not be saved (the file could not be written, the allowlist is empty"
            + " or changed, a register holds msrsave's failed-read marker); an existing file is unchanged"),
    STATE_UNVERIFIED(14, "restore: a raw state file cannot show which allowlist it was saved under (msrsave's file,"
            + " or copied without FILE.fingerprint); no register was written; --force restores it on your word"),
    SYSTEM(15, "the machine or environment failed, not the command line: a port already in use, too many open"
            + " files, no memory, no native access for the JVM"),
    UNAVAILABLE(69, "the launcher found no Java 22 or newer, the checkout's command is not built or older than its"
            + " sources, or a module the command needs is missing"),
    INTERNAL(70, "a bug in msrsafe; --debug prints the stack trace");

    private final int status;
    private final String meaning;

    ExitCode(int status, String meaning) {
        this.status = status;
        this.meaning = meaning;
    }

    /**
     * The status for a failed device call: the one place a {@link FailureKind} becomes an exit status.
     *
     * @param kind why the call failed
     * @return its status
     */
    static ExitCode of(FailureKind kind) {
        return switch (kind) {
            case NOT_ALLOWED, READ_ONLY -> NOT_ALLOWED;
            case PERMISSION -> ACCESS_DENIED;
            case NO_DEVICE -> DEVICE_MISSING;
            case CPU_UNAVAILABLE -> CPU_UNAVAILABLE;
            case FAULT -> MSR_FAULT;
            case ALLOWLIST_REJECTED -> ALLOWLIST_REJECTED;
            case RESOURCES -> SYSTEM;
            case WRONG_ABI, BUSY, OTHER -> DEVICE_ERROR;
        };
    }

    /**
     * The status for a state file that restore refused.
     *
     * @param category what kind of problem the file has
     * @return its status
     */
    static ExitCode ofRestore(SnapshotException.Category category) {
        return switch (category) {
            case DAMAGED -> STATE_DAMAGED;
            case CANNOT_VERIFY -> STATE_UNVERIFIED;
            case DOES_NOT_FIT, CANNOT_SAVE -> STATE_MISMATCH;
        };
    }

    /** The process exit status. */
    int status() {
        return status;
    }

    /** What the status means, for --help. */
    String meaning() {
        return meaning;
    }
}
