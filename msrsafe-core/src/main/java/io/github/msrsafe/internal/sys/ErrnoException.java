package io.github.msrsafe.internal.sys;

import io.github.msrsafe.Errno;

/**
 * An open(2) that failed, with its errno. Only {@link DeviceFiles#open} throws
 * it; the calls on an {@link OpenFile} return {@code -errno} instead so that
 * hot paths allocate nothing. The public layer turns it into an
 * {@code MsrSafeException} with the device, CPU and MSR named.
 */
public final class ErrnoException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public ErrnoException(int errno, String call) {
        super(call + ": " + Errno.name(errno), null, false, false);
        this.errno = errno;
    }

    /** The positive errno number. */
    public int errno() {
        return errno;
    }
}
