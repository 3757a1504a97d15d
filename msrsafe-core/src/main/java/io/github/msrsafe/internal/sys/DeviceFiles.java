package io.github.msrsafe.internal.sys;

import io.github.msrsafe.Driver;
import java.time.Instant;
import java.util.Optional;

/**
 * A tree of msr_safe device files: the real /dev/cpu (or another root directory holding
 * the same names), or the simulated device. This is the seam between the public API,
 * which owns all policy (argument checks, errno to exception, batching, emulation), and
 * the system calls. Every answer is a raw fact or a raw result: nothing here throws a
 * public exception or words advice.
 */
public interface DeviceFiles extends AutoCloseable {

    /** Which driver serves the per-CPU files. */
    Driver driver();

    /** The root for messages: "/dev/cpu", a temporary directory, or "sim:/dev/cpu". */
    String root();

    /** The path of {@code node}, for messages, e.g. "/dev/cpu/3/msr_safe". */
    String path(DeviceNode node);

    /** The CPUs online now, ascending. */
    int[] onlineCpus();

    /**
     * open(2) of a per-CPU, allowlist or version node with {@code flags} (see {@link OpenFlags}).
     *
     * @throws ErrnoException           with the errno open(2) would set
     * @throws IllegalArgumentException for the batch node: use {@link #openBatch(int)}
     */
    OpenFile open(DeviceNode node, int flags) throws ErrnoException;

    /**
     * open(2) of the batch device, {@code root/msr_batch}. Whether it answers the batch
     * ioctl is for the caller to find out (a plain file answers ENOTTY).
     *
     * @throws ErrnoException with the errno open(2) would set: ENOENT where there is none
     */
    BatchDevice openBatch(int flags) throws ErrnoException;

    /** {@return when {@code node} was last modified, if the device keeps such a time} */
    Optional<Instant> lastModified(DeviceNode node);

    /** {@return the machine these files belong to: its CPU layout, processor and clock} */
    Platform platform();

    /** Releases what the tree holds (the native tree: its memory and any files still open). Idempotent. */
    @Override
    void close();
}
