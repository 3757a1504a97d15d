package io.github.msrsafe.internal.nativeio;

import io.github.msrsafe.CpuRanges;
import io.github.msrsafe.Driver;
import io.github.msrsafe.Errno;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.DeviceFiles;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.ErrnoException;
import io.github.msrsafe.internal.sys.HostPlatform;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.internal.sys.OpenFlags;
import io.github.msrsafe.internal.sys.Platform;
import io.github.msrsafe.internal.sys.UseCount;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real device tree: /dev/cpu, or any directory laid out like it, accessed
 * with the C library's system calls through {@link LibC}. It returns raw results
 * only: what the calls return, or an {@link ErrnoException}; the public layer
 * decides what they mean and what to advise.
 *
 * <p>The driver is detected once, when the tree is opened: msr_safe if some
 * {@code root/N/msr_safe} (or {@code root/msr_batch}) exists, otherwise the
 * stock msr driver if some {@code root/N/msr} exists. The stock driver has no
 * batch device; the public layer then runs batches as per-CPU calls.
 *
 * <p>Every thread that makes calls gets its own errno call-state and scratch
 * buffer, allocated once in an automatic arena: the garbage collector frees them
 * with the thread's scratch, so no close can free them under a call in flight, and
 * a downcall passing them pays no acquire and release of a shared arena (two
 * atomic updates per segment per call). Each open file holds a use of the tree
 * ({@link UseCount}) until its descriptor is closed.
 */
public final class NativeDeviceFiles implements DeviceFiles {

    /** Where Linux puts the per-CPU MSR device files. */
    public static final Path DEFAULT_ROOT = Path.of("/dev/cpu");

    /** The kernel's list of online CPUs ("0-3,5,8-11"), consulted for {@link #DEFAULT_ROOT} only. */
    static final Path SYSFS_CPU_ONLINE = Path.of("/sys/devices/system/cpu/online");

    private static final int ENOENT = Errno.ENOENT.number();
    private static final int EACCES = Errno.EACCES.number();
    private static final int ENOTDIR = Errno.ENOTDIR.number();

    private final Path root;
    private final Driver driver;
    private final String cpuNodeName;
    private final Path onlineList;          // null: the CPUs are the per-CPU nodes present
    private final Platform platform = new HostPlatform();
    private final ThreadLocal<CallScratch> perThread = ThreadLocal.withInitial(CallScratch::new);
    private final Set<NativeOpenFile> openFiles = ConcurrentHashMap.newKeySet();
    private final UseCount uses = new UseCount(() -> { }); // the files' descriptors are theirs to close

    private NativeDeviceFiles(Path root, Driver driver, Path onlineList) {
        this.root = root;
        this.driver = driver;
        this.cpuNodeName = driver == Driver.MSR_SAFE ? "msr_safe" : "msr";
        this.onlineList = onlineList;
    }

    /**
     * The tree under {@code root}, with the driver detected from the files there.
     *
     * @throws ErrnoException         ENOENT if {@code root} does not exist or holds neither driver's
     *                                files, ENOTDIR if it is not a directory, EACCES if it cannot be listed
     * @throws IllegalCallerException if the JVM denies this module native access (names the flag)
     */
    public static NativeDeviceFiles open(Path root) throws ErrnoException {
        Path absolute = root.toAbsolutePath().normalize();
        return open(absolute, absolute.equals(DEFAULT_ROOT) ? SYSFS_CPU_ONLINE : null);
    }

    /** The full seam: {@code onlineList} (may be null) stands in for the sysfs online list. */
    static NativeDeviceFiles open(Path root, Path onlineList) throws ErrnoException {
        Path absolute = root.toAbsolutePath().normalize();
        Driver driver = detectDriver(absolute);
        // Links the C library now, so that missing native access shows up here and not at the first read.
        LibC.requireNativeAccess();
        return new NativeDeviceFiles(absolute, driver, onlineList);
    }

    @Override
    public Driver driver() {
        return driver;
    }

    @Override
    public String root() {
        return root.toString();
    }

