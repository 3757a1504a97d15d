package io.github.msrsafe;

/** The processor raised a general protection fault for this rdmsr/wrmsr (EIO): the register does not exist on this CPU model, or the write set reserved or read-only bits, or a non-canonical address. */
public class MsrFaultException extends MsrSafeException {
    private static final long serialVersionUID = 1L;

    /** See {@link MsrSafeException#MsrSafeException(int, String, String, int, long, String)}. */
    public MsrFaultException(int errno, String operation, String device, int cpu, long msr, String reason) {
        super(errno, operation, device, cpu, msr, reason);
    }
}
