package io.github.msrsafe.internal.sys;

import java.lang.foreign.MemorySegment;

/**
 * An open per-CPU, allowlist or version file, with the system calls msr_safe implements
 * for them. Every call returns what the C call returns on success and {@code -errno} on
 * failure (never -1): the caller decides what an error means. A call on a closed file
 * answers -EBADF without reaching the kernel, and a close while calls are in flight waits
 * for none of them: the descriptor is released when the last one returns (see
 * {@link UseCount}). Implementations: the native one makes the real system calls; the
 * simulated one follows docs/module-behaviour.md. Buffers may be native or heap segments;
 * implementations must not allocate per call once warmed up.
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

    /** close(2). Idempotent; never throws. */
    @Override
    void close();
}
