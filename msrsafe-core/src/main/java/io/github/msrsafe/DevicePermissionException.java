package io.github.msrsafe;

/**
 * This user may not use the device this way ({@link FailureKind#PERMISSION}): not in its group,
 * or writing through a device that could only be opened read-only.
 * Only this library creates it.
 */
public final class DevicePermissionException extends MsrSafeException {
    private static final long serialVersionUID = 2L;

    DevicePermissionException(FailureKind kind, int errno, String operation, String device, int cpu, long msr, String reason) {
        super(kind, errno, operation, device, cpu, msr, reason);
    }
}
