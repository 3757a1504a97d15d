package io.github.msrsafe;

import io.github.msrsafe.internal.text.Hex;

/**
 * Turns an errno from a device call into the exception that explains it. The
 * same errno means different things on different calls (EACCES from open is a
 * file permission, from pread an allowlist refusal), so the call decides the
 * words and the exception type. Factories return, callers throw.
 */
final class Failures {

    /** The calls this library makes, as messages name them. */
    enum Call {
        OPEN("open"),
        PREAD("pread"),
        PWRITE("pwrite"),
        BATCH("ioctl(X86_IOC_MSR_BATCH)"),
        READ_VERSION("read"),
        READ_ALLOWLIST("read"),
        WRITE_ALLOWLIST("write"),
        /** One op of a batch: its err field, not the ioctl's return. */
        BATCH_OP("batch op");

        final String text;

        Call(String text) {
            this.text = text;
        }
    }

    private Failures() {}

    static MsrSafeException of(int errno, Call call, String device, Driver driver, int cpu, long msr) {
        return create(kind(call, errno), errno, call.text, device, cpu, msr, reason(errno, call, device, driver, cpu, msr));
    }

    /** The member of the sealed family that {@code kind} calls for; the one place they are created. */
    static MsrSafeException create(FailureKind kind, int errno, String operation, String device, int cpu, long msr,
                                   String reason) {
        return switch (kind) {
            case NOT_ALLOWED, READ_ONLY -> new MsrNotAllowedException(kind, errno, operation, device, cpu, msr, reason);
            case CPU_UNAVAILABLE -> new CpuUnavailableException(kind, errno, operation, device, cpu, msr, reason);
            case FAULT -> new MsrFaultException(kind, errno, operation, device, cpu, msr, reason);
            case PERMISSION -> new DevicePermissionException(kind, errno, operation, device, cpu, msr, reason);
            case NO_DEVICE -> new DeviceNotFoundException(kind, errno, operation, device, cpu, msr, reason);
            case WRONG_ABI, ALLOWLIST_REJECTED, RESOURCES, BUSY, OTHER ->
                    new MsrSafeException(kind, errno, operation, device, cpu, msr, reason);
        };
    }

    /**
     * THE classification of a failed call: what {@code errno} from {@code call} means for the
     * caller. Every exception and every failed batch op gets its kind here.
     */
    static FailureKind kind(Call call, int errno) {
        Errno error = Errno.byNumber(errno);
        if (error == null) {
            return FailureKind.OTHER;
        }
        return switch (call) {
            case OPEN -> switch (error) {
                case EPERM, EACCES -> FailureKind.PERMISSION;
                case ENOENT, ENODEV, ENOTDIR -> FailureKind.NO_DEVICE; // a CPU's node is the caller's to say
                case ENXIO -> FailureKind.CPU_UNAVAILABLE;
                case EIO -> FailureKind.FAULT;                  // the CPU has no MSRs
                case EMFILE, ENFILE, ENOMEM -> FailureKind.RESOURCES;
                case EINTR, EAGAIN, EBUSY -> FailureKind.BUSY;
                default -> FailureKind.OTHER;
            };
            case PREAD, PWRITE, BATCH_OP -> switch (error) {
                case EACCES -> FailureKind.NOT_ALLOWED;
                case EROFS -> FailureKind.READ_ONLY;
                case ENXIO -> FailureKind.CPU_UNAVAILABLE;
                case EIO -> FailureKind.FAULT;
                case EBADF, EPERM -> FailureKind.PERMISSION;   // pwrite on a device opened read-only
                case EINVAL -> FailureKind.WRONG_ABI;           // not an 8-byte transfer: not msr_safe
                case ENOMEM -> FailureKind.RESOURCES;
                case EINTR, EAGAIN, EBUSY -> FailureKind.BUSY;
                default -> FailureKind.OTHER;
            };
            case BATCH -> switch (error) {
                case ENOTTY, ENOPROTOOPT, EINVAL -> FailureKind.WRONG_ABI;
                case EBADF, EACCES, EPERM -> FailureKind.PERMISSION;
                case ENOMEM, E2BIG -> FailureKind.RESOURCES;
                case EINTR, EAGAIN, EBUSY -> FailureKind.BUSY;
                default -> FailureKind.OTHER;
            };
            case READ_VERSION -> switch (error) {
                case EACCES, EPERM -> FailureKind.PERMISSION;
                case EINTR, EAGAIN -> FailureKind.BUSY;
                default -> FailureKind.WRONG_ABI;
            };
            case READ_ALLOWLIST -> switch (error) {
                case EACCES, EPERM, EBADF -> FailureKind.PERMISSION;
                case E2BIG -> FailureKind.WRONG_ABI;            // our buffer is shorter than a line
                case EINTR, EAGAIN -> FailureKind.BUSY;
                case ENOMEM -> FailureKind.RESOURCES;
                default -> FailureKind.OTHER;
            };
            case WRITE_ALLOWLIST -> switch (error) {
                case EACCES, EPERM, EBADF -> FailureKind.PERMISSION;
                case ENOMEM -> FailureKind.RESOURCES;
                case EINTR, EAGAIN -> FailureKind.BUSY;
                case E2BIG, EINVAL, ERANGE, EILSEQ, ENOMSG, ENOTUNIQ -> FailureKind.ALLOWLIST_REJECTED;
                default -> FailureKind.OTHER;
            };
        };
    }