    @Override
    public String path(DeviceNode node) {
        return nodePath(node).toString();
    }

    @Override
    public int[] onlineCpus() {
        int[] withNodes = cpusWithNodes();
        if (onlineList == null) {
            return withNodes;
        }
        try {
            BitSet online = parseCpuList(Files.readString(onlineList));
            return Arrays.stream(withNodes).filter(online::get).toArray();
        } catch (IOException | IllegalArgumentException unreadable) {
            // No sysfs (some containers) or an unexpected format: the nodes still tell.
            return withNodes;
        }
    }

    @Override
    public OpenFile open(DeviceNode node, int flags) throws ErrnoException {
        if (node.kind() == DeviceNode.Kind.BATCH) {
            throw new IllegalArgumentException("the batch device is opened with openBatch");
        }
        return openFile(nodePath(node), flags);
    }

    @Override
    public BatchDevice openBatch(int flags) throws ErrnoException {
        return openFile(nodePath(DeviceNode.BATCH), flags);
    }

    @Override
    public Optional<Instant> lastModified(DeviceNode node) {
        try {
            return Optional.of(Files.getLastModifiedTime(nodePath(node)).toInstant());
        } catch (IOException | SecurityException unknown) {
            return Optional.empty();
        }
    }

    @Override
    public Platform platform() {
        return platform;
    }

    /**
     * Closes the files still open; the per-thread buffers are freed once the last of them
     * (and any open(2) in flight) is done. Idempotent; never waits.
     */
    @Override
    public void close() {
        if (uses.close()) {
            for (NativeOpenFile file : openFiles) {
                file.close();
            }
        }
    }

    @Override
    public String toString() {
        return "NativeDeviceFiles[" + root + ", " + driver + "]";
    }

    // ---- for the open files of this tree

    /** This thread's call-state and scratch; only while a use of the tree is held. */
    CallScratch callScratch() {
        return perThread.get();
    }

    /** A file of this tree has closed its descriptor: it gives back its use of the tree. */
    void released(NativeOpenFile file) {
        openFiles.remove(file);
        uses.exit();
    }

    private NativeOpenFile openFile(Path path, int flags) throws ErrnoException {
        if (!uses.enter()) {
            throw new IllegalStateException("device tree " + root + " is closed");
        }
        NativeOpenFile file = null;
        try {
            int fd = openFd(path, flags);
            if (fd < 0) {
                throw new ErrnoException(-fd, "open " + path);
            }
            file = new NativeOpenFile(this, fd); // takes over this use of the tree
            openFiles.add(file);
        } finally {
            if (file == null) {
                uses.exit();
            }
        }
        if (uses.isClosed()) {
            // close() ran while this file was being opened and may have missed it.
            file.close();
            throw new IllegalStateException("device tree " + root + " is closed");
        }
        return file;
    }

    /**
     * open(2) of {@code path}: the descriptor, or -errno. Always close-on-exec. O_NONBLOCK applies
     * to the open only (see {@link OpenFlags#O_NONBLOCK}): once open, the descriptor blocks.
     */
    private int openFd(Path path, int flags) {
        CallScratch scratch = callScratch();
        MemorySegment state = scratch.callState();
        int fd;
        try (Arena call = Arena.ofConfined()) {
            fd = LibC.open(state, call.allocateFrom(path.toString()), flags | OpenFlags.O_CLOEXEC);
        }
        if (fd < 0) {
            return scratch.negativeErrno();
        }
        if ((flags & OpenFlags.O_NONBLOCK) != 0) {
            int status = LibC.fcntl(state, fd, OpenFlags.F_GETFL, 0);
            if (status < 0 || LibC.fcntl(state, fd, OpenFlags.F_SETFL, status & ~OpenFlags.O_NONBLOCK) < 0) {
                int failed = scratch.negativeErrno();
                LibC.close(state, fd);
                return failed;
            }
        }
        return fd;
    }

    // ---- detection and CPU lists

