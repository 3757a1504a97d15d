package io.github.msrsafe;

/** Neither msr_safe nor the stock msr driver is present under the device root (ENOENT), or the requested device file does not exist. */
public class DeviceNotFoundException extends MsrSafeException {
    private static final long serialVersionUID = 1L;

    /** See {@link MsrSafeException#MsrSafeException(int, String, String, int, long, String)}. */
    public DeviceNotFoundException(int errno, String operation, String device, int cpu, long msr, String reason) {
        super(errno, operation, device, cpu, msr, reason);
    }
}
