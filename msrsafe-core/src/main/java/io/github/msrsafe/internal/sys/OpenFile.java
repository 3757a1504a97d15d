package io.github.msrsafe.internal.sys;

import java.lang.foreign.MemorySegment;

/**
 * An open device file, with the system calls msr_safe implements. Every call
 * returns what the C call returns on success and {@code -errno} on failure
 * (never -1): the caller decides what an error means. Implementations:
 * the native one makes the real system calls; the simulated one follows
 * docs/module-behaviour.md. Buffers may be native or heap segments; implementations
 * must not allocate per call once warmed up.
 */
public interface OpenFile extends AutoCloseable {

    /** pread(2) of {@code count} bytes at file offset {@code offset} into {@code buffer}. */
    long pread(MemorySegment buffer, long count, long offset);

    /** pwrite(2) of {@code count} bytes from {@code buffer} at file offset {@code offset}. */
    long pwrite(MemorySegment buffer, long count, long offset);

    /** read(2) of up to {@code count} bytes into {@code buffer} at the current position. */
    long read(MemorySegment buffer, long count);

    /** write(2) of {@code count} bytes from {@code buffer}. */
    long write(MemorySegment buffer, long count);

    /** lseek(2); {@code whence} is one of {@link OpenFlags#SEEK_SET} etc. */
    long lseek(long offset, int whence);

    /**
     * ioctl(2) with a pointer argument. {@code array} is a {@code struct msr_batch_array}
     * (see {@code MsrStructs}) whose {@code ops} field holds {@code ops.address()}.
     * The native implementation passes only {@code array} to the kernel; the
     * simulated one reads the ops through {@code ops} (Java cannot follow a raw
     * pointer without restricted access) and answers EFAULT if
     * {@code array.ops != ops.address()} or {@code ops} is shorter than numops ops.
     *
     * @return 0, or {@code -errno}
     */
    int ioctl(long request, MemorySegment array, MemorySegment ops);

    /** close(2). Idempotent; never throws. */
    @Override
    void close();
}
