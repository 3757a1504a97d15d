package io.github.msrsafe;

/** The CPU does not exist or is offline (ENXIO). */
public class CpuUnavailableException extends MsrSafeException {
    private static final long serialVersionUID = 1L;

    /** See {@link MsrSafeException#MsrSafeException(int, String, String, int, long, String)}. */
    public CpuUnavailableException(int errno, String operation, String device, int cpu, long msr, String reason) {
        super(errno, operation, device, cpu, msr, reason);
    }
}
