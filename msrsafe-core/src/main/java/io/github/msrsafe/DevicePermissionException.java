package io.github.msrsafe;

/** The device file exists but this user may not open it (EACCES or EPERM from open): for msr_safe, membership in the msr-user group (msr-admin for the allowlist); for the stock msr driver, CAP_SYS_RAWIO. */
public class DevicePermissionException extends MsrSafeException {
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
    public DevicePermissionException(int errno, String operation, String device, int cpu, long msr, String reason) {
        super(errno, operation, device, cpu, msr, reason);
    }
}
