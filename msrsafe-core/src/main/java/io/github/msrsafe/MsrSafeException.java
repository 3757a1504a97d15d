package io.github.msrsafe;

import io.github.msrsafe.internal.access.ExceptionAccess;
import io.github.msrsafe.internal.text.Hex;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A system call on an msr_safe device failed, or the device is not usable.
 * Carries {@link #kind() why} (one {@link FailureKind} for each cause callers
 * handle), the errno, the call, the device path and, where they apply, the CPU
 * and MSR, and its message says in plain words what causes the error and what
 * to do. The family is sealed and only this library creates its members; each
 * kind is thrown as one type ({@link FailureKind#exceptionType()}):
 * {@link MsrNotAllowedException}, {@link CpuUnavailableException},
 * {@link MsrFaultException}, {@link DevicePermissionException},
 * {@link DeviceNotFoundException}, or this class itself for the other kinds.
 *
 * <p>A message looks like:
 * {@snippet lang=text :
 * pread /dev/cpu/3/msr_safe (CPU 3, MSR 0x199) failed: EACCES: MSR 0x199 is not in
 * the allowlist; an administrator must add it to /dev/cpu/msr_allowlist
 * }
 */
public sealed class MsrSafeException extends IOException
        permits MsrNotAllowedException, CpuUnavailableException, MsrFaultException, DevicePermissionException,
                DeviceNotFoundException {
    private static final long serialVersionUID = 2L;

    static {
        // Lets the library's other packages (telemetry, save) raise members of this sealed family.
        ExceptionAccess.install(Failures::create);
    }

    /** Why the call failed. */
    private final FailureKind kind;
    /** The positive errno, or 0 when the failure came with none. */
    private final int errno;
    /** The call that failed. */
    private final String operation;
    /** The device path. */
    private final String device;
    /** The CPU, or -1. */
    private final int cpu;
    /** The MSR address, or -1. */
    private final long msr;
    /** The explanation in plain words. */
    private final String reason;

    MsrSafeException(FailureKind kind, int errno, String operation, String device, int cpu, long msr, String reason) {
        super(compose(errno, operation, device, cpu, msr, reason));
        if (kind.exceptionType() != getClass()) {
            throw new IllegalArgumentException(kind + " is thrown as " + kind.exceptionType().getSimpleName()
                    + ", not " + getClass().getSimpleName());
        }
        this.kind = kind;
        this.errno = errno;
        this.operation = operation;
        this.device = device;
        this.cpu = cpu;
        this.msr = msr;
        this.reason = reason;
    }

    /** {@return why the call failed, as callers handle it} */
    public FailureKind kind() {
        return kind;
    }

    /** {@return the errno the call failed with; empty for a failure that came with none (a short transfer, an unreadable version)} */
    public Optional<Errno> errno() {
        return Errno.of(errno);
    }

    /** {@return the call that failed, e.g. "pread"} */
    public String operation() {
        return operation;
    }

    /** {@return the device file, e.g. "/dev/cpu/3/msr_safe"} */
    public String device() {
        return device;
    }

    /** {@return the CPU the call addressed, if one} */
    public OptionalInt cpu() {
        return cpu < 0 ? OptionalInt.empty() : OptionalInt.of(cpu);
    }

    /** {@return the MSR the call addressed, if one} */
    public OptionalLong msr() {
        return msr < 0 ? OptionalLong.empty() : OptionalLong.of(msr);
    }

    /** {@return the plain-words explanation, without the call and device} */
    public String reason() {
        return reason;
    }

    private static String compose(int errno, String operation, String device, int cpu, long msr, String reason) {
        StringBuilder text = new StringBuilder(operation).append(' ').append(device);
        if (cpu >= 0 || msr >= 0) {
            text.append(" (");
            if (cpu >= 0) {
                text.append("CPU ").append(cpu);
            }
            if (msr >= 0) {
                text.append(cpu >= 0 ? ", " : "").append("MSR ").append(Hex.of(msr));
            }
            text.append(')');
        }
        text.append(" failed: ");
        if (errno > 0) {
            text.append(Errno.name(errno)).append(": ");
        }
        return text.append(reason).toString();
    }
}
