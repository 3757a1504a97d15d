package io.github.msrsafe;

/** The processor raised a general protection fault for this rdmsr/wrmsr (EIO): the register does not exist on this CPU model, or the write set reserved or read-only bits, or a non-canonical address. */
public class MsrFaultException extends MsrSafeException {
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
    public MsrFaultException(int errno, String operation, String device, int cpu, long msr, String reason) {
        super(errno, operation, device, cpu, msr, reason);
    }
}
