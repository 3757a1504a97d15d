package io.github.msrsafe;

import java.util.Optional;

/**
 * The Linux errno values that msr_safe and this library report, with their
 * x86-64 numbers. Explanations of what each means for a particular device
 * are in the exceptions' messages; {@link #description()} is the generic
 * C library text.
 */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    EIO(5, "Input/output error"),
    ENXIO(6, "No such device or address"),
    E2BIG(7, "Argument list too long"),
    EBADF(9, "Bad file descriptor"),
    EAGAIN(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EFAULT(14, "Bad address"),
    EBUSY(16, "Device or resource busy"),
    ENODEV(19, "No such device"),
    EISDIR(21, "Is a directory"),
    EINVAL(22, "Invalid argument"),
    EMFILE(24, "Too many open files"),
    ENOTTY(25, "Inappropriate ioctl for device"),
    ESPIPE(29, "Illegal seek"),
    EROFS(30, "Read-only file system"),
    ERANGE(34, "Numerical result out of range"),
    ENOMSG(42, "No message of desired type"),
    ENOTUNIQ(76, "Name not unique on network"),
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

    /** The positive errno number on Linux x86-64, e.g. 13 for EACCES. */
    public int number() {
        return number;
    }

    /** The C library's text for this errno, e.g. "Permission denied". */
    public String description() {
        return description;
    }

    /** The constant for a positive errno number, if this library knows it. */
    public static Optional<Errno> of(int number) {
        return number > 0 && number < BY_NUMBER.length ? Optional.ofNullable(BY_NUMBER[number]) : Optional.empty();
    }

    /** "EACCES" for 13, or "errno 99" for a number this library does not name. */
    public static String name(int number) {
        return of(number).map(Enum::name).orElse("errno " + number);
    }
}
