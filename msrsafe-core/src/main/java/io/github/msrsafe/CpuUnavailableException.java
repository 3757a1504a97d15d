package io.github.msrsafe;

/**
 * The CPU does not exist or is offline, or went offline ({@link FailureKind#CPU_UNAVAILABLE}).
 * Only this library creates it.
 */
public final class CpuUnavailableException extends MsrSafeException {
    private static final long serialVersionUID = 2L;

    CpuUnavailableException(FailureKind kind, int errno, String operation, String device, int cpu, long msr, String reason) {
        super(kind, errno, operation, device, cpu, msr, reason);
    }
}
