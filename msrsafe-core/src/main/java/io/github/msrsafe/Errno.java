package io.github.msrsafe;

import java.util.Optional;

/**
 * The Linux errno values that msr_safe and this library report, with their
 * x86-64 numbers. Explanations of what each means for a particular device
 * are in the exceptions' messages; {@link #description()} is the generic
 * C library text.
 */
public enum Errno {
    /** 1: open of a device without the privilege it needs (the stock msr driver without CAP_SYS_RAWIO). */
    EPERM(1, "Operation not permitted"),
    /** 2: the device file does not exist (module not loaded, CPU offline). */
    ENOENT(2, "No such file or directory"),
    /** 5: the processor faulted on rdmsr/wrmsr (general protection fault). */
    EIO(5, "Input/output error"),
    /** 6: the CPU is offline or does not exist. */
    ENXIO(6, "No such device or address"),
    /** 7: an allowlist larger than 131072 bytes, or a read buffer shorter than an allowlist line. */
    E2BIG(7, "Argument list too long"),
    /** 9: a write on a device opened read-only, or a batch on one not opened for reading. */
    EBADF(9, "Bad file descriptor"),
    /** 11: try again. */
    EAGAIN(11, "Resource temporarily unavailable"),
    /** 12: the kernel could not allocate memory. */
    ENOMEM(12, "Cannot allocate memory"),
    /** 13: file permissions on open; on a per-CPU read or write, or in a batch op, the allowlist's refusal. */
    EACCES(13, "Permission denied"),
    /** 14: the kernel could not copy from or to the caller's memory. */
    EFAULT(14, "Bad address"),
    /** 16: the CPU is busy in the kernel. */
    EBUSY(16, "Device or resource busy"),
    /** 19: no such device. */
    ENODEV(19, "No such device"),
    /** 20: a file where a directory of device files was expected. */
    ENOTDIR(20, "Not a directory"),
    /** 21: a directory where a device file was expected. */
    EISDIR(21, "Is a directory"),
    /** 22: a transfer other than 8 bytes, an empty batch, a bad allowlist number. */
    EINVAL(22, "Invalid argument"),
    /** 24: the process has too many open files. */
    EMFILE(24, "Too many open files"),
    /** 25: the file does not take this ioctl (not msr_safe's batch device). */
    ENOTTY(25, "Inappropriate ioctl for device"),
    /** 29: lseek on a device that cannot seek (the allowlist). */
    ESPIPE(29, "Illegal seek"),
    /** 30: a batch write to an MSR whose write mask is 0. */
    EROFS(30, "Read-only file system"),
    /** 34: an allowlist number above 2^64-1. */
    ERANGE(34, "Numerical result out of range"),
    /** 42: an allowlist with no entries. */
    ENOMSG(42, "No message of desired type"),
    /** 76: an allowlist that lists an address twice (the module then leaves the allowlist empty). */
    ENOTUNIQ(76, "Name not unique on network"),
    /** 84: an allowlist whose last token has no whitespace after it. */
    EILSEQ(84, "Invalid or incomplete multibyte or wide character");

    private static final Errno[] BY_NUMBER = new Errno[128];

    static {
        for (Errno e : values()) {
            BY_NUMBER[e.number] = e;
        }
    }

    private final int number;
    private final String description;

    Errno(int number, String description) {
        this.number = number;
        this.description = description;
    }

    /** {@return the positive errno number on Linux x86-64, e.g. 13 for EACCES} */
    public int number() {
        return number;
    }

    /** {@return the C library's text for this errno, e.g. "Permission denied"} */
    public String description() {
        return description;
    }

    /**
     * {@return the constant for a positive errno number, if this library knows it}
     *
     * @param number a positive errno number
     */
    public static Optional<Errno> of(int number) {
        return number > 0 && number < BY_NUMBER.length ? Optional.ofNullable(BY_NUMBER[number]) : Optional.empty();
    }

    /**
     * {@return the errno's name: "EACCES" for 13, or "errno 99" for a number this library does not name}
     *
     * @param number a positive errno number
     */
    public static String name(int number) {
        return of(number).map(Enum::name).orElse("errno " + number);
    }
}
