package io.github.msrsafe;

/**
 * The allowlist does not permit this access: the MSR is not listed, or a write targets a register
 * whose write mask is 0. {@link #kind()} is {@link FailureKind#NOT_ALLOWED} or {@link FailureKind#READ_ONLY}.
 * Only this library creates it.
 */
public final class MsrNotAllowedException extends MsrSafeException {
    private static final long serialVersionUID = 2L;

    MsrNotAllowedException(FailureKind kind, int errno, String operation, String device, int cpu, long msr, String reason) {
        super(kind, errno, operation, device, cpu, msr, reason);
    }
}
