package io.github.msrsafe.cli;

/**
 * A failure the command reports as one line on stderr with a specific exit status.
 * Thrown by commands; {@link MsrSafeTool} prints it.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ExitCode exitCode;

    CliException(ExitCode exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    CliException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause, false, true);
        this.exitCode = exitCode;
    }

    /** A mistake on the command line or in an input file. */
    static CliException usage(String message) {
        return new CliException(ExitCode.USAGE, message);
    }

    ExitCode exitCode() {
        return exitCode;
    }
}
