package io.github.msrsafe;

/** The allowlist does not permit this access: the MSR is not listed (EACCES), or a write targets a register whose write mask is 0 (EROFS from a batch, EACCES from the per-CPU device). */
public class MsrNotAllowedException extends MsrSafeException {
    private static final long serialVersionUID = 1L;

    /** See {@link MsrSafeException#MsrSafeException(int, String, String, int, long, String)}. */
    public MsrNotAllowedException(int errno, String operation, String device, int cpu, long msr, String reason) {
        super(errno, operation, device, cpu, msr, reason);
    }
}
