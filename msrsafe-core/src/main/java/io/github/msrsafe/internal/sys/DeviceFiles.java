package io.github.msrsafe.internal.sys;

import io.github.msrsafe.Driver;

/**
 * A tree of msr_safe device files: the real /dev/cpu (or another root
 * directory holding the same names), or the simulated device. This is the
 * seam between the public API, which owns all policy (argument checks,
 * errno to exception, batching), and the system calls.
 */
public interface DeviceFiles extends AutoCloseable {

    /** Which driver serves the per-CPU files. */
    Driver driver();

    /** The root for messages: "/dev/cpu", a temporary directory, or "simulated device". */
    String root();

    /** The path of {@code node}, for messages, e.g. "/dev/cpu/3/msr_safe". */
    String path(DeviceNode node);

    /** The CPUs online now, ascending. */
    int[] onlineCpus();

    /**
     * open(2) of {@code node} with {@code flags} (see {@link OpenFlags}).
     *
     * @throws ErrnoException with the errno open(2) would set
     */
    OpenFile open(DeviceNode node, int flags) throws ErrnoException;

    /** Releases what the tree holds (the native tree: its memory and any files still open). Idempotent. */
    @Override
    void close();
}
