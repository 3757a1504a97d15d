package io.github.msrsafe;

/**
 * Why a call on an msr_safe device failed, as a caller handles it. The same errno
 * means different things on different calls (EACCES from open is a file
 * permission, from pread an allowlist refusal, from a batch op the same refusal),
 * so the library classifies each (call, errno) pair once, and every
 * {@link MsrSafeException} and every failed op of an {@link MsrBatch} carries the
 * result:
 *
 * {@snippet lang=java :
 * try (MsrSafe msr = MsrSafe.open()) {
 *     try {
 *         msr.read(0, 0x3A);                        // not in the standard allowlist
 *     } catch (MsrSafeException e) {
 *         switch (e.kind()) {
 *             case NOT_ALLOWED, READ_ONLY -> System.out.println("ask for an allowlist entry: " + e.reason());
 *             case CPU_UNAVAILABLE -> System.out.println("CPU went offline");
 *             default -> throw e;
 *         }
 *     }
 * }
 * }
 *
 * <p>Each kind has an exception type, so that code that only catches can do so by type:
 * see {@link #exceptionType()}.
 */
public enum FailureKind {
    /**
     * The allowlist does not permit the access: the MSR is not listed (EACCES from a read or
     * a batch op) or, for a write through the per-CPU device, it is not listed or its write
     * mask is 0 (the device says EACCES for both).
     */
    NOT_ALLOWED(MsrNotAllowedException.class),
    /** The allowlist lists the MSR with write mask 0, so it cannot be written (EROFS from a batch write). */
    READ_ONLY(MsrNotAllowedException.class),
    /** The CPU does not exist or is offline (ENXIO; ENOENT when opening its node), or went offline. */
    CPU_UNAVAILABLE(CpuUnavailableException.class),
    /** The processor faulted on rdmsr or wrmsr (EIO): it lacks the MSR, or refused the value. */
    FAULT(MsrFaultException.class),
    /**
     * This user may not do this: open a device without being in its group (EACCES, EPERM), or
     * write through a device that could only be opened read-only (EBADF).
     */
    PERMISSION(DevicePermissionException.class),
    /** The device file or root does not exist: the module is not loaded, or the path is wrong (ENOENT, ENODEV). */
    NO_DEVICE(DeviceNotFoundException.class),
    /**
     * The device does not speak the interface this library was built for: the batch device does
     * not take the ioctl (ENOTTY), the module wants another batch version (ENOPROTOOPT), a
     * transfer other than 8 bytes, a version file that cannot be parsed.
     */
    WRONG_ABI(MsrSafeException.class),
    /** The module rejected an allowlist text this library accepted (the errno says why). */
    ALLOWLIST_REJECTED(MsrSafeException.class),
    /** The kernel ran short: memory (ENOMEM, E2BIG for a batch), open files (EMFILE, ENFILE). */
    RESOURCES(MsrSafeException.class),
    /** The call was interrupted or the CPU was busy (EINTR, EAGAIN, EBUSY): trying again may work. */
    BUSY(MsrSafeException.class),
    /** Any other failure; the errno and the message say what happened. */
    OTHER(MsrSafeException.class);

    private final Class<? extends MsrSafeException> exceptionType;

    FailureKind(Class<? extends MsrSafeException> exceptionType) {
        this.exceptionType = exceptionType;
    }

    /**
     * {@return the exception type thrown for a failure of this kind: {@link MsrNotAllowedException}
     * for {@link #NOT_ALLOWED} and {@link #READ_ONLY}, the base {@link MsrSafeException} for the
     * kinds that have no subclass}
     */
    public Class<? extends MsrSafeException> exceptionType() {
        return exceptionType;
    }
}
