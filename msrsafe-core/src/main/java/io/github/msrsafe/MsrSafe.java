package io.github.msrsafe;

import static io.github.msrsafe.internal.sys.OpenFlags.O_CLOEXEC;
import static io.github.msrsafe.internal.sys.OpenFlags.O_RDONLY;
import static io.github.msrsafe.internal.sys.OpenFlags.O_RDWR;
import static io.github.msrsafe.internal.sys.OpenFlags.O_WRONLY;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.github.msrsafe.Failures.Call;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistException;
import io.github.msrsafe.internal.nativeio.NativeDeviceFiles;
import io.github.msrsafe.internal.sys.DeviceFiles;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.ErrnoException;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.registers.Register;
import io.github.msrsafe.registers.RegisterCatalog;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A handle on the MSRs of this machine through msr_safe (or the stock msr
 * driver, or the {@link SimulatedDevice}): single reads and writes through the
 * per-CPU devices, batches through one ioctl, the module version and the
 * allowlist.
 *
 * <p>The handle keeps one file descriptor per CPU it has used, opened on first
 * use and closed by {@link #close()}. It may be shared between threads; each
 * {@link MsrBatch} belongs to one thread at a time.
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

    /** Where the kernel puts msr_safe's devices. */
    public static final String DEFAULT_ROOT = "/dev/cpu";

    /** The largest MSR address a device can reach: the file offset is truncated to 32 bits. */
    public static final long MAX_MSR = 0xFFFF_FFFFL;

    private final DeviceFiles files;
    private final Arena arena = Arena.ofShared();
    private final List<Integer> cpus;
    private final AtomicReferenceArray<OpenFile> cpuFiles;
    private final Optional<ModuleVersion> moduleVersion;
    // Kept as an int: Optional.map boxes a u32 above the Integer cache, allocating on every execute.
    private final int batchVersion;
    // One 8-byte buffer per thread for pread/pwrite, so that reads allocate nothing once warm.
    private final ThreadLocal<MemorySegment> registerBuffer =
            ThreadLocal.withInitial(() -> arena.allocate(JAVA_LONG_UNALIGNED));
    private final AtomicBoolean closed = new AtomicBoolean();
    private OpenFile batchFile; // guarded by this

    private MsrSafe(DeviceFiles files) throws MsrSafeException {
        this.files = files;
        int[] online = files.onlineCpus();
        this.cpus = Arrays.stream(online).boxed().toList();
        int slots = online.length == 0 ? 0 : online[online.length - 1] + 1;
        this.cpuFiles = new AtomicReferenceArray<>(slots);
        this.moduleVersion = files.driver() == Driver.STOCK_MSR ? Optional.empty() : readModuleVersion();
        this.batchVersion = moduleVersion.map(ModuleVersion::u32).orElse(0);
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
        return over(NativeDeviceFiles.open(root));
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

    /** {@return which driver this handle talks to} */
    public Driver driver() {
        return files.driver();
    }

    /** {@return the device root, e.g. "/dev/cpu"} */
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
        OpenFile file = cpuFile(cpu, msr);
        MemorySegment buffer = registerBuffer.get();
        long result = file.pread(buffer, Long.BYTES, msr);
        if (result != Long.BYTES) {
            throw ioFailure(result, Call.PREAD, cpu, msr);
        }
        return buffer.get(JAVA_LONG_UNALIGNED, 0);
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
        OpenFile file = cpuFile(cpu, msr);
        MemorySegment buffer = registerBuffer.get();
        buffer.set(JAVA_LONG_UNALIGNED, 0, value);
        long result = file.pwrite(buffer, Long.BYTES, msr);
        if (result != Long.BYTES) {
            throw ioFailure(result, Call.PWRITE, cpu, msr);
        }
    }

    /** {@return a new, empty batch on this handle; close it (or this handle) to free its memory} */
    public MsrBatch newBatch() {
        ensureOpen();
        return new MsrBatch(this);
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
        ensureOpen();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (OpenFile file = openNode(DeviceNode.ALLOWLIST, O_RDONLY, -1, -1);
             Arena scratch = Arena.ofConfined()) {
            // The module returns one entry per read and needs room for the whole line.
            MemorySegment buffer = scratch.allocate(4096);
            long count;
            while ((count = file.read(buffer, buffer.byteSize())) > 0) {
                text.write(buffer.asSlice(0, count).toArray(JAVA_BYTE), 0, (int) count);
            }
            if (count < 0) {
                throw Failures.of((int) -count, Call.READ_ALLOWLIST, path(DeviceNode.ALLOWLIST), driver(), -1, -1);
            }
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
        ensureOpen();
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
        }
    }

    /** Closes every device file this handle opened and frees its memory. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (int cpu = 0; cpu < cpuFiles.length(); cpu++) {
            OpenFile file = cpuFiles.getAndSet(cpu, null);
            if (file != null) {
                file.close();
            }
        }
        synchronized (this) {
            if (batchFile != null) {
                batchFile.close();
                batchFile = null;
            }
        }
        files.close();
        arena.close();
    }

    @Override
    public String toString() {
        return "MsrSafe[" + driver() + " at " + root() + ", " + cpus.size() + " CPUs"
                + moduleVersion.map(v -> ", module " + v).orElse("") + "]";
    }

    // ---- package-private, for MsrBatch ----

    /** The batch device, opened for reading on first use and kept. */
    synchronized OpenFile batchFile() throws MsrSafeException {
        ensureOpen();
        if (batchFile == null) {
            if (driver() == Driver.STOCK_MSR) {
                // The emulated batch opens the per-CPU files with its own access mode, and
                // its writes need write access; fall back to reading only where that is all we may do.
                try {
                    batchFile = files.open(DeviceNode.BATCH, O_RDWR | O_CLOEXEC);
                } catch (ErrnoException e) {
                    batchFile = openNode(DeviceNode.BATCH, O_RDONLY, -1, -1);
                }
            } else {
                // msr_safe's batch ioctl needs only read access (EBADF otherwise).
                batchFile = openNode(DeviceNode.BATCH, O_RDONLY, -1, -1);
            }
        }
        return batchFile;
    }

    /** The version the batch header carries: the loaded module's, or 0 if unknown. */
    int batchVersion() {
        return batchVersion;
    }

    String path(DeviceNode node) {
        return files.path(node);
    }

    /** The device tree under this handle (SimulatedDevice.behind tells whether it is simulated). */
    DeviceFiles deviceFiles() {
        return files;
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this MsrSafe handle is closed");
        }
    }

    // ---- internals ----

    private OpenFile cpuFile(int cpu, long msr) throws MsrSafeException {
        ensureOpen();
        if (cpu < 0) {
            throw new IllegalArgumentException("CPU number must not be negative: " + cpu);
        }
        OpenFile file = cpu < cpuFiles.length() ? cpuFiles.get(cpu) : null;
        return file != null ? file : openCpuFile(cpu, msr);
    }

    private synchronized OpenFile openCpuFile(int cpu, long msr) throws MsrSafeException {
        if (cpu >= cpuFiles.length()) {
            // Not online when the handle was opened; let the device say why.
            throw cpuMissing(cpu, msr);
        }
        OpenFile file = cpuFiles.get(cpu);
        if (file != null) {
            return file;
        }
        DeviceNode node = DeviceNode.cpu(cpu);
        try {
            file = files.open(node, O_RDWR | O_CLOEXEC);
        } catch (ErrnoException readWrite) {
            if (Failures.kind(Call.OPEN, readWrite.errno()) != FailureKind.PERMISSION) {
                throw openFailure(readWrite.errno(), node, cpu, msr);
            }
            // Users granted read-only access can still read; a write then fails with EBADF, explained.
            file = openNode(node, O_RDONLY, cpu, msr);
        }
        cpuFiles.set(cpu, file);
        return file;
    }

    private MsrSafeException cpuMissing(int cpu, long msr) {
        return Failures.create(FailureKind.CPU_UNAVAILABLE, Errno.ENOENT.number(), "open", path(DeviceNode.cpu(cpu)), cpu, msr,
                "CPU " + cpu + " does not exist or is offline (online CPUs: " + CpuRanges.format(cpus) + ")");
    }

    private OpenFile openNode(DeviceNode node, int flags, int cpu, long msr) throws MsrSafeException {
        try {
            return files.open(node, flags | O_CLOEXEC);
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
            file = files.open(DeviceNode.VERSION, O_RDONLY | O_CLOEXEC);
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
            throw new IllegalArgumentException("MSR address " + MsrSafeException.hex(msr)
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
