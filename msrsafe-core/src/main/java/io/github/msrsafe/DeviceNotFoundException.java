package io.github.msrsafe;

/**
 * The device file or root does not exist ({@link FailureKind#NO_DEVICE}): neither msr_safe nor
 * the stock msr driver is loaded, or the path is wrong.
 * Only this library creates it.
 */
public final class DeviceNotFoundException extends MsrSafeException {
    private static final long serialVersionUID = 2L;

    DeviceNotFoundException(FailureKind kind, int errno, String operation, String device, int cpu, long msr, String reason) {
        super(kind, errno, operation, device, cpu, msr, reason);
    }
}
