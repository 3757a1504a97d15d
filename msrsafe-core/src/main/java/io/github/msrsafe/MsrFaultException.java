package io.github.msrsafe;

/**
 * The processor faulted on rdmsr or wrmsr (EIO, {@link FailureKind#FAULT}): this model lacks the
 * MSR, or the value sets reserved bits.
 * Only this library creates it.
 */
public final class MsrFaultException extends MsrSafeException {
    private static final long serialVersionUID = 2L;

    MsrFaultException(FailureKind kind, int errno, String operation, String device, int cpu, long msr, String reason) {
        super(kind, errno, operation, device, cpu, msr, reason);
    }
}
