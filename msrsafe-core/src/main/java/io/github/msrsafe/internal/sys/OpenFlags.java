package io.github.msrsafe.internal.sys;

/** open(2) flags as Linux x86-64 defines them. */
public final class OpenFlags {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_ACCMODE = 3;
    /**
     * For the seam's open: do not wait in open(2) (a FIFO without a writer would block it
     * forever). The descriptor then blocks as usual: the native files clear the flag once open.
     */
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;

    /** fcntl(2) commands: get and set the file status flags. */
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;

    private OpenFlags() {}
}