    private Path nodePath(DeviceNode node) {
        return switch (node.kind()) {
            case CPU -> root.resolve(Integer.toString(node.cpu())).resolve(cpuNodeName);
            case BATCH -> root.resolve("msr_batch");
            case ALLOWLIST -> root.resolve("msr_allowlist");
            case VERSION -> root.resolve("msr_safe_version");
        };
    }

    private static Driver detectDriver(Path root) throws ErrnoException {
        if (!Files.exists(root)) {
            throw new ErrnoException(ENOENT, "opendir " + root);
        }
        if (!Files.isDirectory(root)) {
            throw new ErrnoException(ENOTDIR, "opendir " + root);
        }
        boolean stockMsr = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.equals("msr_batch")) {
                    return Driver.MSR_SAFE;
                }
                if (cpuNumber(name) >= 0) {
                    if (Files.exists(entry.resolve("msr_safe"))) {
                        return Driver.MSR_SAFE;
                    }
                    stockMsr |= Files.exists(entry.resolve("msr"));
                }
            }
        } catch (AccessDeniedException denied) {
            throw new ErrnoException(EACCES, "opendir " + root);
        } catch (IOException unreadable) {
            throw new ErrnoException(ENOENT, "opendir " + root);
        }
        if (stockMsr) {
            return Driver.STOCK_MSR;
        }
        throw new ErrnoException(ENOENT, "open " + root + "/N/msr_safe or " + root + "/N/msr");
    }

    private int[] cpusWithNodes() {
        if (!Files.isDirectory(root)) {
            return new int[0];
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            BitSet cpus = new BitSet();
            for (Path entry : entries) {
                int cpu = cpuNumber(entry.getFileName().toString());
                if (cpu >= 0 && Files.exists(entry.resolve(cpuNodeName))) {
                    cpus.set(cpu);
                }
            }
            return cpus.stream().toArray();
        } catch (IOException unreadable) {
            return new int[0];
        }
    }

    /**
     * The CPU a directory name stands for ("12" is 12), or -1 for any other name, and for a
     * number above {@link CpuRanges#MAX_CPU}, which no batch op can address: a directory named
     * 999999999 would otherwise size the handle's per-CPU tables.
     */
    static int cpuNumber(String name) {
        if (name.isEmpty() || name.length() > 5 || (name.length() > 1 && name.charAt(0) == '0')) {
            return -1;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return -1;
            }
        }
        int cpu = Integer.parseInt(name);
        return cpu <= CpuRanges.MAX_CPU ? cpu : -1;
    }

    /**
     * The kernel's CPU list format, as in /sys/devices/system/cpu/online:
     * comma-separated CPUs and inclusive ranges, e.g. "0-3,5,8-11", maybe
     * followed by a newline; an empty list is empty.
     *
     * @throws IllegalArgumentException if {@code text} is not such a list
     */
    static BitSet parseCpuList(String text) {
        BitSet cpus = new BitSet();
        CpuRanges.parse(text).forEach(cpus::set);
        return cpus;
    }

    /**
     * One thread's errno call-state and scratch buffer. The scratch carries
     * heap buffers across a call and batch values; it only grows, so once a
     * thread has seen its largest buffer no call allocates.
     */
    static final class CallScratch {
        private static final long INITIAL_SCRATCH = 64;

        private final Arena arena = Arena.ofAuto();
        private final MemorySegment callState;
        private MemorySegment scratch;

        CallScratch() {
            this.callState = LibC.allocateCallState(arena);
            this.scratch = arena.allocate(INITIAL_SCRATCH, Long.BYTES);
        }

        MemorySegment callState() {
            return callState;
        }

        /** At least {@code size} bytes of native scratch, 8-byte aligned. */
        MemorySegment scratch(long size) {
            if (scratch.byteSize() < size) {
                scratch = arena.allocate(Math.max(size, 2 * scratch.byteSize()), Long.BYTES);
            }
            return scratch;
        }

        /** -errno of the call that just failed with -1. */
        int negativeErrno() {
            int errno = LibC.errno(callState);
            // A failed call always sets errno; never let a failure read as success.
            return errno > 0 ? -errno : -Errno.EIO.number();
        }
    }
}
