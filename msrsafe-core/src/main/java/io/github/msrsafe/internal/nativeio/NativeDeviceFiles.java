package io.github.msrsafe.internal.nativeio;

import io.github.msrsafe.DeviceNotFoundException;
import io.github.msrsafe.DevicePermissionException;
import io.github.msrsafe.FailureKind;
import io.github.msrsafe.internal.access.ExceptionAccess;
import io.github.msrsafe.CpuRanges;
import io.github.msrsafe.Driver;
import io.github.msrsafe.Errno;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.internal.sys.DeviceFiles;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.ErrnoException;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.internal.sys.OpenFlags;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The real device tree: /dev/cpu, or any directory laid out like it, accessed
 * with the C library's system calls through {@link LibC}.
 *
 * <p>The driver is detected once, when the tree is opened: msr_safe if some
 * {@code root/N/msr_safe} (or {@code root/msr_batch}) exists, otherwise the
 * stock msr driver if some {@code root/N/msr} exists. With the stock driver
 * the batch device is emulated: its ioctl runs each op as a pread or pwrite on
 * the per-CPU files.
 *
 * <p>Every thread that makes calls gets its own errno call-state and scratch
 * buffer, allocated once from an arena this tree owns; {@link #close()} closes
 * the files still open and then that arena, so it must not race with calls in
 * flight.
 */
public final class NativeDeviceFiles implements DeviceFiles {

    /** Where Linux puts the per-CPU MSR device files. */
    public static final Path DEFAULT_ROOT = Path.of("/dev/cpu");

    /** The kernel's list of online CPUs ("0-3,5,8-11"), consulted for {@link #DEFAULT_ROOT} only. */
    static final Path SYSFS_CPU_ONLINE = Path.of("/sys/devices/system/cpu/online");

    private static final int ENOENT = Errno.ENOENT.number();
    private static final int EACCES = Errno.EACCES.number();

    private final Path root;
    private final Driver driver;
    private final String cpuNodeName;
    private final Path onlineList;          // null: the CPUs are the per-CPU nodes present
    private final MethodHandle batchIoctl;  // null: the C library's ioctl
    private final Arena arena = Arena.ofShared();
    private final ThreadLocal<CallScratch> perThread = ThreadLocal.withInitial(() -> new CallScratch(arena));
    private final Set<OpenFile> openFiles = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private NativeDeviceFiles(Path root, Driver driver, Path onlineList, MethodHandle batchIoctl) {
        this.root = root;
        this.driver = driver;
        this.cpuNodeName = driver == Driver.MSR_SAFE ? "msr_safe" : "msr";
        this.onlineList = onlineList;
        this.batchIoctl = batchIoctl;
    }

    /** The tree under {@link #DEFAULT_ROOT}. See {@link #open(Path)}. */
    public static NativeDeviceFiles open() throws MsrSafeException {
        return open(DEFAULT_ROOT);
    }

    /**
     * The tree under {@code root}, with the driver detected from the files there.
     *
     * @throws DeviceNotFoundException   if neither msr_safe nor msr files are under {@code root}
     * @throws DevicePermissionException if {@code root} cannot be listed
     * @throws IllegalCallerException    if the JVM denies this module native access (names the flag)
     */
    public static NativeDeviceFiles open(Path root) throws MsrSafeException {
        return open(root, null);
    }

    /**
     * Like {@link #open(Path)}, but the batch device's ioctl is the {@code ioctl}
     * symbol of {@code ioctlLookup} (when not null) instead of the C library's:
     * the seam through which tests put a stand-in for the kernel module behind a
     * real downcall. Only the batch device uses it.
     */
    public static NativeDeviceFiles open(Path root, SymbolLookup ioctlLookup) throws MsrSafeException {
        Path absolute = root.toAbsolutePath().normalize();
        return open(absolute, absolute.equals(DEFAULT_ROOT) ? SYSFS_CPU_ONLINE : null, ioctlLookup);
    }

    /** The full seam: {@code onlineList} (may be null) stands in for the sysfs online list. */
    static NativeDeviceFiles open(Path root, Path onlineList, SymbolLookup ioctlLookup) throws MsrSafeException {
        Path absolute = root.toAbsolutePath().normalize();
        Driver driver = detectDriver(absolute);
        // Links the C library now, so that missing native access shows up here and not at the first read.
        LibC.requireNativeAccess();
        MethodHandle batchIoctl = ioctlLookup == null ? null : LibC.linkIoctl(ioctlLookup);
        return new NativeDeviceFiles(absolute, driver, onlineList, batchIoctl);
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
        if (node.kind() == DeviceNode.Kind.BATCH && driver == Driver.STOCK_MSR) {
            return root.resolve("N").resolve(cpuNodeName) + " (batch emulated by pread/pwrite)";
        }
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
        if (closed.get()) {
            throw new IllegalStateException("device tree " + root + " is closed");
        }
        OpenFile file;
        if (driver == Driver.STOCK_MSR && node.kind() != DeviceNode.Kind.CPU) {
            if (node.kind() != DeviceNode.Kind.BATCH) {
                // The stock driver has no allowlist and no version file.
                throw new ErrnoException(ENOENT, "open " + path(node));
            }
            file = new StockBatchFile(this, flags);
        } else {
            int fd = openFd(nodePath(node), flags);
            if (fd < 0) {
                throw new ErrnoException(-fd, "open " + path(node));
            }
            file = new NativeOpenFile(this, fd, node.kind() == DeviceNode.Kind.BATCH ? batchIoctl : null);
        }
        openFiles.add(file);
        if (closed.get()) {
            // close() ran while this file was being opened and may have missed it.
            file.close();
            throw new IllegalStateException("device tree " + root + " is closed");
        }
        return file;
    }

    /** Closes the files still open, then frees the per-thread buffers. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (OpenFile file : openFiles) {
                file.close();
            }
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "NativeDeviceFiles[" + root + ", " + driver + "]";
    }

    // ---- for the open files of this tree

    /** This thread's call-state and scratch. */
    CallScratch callScratch() {
        return perThread.get();
    }

    void forget(OpenFile file) {
        openFiles.remove(file);
    }

    /** The per-CPU node of {@code cpu}. */
    Path cpuPath(int cpu) {
        return root.resolve(Integer.toString(cpu)).resolve(cpuNodeName);
    }

    /** open(2) of {@code path}: the descriptor, or -errno. Always close-on-exec. */
    int openFd(Path path, int flags) {
        CallScratch scratch = callScratch();
        try (Arena call = Arena.ofConfined()) {
            int fd = LibC.open(scratch.callState(), call.allocateFrom(path.toString()), flags | OpenFlags.O_CLOEXEC);
            return fd >= 0 ? fd : scratch.negativeErrno();
        }
    }

    // ---- detection and CPU lists

    private Path nodePath(DeviceNode node) {
        return switch (node.kind()) {
            case CPU -> cpuPath(node.cpu());
            case BATCH -> root.resolve("msr_batch");
            case ALLOWLIST -> root.resolve("msr_allowlist");
            case VERSION -> root.resolve("msr_safe_version");
        };
    }

    private static Driver detectDriver(Path root) throws MsrSafeException {
        boolean stockMsr = false;
        if (Files.isDirectory(root)) {
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
                throw ExceptionAccess.create(FailureKind.PERMISSION, EACCES, "open", root.toString(), -1, -1,
                        "this user may not list " + root + ", so the MSR driver cannot be detected");
            } catch (IOException unreadable) {
                throw ExceptionAccess.create(FailureKind.NO_DEVICE, ENOENT, "open", root.toString(), -1, -1,
                        "cannot list " + root + " (" + unreadable + "); " + howToLoad(root));
            }
        }
        if (stockMsr) {
            return Driver.STOCK_MSR;
        }
        if (!Files.isDirectory(root)) {
            throw ExceptionAccess.create(FailureKind.NO_DEVICE, ENOENT, "open", root.toString(), -1, -1,
                    root + " does not exist or is not a directory; " + howToLoad(root));
        }
        throw ExceptionAccess.create(FailureKind.NO_DEVICE, ENOENT, "open", root.toString(), -1, -1,
                "neither msr_safe (" + root + "/N/msr_safe) nor the stock msr driver (" + root
                        + "/N/msr) was found under " + root + "; " + howToLoad(root));
    }

    private static String howToLoad(Path root) {
        return "load the msr-safe module (insmod msr-safe.ko) or the stock msr driver (modprobe msr)"
                + (root.equals(DEFAULT_ROOT) ? "" : " and open " + DEFAULT_ROOT)
                + ", or use the simulated device to run without them";
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

    /** The CPU a directory name stands for ("12" is 12), or -1 for any other name. */
    static int cpuNumber(String name) {
        if (name.isEmpty() || name.length() > 9 || (name.length() > 1 && name.charAt(0) == '0')) {
            return -1;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(name);
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

        private final Arena arena;
        private final MemorySegment callState;
        private MemorySegment scratch;

        CallScratch(Arena arena) {
            this.arena = arena;
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