    /**
     * Whether a batch op's errno comes from the module's validation pass, which refuses the
     * whole ioctl (ENXIO, EACCES, EROFS), rather than from running the op (EIO).
     */
    static boolean isValidationError(int errno) {
        return switch (kind(Call.BATCH_OP, errno)) {
            case CPU_UNAVAILABLE, NOT_ALLOWED, READ_ONLY -> true;
            default -> false;
        };
    }

    static String reason(int errno, Call call, String device, Driver driver, int cpu, long msr) {
        Errno error = Errno.of(errno).orElse(null);
        if (error == null) {
            return generic(errno);
        }
        return switch (call) {
            case OPEN -> openReason(error, device, driver, cpu);
            case PREAD -> switch (error) {
                case EACCES -> "MSR " + Hex.of(msr) + " is not in the allowlist; an administrator must add it to /dev/cpu/msr_allowlist";
                case EIO -> rdmsrFault(msr);
                case ENXIO -> "CPU " + cpu + " went offline after its device was opened";
                case EINVAL -> "msr_safe reads exactly 8 bytes per call";
                case EBUSY -> "CPU " + cpu + " is temporarily locked by the kernel; try again";
                case ESPIPE -> notADeviceNode(device, "a pipe or a socket");
                default -> error.description();
            };
            case PWRITE -> switch (error) {
                case EACCES -> "the allowlist does not let this MSR be written: " + Hex.of(msr)
                        + " is not listed, or its write mask is 0 (read-only)";
                case EIO -> wrmsrFault(msr);
                case ENXIO -> "CPU " + cpu + " went offline after its device was opened";
                case EBADF -> "the device was opened read-only because this user may not write " + device
                        + "; writing needs write permission on it (msr-user group)";
                case EINVAL -> "msr_safe writes exactly 8 bytes per call";
                case EBUSY -> "CPU " + cpu + " is temporarily locked by the kernel; try again";
                case ESPIPE -> notADeviceNode(device, "a pipe or a socket");
                default -> error.description();
            };
            case BATCH -> switch (error) {
                case ENOTTY -> device + " does not accept X86_IOC_MSR_BATCH: it is not msr_safe's batch device"
                        + " or the loaded module speaks another ABI";
                case ENOPROTOOPT -> "the loaded module wants another batch version than this library's"
                        + " (msr-safe 2.x has a different op layout)";
                case EBADF -> device + " was not opened for reading; the batch ioctl needs read access";
                case EINVAL -> "a batch must carry at least one op";
                case E2BIG -> "the kernel could not allocate the ops array in one piece; use fewer ops per ioctl";
                case EFAULT -> "the kernel could not copy the batch in or out (bad address)";
                case ENOMEM -> "the kernel ran out of memory for the batch";
                default -> error.description();
            };
            case BATCH_OP -> batchOpReason(errno, cpu, msr, true);
            case READ_VERSION -> error.description();
            case READ_ALLOWLIST -> switch (error) {
                case E2BIG -> "the read buffer is shorter than one allowlist line";
                case EACCES, EPERM -> "reading the allowlist needs read permission on " + device + " (msr-admin group)";
                default -> error.description();
            };
            case WRITE_ALLOWLIST -> switch (error) {
                case EACCES, EPERM -> "installing an allowlist needs write permission on " + device + " (msr-admin group)";
                case E2BIG -> "an allowlist is at most 131072 bytes";
                case ENOMEM -> "the kernel ran out of memory for the allowlist";
                default -> "the module rejected an allowlist that this library accepts (" + error.description()
                        + "); please report this";
            };
        };
    }

