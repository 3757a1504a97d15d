package io.github.msrsafe;

/** The allowlist does not permit this access: the MSR is not listed (EACCES), or a write targets a register whose write mask is 0 (EROFS from a batch, EACCES from the per-CPU device). */
public class MsrNotAllowedException extends MsrSafeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with the fields of
     * {@link MsrSafeException#MsrSafeException(int, String, String, int, long, String)}.
     *
     * @param errno     the positive errno, or 0 when the failure has none
     * @param operation the call that failed, e.g. "pread"
     * @param device    the device path, e.g. "/dev/cpu/3/msr_safe"
     * @param cpu       the CPU, or -1
     * @param msr       the MSR address, or -1
     * @param reason    what causes this and what to do, in plain words
     */
    public MsrNotAllowedException(int errno, String operation, String device, int cpu, long msr, String reason) {
        super(errno, operation, device, cpu, msr, reason);
    }
}
