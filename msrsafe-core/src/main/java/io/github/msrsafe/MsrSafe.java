package io.github.msrsafe;

import static io.github.msrsafe.internal.sys.OpenFlags.O_CLOEXEC;
import static io.github.msrsafe.internal.sys.OpenFlags.O_NONBLOCK;
import static io.github.msrsafe.internal.sys.OpenFlags.O_RDONLY;
import static io.github.msrsafe.internal.sys.OpenFlags.O_RDWR;
import static io.github.msrsafe.internal.sys.OpenFlags.O_WRONLY;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.github.msrsafe.Failures.Call;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistException;
import io.github.msrsafe.internal.abi.BatchAbi;
import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.nativeio.NativeDeviceFiles;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.DeviceFiles;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.ErrnoException;
import io.github.msrsafe.internal.sys.HandleAccess;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.internal.sys.UseCount;
import io.github.msrsafe.internal.text.Hex;
import io.github.msrsafe.registers.Register;
import io.github.msrsafe.registers.RegisterCatalog;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A handle on the MSRs of this machine through msr_safe (or the stock msr
 * driver, or the {@link SimulatedDevice}): single reads and writes through the
 * per-CPU devices, batches through one ioctl, the module version and the
 * allowlist.
 *
 * <p>The handle keeps one file descriptor per CPU it has used, opened on first
 * use and closed by {@link #close()}. It may be shared between threads; each
 * {@link MsrBatch} belongs to one thread at a time. Closing is safe while other
 * threads are inside calls: {@code close()} returns at once, the calls in flight
 * finish on descriptors and memory that stay valid until the last of them returns
 * (then they are freed, once), and a call that starts after {@code close()} throws
 * {@link IllegalStateException}.
 *
 * {@snippet lang=java :
 * try (MsrSafe msr = MsrSafe.open()) {                       // /dev/cpu
 *     long tsc = msr.read(0, 0x10);                          // IA32_TIME_STAMP_COUNTER on CPU 0
 *     try (MsrBatch batch = msr.newBatch()) {
 *         for (int cpu : msr.cpus()) batch.addRead(cpu, 0xE7); // IA32_MPERF everywhere
 *         if (batch.execute() == BatchOutcome.SUCCEEDED) {
 *             System.out.println("MPERF on the first CPU: " + batch.value(0));
 *         }
 *     }
 * }
 * }
 */
public final class MsrSafe implements AutoCloseable {

    // Every node is opened with these. O_NONBLOCK: a node that is a FIFO (under a root that is not
    // the module's) must not block open() until some writer comes; msr_safe's and msr's devices
    // ignore it, and a FIFO then reads as empty or EAGAIN, which the callers explain.
    private static final int OPEN_FLAGS = O_CLOEXEC | O_NONBLOCK;

    /** Where the kernel puts msr_safe's devices. */
    public static final String DEFAULT_ROOT = "/dev/cpu";

    /** The largest MSR address a device can reach: the file offset is truncated to 32 bits. */
    public static final long MAX_MSR = 0xFFFF_FFFFL;

    /** The highest CPU number a handle opens: the batch op's cpu field is 16 bits. */
    static final int MAX_CPU = 0xFFFF;

    static {
        // Telemetry and save ask the device tree for the facts of its platform (topology, clock).
        HandleAccess.install(msr -> msr.files);
    }

    private final DeviceFiles files;
    private final List<Integer> cpus;
    // By CPU; replaced by a longer copy (under this) when a CPU above every one so far is opened.
    private volatile AtomicReferenceArray<OpenFile> cpuFiles;
    private final Optional<ModuleVersion> moduleVersion;
    // The op layout batches use, chosen once from the module's version: it is never guessed.
    private final BatchAbi batchAbi;
    // Kept as an int: Optional.map boxes a u32 above the Integer cache, allocating on every execute.
    private final int batchVersion;
    // One 8-byte buffer per thread for pread/pwrite, so that reads allocate nothing once warm. In an
    // automatic arena: a downcall passing a shared arena's segment acquires and releases the arena
    // (two atomic updates), and the garbage collector frees it when neither thread nor handle needs it.
    private final ThreadLocal<MemorySegment> registerBuffer =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(JAVA_LONG_UNALIGNED));
    // Every call holds a use; the last one out after close() closes the files and the batches.
    private final UseCount uses = new UseCount(this::release);
    private final Set<MsrBatch> batches = ConcurrentHashMap.newKeySet();
    private volatile BatchDevice batchDevice; // resolved on first use (under this), then fixed

    private MsrSafe(DeviceFiles files) throws MsrSafeException {
        this.files = files;
        int[] online = files.onlineCpus();
        this.cpus = Arrays.stream(online).boxed().toList();
        int slots = online.length == 0 ? 0 : online[online.length - 1] + 1;
        this.cpuFiles = new AtomicReferenceArray<>(slots);
        this.moduleVersion = files.driver() == Driver.STOCK_MSR ? Optional.empty() : readModuleVersion();
        ModuleVersion module = moduleVersion.orElse(null);
        this.batchAbi = BatchAbi.forModule(module);
        this.batchVersion = batchAbi.versionWord(module);
    }

    /**
     * Opens the MSR devices under /dev/cpu: msr_safe if it is loaded, else the stock msr
     * driver.
     *
     * @return a handle on the devices; close it to close them
     * @throws DeviceNotFoundException if neither driver is present, saying how to fix it
     * @throws MsrSafeException        if the devices cannot be opened or the version file read
     */
    public static MsrSafe open() throws MsrSafeException {
        return open(Path.of(DEFAULT_ROOT));
    }

    /**
     * Opens the MSR devices under another root directory laid out like /dev/cpu
     * ({@code N/msr_safe}, {@code msr_batch}, {@code msr_allowlist}, {@code msr_safe_version}).
     *
     * @param root the directory to use instead of /dev/cpu
     * @return a handle on the devices; close it to close them
     * @throws DeviceNotFoundException if neither driver's files are under {@code root}
     * @throws MsrSafeException        if the devices cannot be opened or the version file read
     */
    public static MsrSafe open(Path root) throws MsrSafeException {
        Objects.requireNonNull(root, "root");
        NativeDeviceFiles files;
        try {
            files = NativeDeviceFiles.open(root);
        } catch (ErrnoException e) {
            throw noDevice(root.toAbsolutePath().normalize(), e.errno());
        }
        return over(files);
    }

    /** A handle over any device tree (native root or simulated); the seam for tests and the simulator. */
    static MsrSafe over(DeviceFiles files) throws MsrSafeException {
        try {
            return new MsrSafe(files);
        } catch (MsrSafeException | RuntimeException e) {
            files.close();
            throw e;
        }
    }

    private static MsrSafeException noDevice(Path root, int errno) {
        if (Failures.kind(Call.OPEN, errno) == FailureKind.PERMISSION) {
            return Failures.create(FailureKind.PERMISSION, errno, "open", root.toString(), -1, -1,
                    "this user may not list " + root + ", so the MSR driver cannot be detected");
        }
        if (errno == Errno.ENOTDIR.number()) {
            return Failures.create(FailureKind.NO_DEVICE, errno, "open", root.toString(), -1, -1,
                    root + " is a file, not a directory; the device root is the directory that holds N/msr_safe,"
                            + " msr_batch and msr_allowlist (" + DEFAULT_ROOT + ")");
        }
        if (errno == Errno.ENOENT.number() && Files.isDirectory(root)) {
            return Failures.create(FailureKind.NO_DEVICE, errno, "open", root.toString(), -1, -1,
                    "neither msr_safe (" + root.resolve("N").resolve("msr_safe") + ") nor the stock msr driver ("
                            + root.resolve("N").resolve("msr") + ") was found under " + root + "; " + howToLoad(root));
        }
        return Failures.create(FailureKind.NO_DEVICE, errno, "open", root.toString(), -1, -1,
                root + " does not exist or is not a directory; " + howToLoad(root));
    }

    private static String howToLoad(Path root) {
        return "load the msr-safe module (insmod msr-safe.ko) or the stock msr driver (modprobe msr)"
                + (root.equals(Path.of(DEFAULT_ROOT)) ? "" : " and open " + DEFAULT_ROOT)
                + ", or use the simulated device to run without them";
    }

    /** {@return which driver this handle talks to} */
    public Driver driver() {
        return files.driver();
    }

    /**
     * {@return the device root, for messages: a directory such as "/dev/cpu", or
     * "sim:/dev/cpu" for the {@link SimulatedDevice}}
     */
    public String root() {
        return files.root();
    }

    /** {@return the CPUs that were online when the handle was opened, ascending} */
    public List<Integer> cpus() {
        return cpus;
    }

    /**
     * {@return the loaded module's version from msr_safe_version; empty for the stock msr driver and
     * for msr_safe before 1.6, which had no version file}
     */
    public Optional<ModuleVersion> moduleVersion() {
        return moduleVersion;
    }

    /**
     * {@return the batch op layout this handle's batches use, chosen when it opened from the
     * module's version: {@link BatchLayout#MSR_SAFE_2} for msr-safe 2.x, {@link BatchLayout#MSR_SAFE_1}
     * for 1.x, a module without a version file, the stock msr driver, and a major this library
     * does not know} Its {@link BatchLayout#maxOpsPerIoctl()} is where batches are split, and it
     * says whether the module itself polls and records timestamps.
     */
    public BatchLayout batchLayout() {
        return BatchLayout.of(batchAbi);
    }

    /**
     * Reads MSR {@code msr} on CPU {@code cpu} through /dev/cpu/CPU/msr_safe.
     *
     * @param cpu the CPU
     * @param msr the MSR address, 0..2^32-1
     * @return the register's value
     * @throws IllegalArgumentException if cpu is negative or msr is outside 0..2^32-1
     * @throws MsrNotAllowedException   if the allowlist does not list the MSR
     * @throws CpuUnavailableException  if the CPU does not exist or is offline
     * @throws MsrFaultException        if this processor does not implement the MSR
     * @throws MsrSafeException         for any other failure of the device, explained
     */
    public long read(int cpu, long msr) throws MsrSafeException {
        checkMsr(msr);
        enter();
        try {
            OpenFile file = cpuFile(cpu, msr);
            MemorySegment buffer = registerBuffer.get();
            long result = file.pread(buffer, Long.BYTES, msr);
            if (result != Long.BYTES) {
                throw ioFailure(result, Call.PREAD, cpu, msr);
            }
            return buffer.get(JAVA_LONG_UNALIGNED, 0);
        } finally {
            uses.exit();
        }
    }

    /**
     * Writes {@code value} to MSR {@code msr} on CPU {@code cpu}. msr_safe writes only
     * the bits of the allowlist's write mask and keeps the others:
     * {@code new = (value & mask) | (old & ~mask)}.
     *
     * @param cpu   the CPU
     * @param msr   the MSR address, 0..2^32-1
     * @param value the value to write
     * @throws IllegalArgumentException if cpu is negative or msr is outside 0..2^32-1
     * @throws MsrNotAllowedException   if the MSR is not listed or its write mask is 0
     * @throws CpuUnavailableException  if the CPU does not exist or is offline
     * @throws MsrFaultException        if the processor refuses the value
     * @throws MsrSafeException         for any other failure of the device, explained (EBADF:
     *                                  this user may only read the device)
     */
    public void write(int cpu, long msr, long value) throws MsrSafeException {
        checkMsr(msr);
        enter();
        try {
            OpenFile file = cpuFile(cpu, msr);
            MemorySegment buffer = registerBuffer.get();
            buffer.set(JAVA_LONG_UNALIGNED, 0, value);
            long result = file.pwrite(buffer, Long.BYTES, msr);
            if (result != Long.BYTES) {
                throw ioFailure(result, Call.PWRITE, cpu, msr);
            }
        } finally {
            uses.exit();
        }
    }

    /**
     * {@return a new, empty batch on this handle; close it (or this handle) to free its memory}
     *
     * @throws IllegalStateException if this handle is closed
     */
    public MsrBatch newBatch() {
        enter();
        try {
            MsrBatch batch = new MsrBatch(this);
            batches.add(batch);
            return batch;
        } finally {
            uses.exit();
        }
    }

    /**
     * {@return whether batches run as per-CPU reads and writes, one system call per op,
     * because this device has no batch device that answers the batch ioctl} That is so for
     * the stock msr driver, and for msr_safe's per-CPU nodes without a working
     * {@code msr_batch} (msrsave's own tests use such a directory of plain files). Such
     * batches have no validation pass: every op runs, an op's failure does not stop the
     * others, and write masks read as all ones. The first call opens the batch device to
     * find out (a batch does the same); a batch device this user may not open counts as
     * present, and a batch then reports why it cannot run.
     *
     * @throws IllegalStateException if this handle is closed
     */
    public boolean batchEmulated() {
        enter();
        try {
            return batchDevice().emulated();
        } catch (MsrSafeException presentButUnusable) {
            return false;
        } finally {
            uses.exit();
        }
    }

    /**
     * Reads the installed allowlist from /dev/cpu/msr_allowlist (needs the msr-admin group
     * on a real system).
     *
     * @return the installed entries, in install order; {@link Allowlist#EMPTY} if none
     * @throws DevicePermissionException if this user may not read the allowlist
     * @throws MsrSafeException          for any other failure, explained
     */
    public Allowlist allowlist() throws MsrSafeException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        enter();
        try (OpenFile file = openNode(DeviceNode.ALLOWLIST, O_RDONLY, -1, -1);
             Arena scratch = Arena.ofConfined()) {
            // The module returns one entry per read and needs room for the whole line.
            MemorySegment buffer = scratch.allocate(4096);
            byte[] chunk = new byte[(int) buffer.byteSize()];
            long count = 0;
            // Bounded: the parser refuses more than the module takes in one write anyway, and a file
            // that never ends (not the module's) must not grow the heap.
            while (text.size() <= Allowlist.MAX_WRITE_BYTES && (count = file.read(buffer, buffer.byteSize())) > 0) {
                MemorySegment.copy(buffer, JAVA_BYTE, 0, chunk, 0, (int) count);
                text.write(chunk, 0, (int) count);
            }
            if (count < 0) {
                throw Failures.of((int) -count, Call.READ_ALLOWLIST, path(DeviceNode.ALLOWLIST), driver(), -1, -1);
            }
        } finally {
            uses.exit();
        }
        byte[] bytes = text.toByteArray();
        if (bytes.length == 0) {
            return Allowlist.EMPTY;
        }
        try {
            return Allowlist.parse(bytes);
        } catch (AllowlistException e) {
            throw Failures.create(FailureKind.WRONG_ABI, 0, "read", path(DeviceNode.ALLOWLIST), -1, -1,
                    "the module listed its allowlist in a form this library cannot parse (" + e.getMessage() + ")");
        }
    }

    /**
     * Installs {@code allowlist} with one write, replacing the installed one (the module
     * cannot append). An empty allowlist clears it.
     *
     * @param allowlist the entries to install
     * @throws DevicePermissionException if this user may not write the allowlist (msr-admin group)
     * @throws MsrSafeException          if the module refuses it, explained
     */
    public void installAllowlist(Allowlist allowlist) throws MsrSafeException {
        if (allowlist.entries().isEmpty()) {
            clearAllowlist();
        } else {
            writeAllowlist(allowlist.toKernelFormat().getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * Installs allowlist text exactly as {@code cat FILE > /dev/cpu/msr_allowlist} would,
     * after checking it in Java first so that a mistake is reported with its line, column
     * and token instead of a bare errno (and a duplicate never empties the live list).
     *
     * @param text the allowlist file's bytes
     * @throws AllowlistException        if the module would reject the text; nothing is written
     * @throws DevicePermissionException if this user may not write the allowlist (msr-admin group)
     * @throws MsrSafeException          for any other failure, explained
     */
    public void installAllowlist(byte[] text) throws MsrSafeException, AllowlistException {
        Allowlist.parse(text);
        writeAllowlist(text);
    }

    /**
     * Empties the allowlist, as {@code echo > /dev/cpu/msr_allowlist} does.
     *
     * @throws DevicePermissionException if this user may not write the allowlist (msr-admin group)
     * @throws MsrSafeException          for any other failure, explained
     */
    public void clearAllowlist() throws MsrSafeException {
        writeAllowlist(new byte[] {'\n'});
    }

    private void writeAllowlist(byte[] text) throws MsrSafeException {
        enter();
        try (OpenFile file = openNode(DeviceNode.ALLOWLIST, O_WRONLY, -1, -1);
             Arena scratch = Arena.ofConfined()) {
            MemorySegment buffer = scratch.allocate(Math.max(1, text.length));
            MemorySegment.copy(MemorySegment.ofArray(text), 0, buffer, 0, text.length);
            long written = file.write(buffer, text.length);
            if (written < 0) {
                // Java accepted the text; a rejection now is the module's (FailureKind.ALLOWLIST_REJECTED).
                throw Failures.of((int) -written, Call.WRITE_ALLOWLIST, path(DeviceNode.ALLOWLIST), driver(), -1, -1);
            }
            if (written != text.length) {
                throw Failures.create(FailureKind.OTHER, 0, "write", path(DeviceNode.ALLOWLIST), -1, -1,
                        "short write: " + written + " of " + text.length + " bytes");
            }
        } finally {
            uses.exit();
        }
    }

    /**
     * Closes every device file this handle opened, its batches, and frees its memory.
     * Idempotent, and safe while other threads are inside calls on this handle or its
     * batches: it never waits for them and never throws because of them; what they use is
     * freed when the last of them returns. Calls made after it throw
     * {@link IllegalStateException}.
     */
    @Override
    public void close() {
        uses.close();
    }

    @Override
    public String toString() {
        return "MsrSafe[" + driver() + " at " + root() + ", " + cpus.size() + " CPUs"
                + moduleVersion.map(v -> ", module " + v).orElse("") + "]";
    }

    // ---- package-private, for MsrBatch and the per-CPU batch emulation ----

    /**
     * The batch device: msr_batch, opened for reading (msr_safe's batch ioctl needs only
     * that; EBADF otherwise) if it answers the batch ioctl, else the per-CPU emulation.
     * Resolved on first use and then fixed. The caller holds a use of this handle.
     */
    BatchDevice batchDevice() throws MsrSafeException {
        BatchDevice device = batchDevice;
        if (device == null) {
            synchronized (this) {
                device = batchDevice;
                if (device == null) {
                    device = resolveBatchDevice();
                    batchDevice = device;
                }
            }
        }
        return device;
    }

    /**
     * The version the batch header carries: the loaded module's when its major is the layout's,
     * else the layout's own (1.8.0); never 0.
     */
    int batchVersion() {
        return batchVersion;
    }

    /** The op layout batches use. */
    BatchAbi batchAbi() {
        return batchAbi;
    }

    /** How messages name the loaded module: "(msr-safe 2.0.4)", or why its version is unknown. */
    String moduleDescription() {
        return moduleVersion.map(v -> "(msr-safe " + v + ")").orElse(driver() == Driver.STOCK_MSR
                ? "(the stock msr driver)" : "(no msr_safe_version file: msr-safe before 1.6, or not msr-safe)");
    }

    /**
     * The one exception for a batch the module refused as a whole in a way that says it speaks
     * another batch ABI than the one sent (ENOPROTOOPT, ENOTTY, EINVAL: the library never sends
     * an empty batch): names the module's version, the version and layout sent, and what to do.
     */
    MsrSafeException batchRefused(int errno) {
        String sent = "this library sent version " + BatchAbi.describeWord(batchVersion) + " with the msr-safe "
                + batchAbi.series() + " op layout (" + batchAbi.opSize() + "-byte ops)";
        ModuleVersion module = moduleVersion.orElse(null);
        String fix;
        if (module != null && module.major() != 1 && module.major() != BatchAbi.V2_MAJOR) {
            fix = "msr-safe " + module.major() + ".x's batch layout is unknown to this library: use a msrsafe-java"
                    + " release that supports msr-safe " + module + " (per-CPU reads and writes still work)";
        } else if (module != null) {
            fix = "the layout was chosen from " + path(DeviceNode.VERSION) + ", which said " + module
                    + " when this handle opened: if the module was reloaded since, open a new handle;"
                    + " otherwise the module and its version file disagree, so report it with the output of"
                    + " 'msrsafe version'";
        } else {
            fix = "the module has no version file, so the 1.x layout was sent: load msr-safe 1.6 or later (it has"
                    + " /dev/cpu/msr_safe_version), or use a msrsafe-java release that supports this module";
        }
        String reason = "the module " + moduleDescription() + " refused the batch ("
                + Errno.name(errno) + "): " + sent + "; " + fix;
        return Failures.create(FailureKind.WRONG_ABI, errno, Call.BATCH.text, batchPath(), -1, -1, reason);
    }

    /** What batch failures name as their device. */
    String batchPath() {
        BatchDevice device = batchDevice;
        return device != null && device.emulated()
                ? files.root() + " (batches run as per-CPU reads and writes)"
                : files.path(DeviceNode.BATCH);
    }

    String path(DeviceNode node) {
        return files.path(node);
    }

    /** Starts a call on this handle; pair with {@link #exit()}. */
    void enter() {
        if (!uses.enter()) {
            throw closed();
        }
    }

    /** Ends a call {@link #enter()} started; the last one after close() frees everything. */
    void exit() {
        uses.exit();
    }

    /** Whether close() has been called; calls may still be in flight. */
    boolean isClosed() {
        return uses.isClosed();
    }

    void ensureOpen() {
        if (uses.isClosed()) {
            throw closed();
        }
    }

    /** A batch was closed: this handle no longer closes it. */
    void forget(MsrBatch batch) {
        batches.remove(batch);
    }

    /** Whether everything this handle held is freed (closed, and no call left in flight); for tests. */
    boolean isReleased() {
        return uses.isReleased();
    }

    /**
     * The open file of {@code cpu}'s node, opened on first use (read-write, or read-only
     * when that is all this user may) and kept. Raw, for the batch emulation: the
     * device's errno, no exception of the public family. The caller holds a use.
     */
    OpenFile cpuFileRaw(int cpu) throws ErrnoException {
        AtomicReferenceArray<OpenFile> current = cpuFiles;
        OpenFile file = cpu < current.length() ? current.get(cpu) : null;
        return file != null ? file : openCpuFile(cpu);
    }

    /** This thread's 8-byte native buffer; the caller holds a use. */
    MemorySegment registerBuffer() {
        return registerBuffer.get();
    }

    // ---- internals ----

    private static IllegalStateException closed() {
        return new IllegalStateException("this MsrSafe handle is closed");
    }

    // Runs once: on close() when no call is in flight, else when the last one returns.
    private void release() {
        for (MsrBatch batch : batches) {
            batch.close();
        }
        AtomicReferenceArray<OpenFile> opened = cpuFiles;
        for (int cpu = 0; cpu < opened.length(); cpu++) {
            OpenFile file = opened.getAndSet(cpu, null);
            if (file != null) {
                file.close();
            }
        }
        BatchDevice device = batchDevice;
        if (device != null) {
            device.close();
        }
        files.close();
    }

    private OpenFile cpuFile(int cpu, long msr) throws MsrSafeException {
        if (cpu < 0 || cpu > MAX_CPU) {
            throw new IllegalArgumentException(cpu < 0 ? "CPU number must not be negative: " + cpu
                    : "CPU " + cpu + " is above " + MAX_CPU + ", the highest CPU number msr_safe can name");
        }
        try {
            return cpuFileRaw(cpu);
        } catch (ErrnoException e) {
            throw openFailure(e.errno(), DeviceNode.cpu(cpu), cpu, msr);
        }
    }

    // A CPU above every CPU seen so far (one that came online after this handle opened) is
    // asked of the device like any other; the array grows to hold it.
    private synchronized OpenFile openCpuFile(int cpu) throws ErrnoException {
        AtomicReferenceArray<OpenFile> current = cpuFiles;
        OpenFile file = cpu < current.length() ? current.get(cpu) : null;
        if (file != null) {
            return file;
        }
        DeviceNode node = DeviceNode.cpu(cpu);
        try {
            file = files.open(node, O_RDWR | OPEN_FLAGS);
        } catch (ErrnoException readWrite) {
            if (Failures.kind(Call.OPEN, readWrite.errno()) != FailureKind.PERMISSION) {
                throw readWrite;
            }
            // Users granted read-only access can still read; a write then fails with EBADF, explained.
            file = files.open(node, O_RDONLY | OPEN_FLAGS);
        }
        if (cpu >= current.length()) {
            AtomicReferenceArray<OpenFile> grown = new AtomicReferenceArray<>(cpu + 1);
            for (int i = 0; i < current.length(); i++) {
                grown.set(i, current.get(i));
            }
            current = grown;
            cpuFiles = grown;
        }
        current.set(cpu, file);
        return file;
    }

    private BatchDevice resolveBatchDevice() throws MsrSafeException {
        if (files.driver() == Driver.STOCK_MSR) {
            return new PerCpuBatch(this); // the stock driver has no batch device
        }
        BatchDevice device;
        try {
            device = files.openBatch(O_RDONLY | OPEN_FLAGS);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT.number()) {
                return new PerCpuBatch(this); // per-CPU nodes without msr_batch
            }
            throw openFailure(e.errno(), DeviceNode.BATCH, -1, -1);
        }
        if (answersBatchIoctl(device)) {
            return device;
        }
        device.close();
        return new PerCpuBatch(this);
    }

    // An empty batch: msr_safe refuses it (EINVAL) before it reads anything; a file that is
    // not the module's batch device (a plain file, another driver) does not know the request.
    private boolean answersBatchIoctl(BatchDevice device) {
        try (Arena probe = Arena.ofConfined()) {
            MemorySegment empty = probe.allocate(MsrStructs.BATCH_ARRAY); // zeroed: numops 0
            return device.batch(empty, null) != -Errno.ENOTTY.number();
        }
    }

    private OpenFile openNode(DeviceNode node, int flags, int cpu, long msr) throws MsrSafeException {
        try {
            return files.open(node, flags | OPEN_FLAGS);
        } catch (ErrnoException e) {
            throw openFailure(e.errno(), node, cpu, msr);
        }
    }

    private MsrSafeException openFailure(int errno, DeviceNode node, int cpu, long msr) {
        FailureKind kind = Failures.kind(Call.OPEN, errno);
        if (node.kind() == DeviceNode.Kind.CPU && (kind == FailureKind.NO_DEVICE || kind == FailureKind.CPU_UNAVAILABLE)) {
            // A CPU's node is missing because the CPU is offline or does not exist, not because the module is.
            return Failures.create(FailureKind.CPU_UNAVAILABLE, errno, "open", path(node), cpu, msr,
                    "CPU " + cpu + " does not exist or is offline (online CPUs: " + CpuRanges.format(cpus) + ")");
        }
        return Failures.of(errno, Call.OPEN, path(node), driver(), cpu, msr);
    }

    private MsrSafeException ioFailure(long result, Call call, int cpu, long msr) {
        String device = path(DeviceNode.cpu(cpu));
        if (result >= 0) {
            return Failures.create(FailureKind.WRONG_ABI, 0, call.text, device, cpu, msr,
                    "transferred " + result + " bytes instead of 8: " + device + " does not behave like msr_safe");
        }
        return Failures.of((int) -result, call, device, driver(), cpu, msr);
    }

    private Optional<ModuleVersion> readModuleVersion() throws MsrSafeException {
        OpenFile file;
        try {
            file = files.open(DeviceNode.VERSION, O_RDONLY | OPEN_FLAGS);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT.number()) {
                return Optional.empty(); // msr_safe before 1.6 had no version file
            }
            throw Failures.of(e.errno(), Call.OPEN, path(DeviceNode.VERSION), driver(), -1, -1);
        }
        try (file; Arena scratch = Arena.ofConfined()) {
            MemorySegment buffer = scratch.allocate(64);
            long count = file.read(buffer, buffer.byteSize());
            if (count < 0) {
                throw Failures.of((int) -count, Call.READ_VERSION, path(DeviceNode.VERSION), driver(), -1, -1);
            }
            String text = new String(buffer.asSlice(0, count).toArray(JAVA_BYTE),
                    StandardCharsets.US_ASCII);
            try {
                return Optional.of(ModuleVersion.parse(text));
            } catch (IllegalArgumentException e) {
                throw Failures.create(FailureKind.WRONG_ABI, 0, "read", path(DeviceNode.VERSION), -1, -1,
                        "the module reported a version this library cannot parse: " + e.getMessage());
            }
        }
    }

    static void checkMsr(long msr) {
        if (msr < 0 || msr > MAX_MSR) {
            throw new IllegalArgumentException("MSR address " + Hex.of(msr)
                    + " is outside 0x0..0xFFFFFFFF; the device truncates offsets to 32 bits, so it cannot be reached");
        }
    }

    // ---- by register: the catalog's entries and names (for jshell and IDEs) ----

    /**
     * Reads {@code register} on {@code cpu}: {@link #read(int, long) read(cpu, register.address())}.
     *
     * @param cpu      the CPU
     * @param register a register of the catalog, e.g. {@code RegisterCatalog.builtIn().require("IA32_MPERF")}
     * @return the register's value
     * @throws MsrSafeException as {@link #read(int, long)} does
     */
    public long read(int cpu, Register register) throws MsrSafeException {
        return read(cpu, Objects.requireNonNull(register, "register").address());
    }

    /**
     * Reads the register {@code name} names in the {@linkplain RegisterCatalog#builtIn() built-in catalog},
     * forgiving case and the IA32_/MSR_ prefixes ({@link RegisterCatalog#find}): {@code read(0, "perf_ctl")}.
     *
     * @param cpu  the CPU
     * @param name the register's name
     * @return the register's value
     * @throws IllegalArgumentException if the catalog has no register of that name (the message suggests near ones)
     * @throws MsrSafeException         as {@link #read(int, long)} does
     */
    public long read(int cpu, String name) throws MsrSafeException {
        return read(cpu, RegisterCatalog.builtIn().require(name).address());
    }

    /**
     * Writes {@code value} to {@code register} on {@code cpu}: {@link #write(int, long, long)
     * write(cpu, register.address(), value)}.
     *
     * @param cpu      the CPU
     * @param register a register of the catalog
     * @param value    the value to write
     * @throws MsrSafeException as {@link #write(int, long, long)} does
     */
    public void write(int cpu, Register register, long value) throws MsrSafeException {
        write(cpu, Objects.requireNonNull(register, "register").address(), value);
    }

    /**
     * Writes {@code value} to the register {@code name} names in the built-in catalog
     * ({@link RegisterCatalog#find}).
     *
     * @param cpu   the CPU
     * @param name  the register's name
     * @param value the value to write
     * @throws IllegalArgumentException if the catalog has no register of that name
     * @throws MsrSafeException         as {@link #write(int, long, long)} does
     */
    public void write(int cpu, String name, long value) throws MsrSafeException {
        write(cpu, RegisterCatalog.builtIn().require(name).address(), value);
    }
}
