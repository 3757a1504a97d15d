package io.github.msrsafe;

/** The device file exists but this user may not open it (EACCES or EPERM from open): for msr_safe, membership in the msr-user group (msr-admin for the allowlist); for the stock msr driver, CAP_SYS_RAWIO. */
public class DevicePermissionException extends MsrSafeException {
    private static final long serialVersionUID = 1L;

    /** See {@link MsrSafeException#MsrSafeException(int, String, String, int, long, String)}. */
    public DevicePermissionException(int errno, String operation, String device, int cpu, long msr, String reason) {
        super(errno, operation, device, cpu, msr, reason);
    }
}