    /** Words for an error recorded in one op of a batch. */
    static String batchOpReason(int errno, int cpu, long msr, boolean read) {
        Errno error = Errno.of(errno).orElse(null);
        if (error == null) {
            return generic(errno);
        }
        return switch (error) {
            case ENXIO -> "CPU " + cpu + " does not exist or is offline";
            case EACCES -> read
                    ? "MSR " + Hex.of(msr) + " is not in the allowlist"
                    : "MSR " + Hex.of(msr) + " is not in the allowlist, or (stock msr driver) this user may not write it";
            case EROFS -> "MSR " + Hex.of(msr) + " is read-only: its allowlist write mask is 0";
            case EIO -> read ? rdmsrFault(msr) : wrmsrFault(msr);
            default -> error.description();
        };
    }

    private static String openReason(Errno error, String device, Driver driver, int cpu) {
        return switch (error) {
            case ENOENT -> cpu >= 0
                    ? "CPU " + cpu + " has no device node: it does not exist or is offline"
                    : device + " does not exist; is the msr-safe module loaded (insmod msr-safe.ko)?";
            case ENXIO -> "CPU " + cpu + " does not exist or is offline";
            case EACCES, EPERM -> driver == Driver.STOCK_MSR
                    ? "the stock msr driver needs root or CAP_SYS_RAWIO; prefer msr_safe with an allowlist"
                    : "this user may not open " + device + "; msr_safe devices are usually group msr-user"
                            + " (msr-admin for the allowlist): ask an administrator to add you";
            case EIO -> "CPU " + cpu + " does not support model-specific registers";
            case EMFILE -> "the process has too many open files; raise the limit (ulimit -n) or close handles";
            case EISDIR -> notADeviceNode(device, "a directory");
            default -> error.description();
        };
    }

    /** A device root that is not laid out like /dev/cpu: the node is something else (a directory, a pipe). */
    private static String notADeviceNode(String device, String what) {
        return device + " is " + what + ", not an MSR device node; the device root must hold one device file per"
                + " CPU, N/msr_safe (or N/msr), as /dev/cpu does";
    }

    private static String rdmsrFault(long msr) {
        return "the processor faulted reading MSR " + Hex.of(msr)
                + " (general protection fault): this CPU model does not implement it";
    }

    private static String wrmsrFault(long msr) {
        return "the processor faulted writing MSR " + Hex.of(msr) + " (general protection fault): the value sets"
                + " reserved or read-only bits, is a non-canonical address, or the register does not exist";
    }

    private static String generic(int errno) {
        return Errno.of(errno).map(Errno::description).orElse("unexpected error " + errno);
    }
}
