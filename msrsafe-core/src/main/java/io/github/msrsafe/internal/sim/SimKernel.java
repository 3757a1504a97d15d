package io.github.msrsafe.internal.sim;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.github.msrsafe.Driver;
import io.github.msrsafe.Errno;
import io.github.msrsafe.ModuleVersion;
import io.github.msrsafe.SimulatedRegister;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.allowlist.AllowlistException;
import io.github.msrsafe.internal.abi.BatchAbi;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.DeviceFiles;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.ErrnoException;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.internal.sys.OpenFlags;
import io.github.msrsafe.internal.sys.Platform;
import io.github.msrsafe.internal.text.Hex;
import io.github.msrsafe.registers.CpuIdentity;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * msr_safe in process, as 1.8 or as the 2.x development line: the four device
 * files with the system-call behaviour of docs/module-behaviour.md, over a
 * {@link RegisterBank} of simulated registers. Every {@link OpenFile} call
 * returns what the C call would return, or {@code -errno}. The module version
 * decides what the version file says and how a batch runs ({@link BatchRules}).
 *
 * <p>Thread-safe: one lock guards the registers, the online CPUs, the
 * allowlist and the file positions, and a whole batch runs under it. The
 * real module runs each CPU's ops of a batch concurrently with the other
 * CPUs'; here they run in array order, which is one of the orders the real
 * module may produce. Register access allocates nothing.
 *
 * <p>The device lives as long as its owner ({@code SimulatedDevice}) keeps it:
 * {@link #close()} does nothing, so that closing one handle does not take
 * the device away from the others.
 */
public final class SimKernel implements DeviceFiles {

    /** The version a kernel reports when none is given: msr-safe 1.8.0. */
    public static final ModuleVersion DEFAULT_VERSION = new ModuleVersion(1, 8, 0);

    static final int EBADF = Errno.EBADF.number();
    static final int EINVAL = Errno.EINVAL.number();
    static final int EACCES = Errno.EACCES.number();
    static final int EIO = Errno.EIO.number();
    static final int ENXIO = Errno.ENXIO.number();
    static final int EFAULT = Errno.EFAULT.number();
    static final int E2BIG = Errno.E2BIG.number();
    static final int ESPIPE = Errno.ESPIPE.number();

    /** What the simulated device calls its root in messages: a /dev/cpu that lives in memory. */
    public static final String ROOT = "sim:/dev/cpu";

    private final Object lock = new Object();
    private final int cpuCount;
    private final int threadsPerCore;
    private final int cpusPerPackage;
    private final LongSupplier clock;
    private final ModuleVersion version;
    private final BatchRules rules;
    private final BatchRules.Machine machine = new Machine();
    private final Platform platform = new SimPlatform();
    private final boolean[] online;           // guarded by lock
    private final RegisterBank registers;     // guarded by lock
    private AllowlistTable allowlist;         // guarded by lock

    /**
     * @param cpuCount       number of CPU ids (0 .. cpuCount-1), 1 to 65536
     * @param threadsPerCore hardware threads per core; consecutive CPU ids share a core
     * @param cpusPerPackage CPUs per package; a multiple of threadsPerCore dividing cpuCount
     * @param offline        CPUs that start offline
     * @param registers      the registers the processor implements, each address once
     * @param allowlist      the allowlist installed at start, each address once
     * @param clock          nanoseconds, like {@link System#nanoTime()}; counters follow it
     */
    public SimKernel(int cpuCount, int threadsPerCore, int cpusPerPackage, int[] offline,
            List<SimulatedRegister> registers, List<AllowlistEntry> allowlist, LongSupplier clock) {
        this(cpuCount, threadsPerCore, cpusPerPackage, offline, registers, allowlist, clock, DEFAULT_VERSION);
    }

    /**
     * The same, playing module {@code version}: major 2 runs batches as 2.x, any other as 1.8.
     *
     * @param version what the version file reports and which batch rules apply
     */
    public SimKernel(int cpuCount, int threadsPerCore, int cpusPerPackage, int[] offline,
            List<SimulatedRegister> registers, List<AllowlistEntry> allowlist, LongSupplier clock,
            ModuleVersion version) {
        this.version = Objects.requireNonNull(version, "version");
        this.rules = version.major() == BatchAbi.V2_MAJOR ? BatchRules.V2 : BatchRules.V1;
        if (cpuCount < 1 || cpuCount > 65536) {
            throw new IllegalArgumentException("CPU count " + cpuCount + " is outside 1..65536 (the batch op's cpu field is 16 bits)");
        }
        if (threadsPerCore < 1 || cpusPerPackage < 1 || cpusPerPackage % threadsPerCore != 0
                || cpuCount % cpusPerPackage != 0) {
            throw new IllegalArgumentException("topology of " + cpuCount + " CPUs, " + cpusPerPackage
                    + " per package, " + threadsPerCore + " per core does not divide evenly");
        }
        this.cpuCount = cpuCount;
        this.threadsPerCore = threadsPerCore;
        this.cpusPerPackage = cpusPerPackage;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.online = new boolean[cpuCount];
        Arrays.fill(online, true);
        for (int cpu : offline) {
            checkCpu(cpu);
            online[cpu] = false;
        }
        this.registers = new RegisterBank(registers, cpuCount, threadsPerCore, cpusPerPackage, clock.getAsLong());
        this.allowlist = new AllowlistTable(Allowlist.of(allowlist));
    }

    // ---- DeviceFiles ----

    @Override
    public Driver driver() {
        return Driver.SIMULATED;
    }

    @Override
    public String root() {
        return ROOT;
    }

    @Override
    public String path(DeviceNode node) {
        return ROOT + "/" + switch (node.kind()) {
            case CPU -> node.cpu() + "/msr_safe";
            case BATCH -> "msr_batch";
            case ALLOWLIST -> "msr_allowlist";
            case VERSION -> "msr_safe_version";
        };
    }

    @Override
    public int[] onlineCpus() {
        synchronized (lock) {
            int count = 0;
            for (boolean up : online) {
                count += up ? 1 : 0;
            }
            int[] cpus = new int[count];
            for (int cpu = 0, next = 0; cpu < cpuCount; cpu++) {
                if (online[cpu]) {
                    cpus[next++] = cpu;
                }
            }
            return cpus;
        }
    }

    @Override
    public OpenFile open(DeviceNode node, int flags) throws ErrnoException {
        int accessMode = flags & OpenFlags.O_ACCMODE;
        boolean readable = accessMode == OpenFlags.O_RDONLY || accessMode == OpenFlags.O_RDWR;
        boolean writable = accessMode == OpenFlags.O_WRONLY || accessMode == OpenFlags.O_RDWR;
        return switch (node.kind()) {
            case CPU -> {
                synchronized (lock) {
                    // An offline CPU has no node at all, so open fails as for a missing file.
                    if (node.cpu() >= cpuCount || !online[node.cpu()]) {
                        throw new ErrnoException(Errno.ENOENT.number(), "open " + path(node));
                    }
                }
                yield new CpuFile(this, node.cpu(), readable, writable);
            }
            case BATCH -> throw new IllegalArgumentException("the batch device is opened with openBatch");
            case ALLOWLIST -> new AllowlistFile(this, readable, writable);
            case VERSION -> new VersionFile(this, readable, writable);
        };
    }

    @Override
    public BatchDevice openBatch(int flags) {
        int accessMode = flags & OpenFlags.O_ACCMODE;
        return new BatchFile(this, accessMode == OpenFlags.O_RDONLY || accessMode == OpenFlags.O_RDWR);
    }

    /** {@return empty: the module keeps no time of its own, and the simulated device keeps none either} */
    @Override
    public Optional<Instant> lastModified(DeviceNode node) {
        return Optional.empty();
    }

    /** The simulated machine: places from its package and core layout, no known processor model, its clock. */
    @Override
    public Platform platform() {
        return platform;
    }

    /** Does nothing: the simulated device outlives the handles opened on it. */
    @Override
    public void close() {
    }

    // ---- for SimulatedDevice and tests ----

    /** Number of CPU ids, online or not. */
    public int cpuCount() {
        return cpuCount;
    }

    /** Hardware threads per core. */
    public int threadsPerCore() {
        return threadsPerCore;
    }

    /** CPUs per package. */
    public int cpusPerPackage() {
        return cpusPerPackage;
    }

    /** The clock counters follow (telemetry measures its intervals on the same one). */
    public LongSupplier clock() {
        return clock;
    }

    public boolean isOnline(int cpu) {
        checkCpu(cpu);
        synchronized (lock) {
            return online[cpu];
        }
    }

    /**
     * Takes a CPU offline (its node disappears, open descriptors get ENXIO) or
     * brings it back (descriptors opened before work again, as the minor number
     * names the same CPU). Registers keep their values.
     */
    public void setOnline(int cpu, boolean up) {
        checkCpu(cpu);
        synchronized (lock) {
            online[cpu] = up;
        }
    }

    /** The registers the processor implements, in address order. */
    public List<SimulatedRegister> registers() {
        return registers.definitions();
    }

    /** The value of {@code msr} on {@code cpu}, bypassing the allowlist and the online state. */
    public long peek(int cpu, long msr) {
        checkCpu(cpu);
        synchronized (lock) {
            return registers.read(registerIndex(msr), cpu, clock.getAsLong());
        }
    }

    /**
     * Sets {@code msr} on {@code cpu} (and the CPUs sharing it) to {@code value}, bypassing the
     * allowlist, the online state, read-only registers and reserved bits; a counter continues
     * from {@code value}.
     */
    public void poke(int cpu, long msr, long value) {
        checkCpu(cpu);
        synchronized (lock) {
            registers.poke(registerIndex(msr), cpu, value, clock.getAsLong());
        }
    }

    /** The installed allowlist. */
    public Allowlist allowlist() {
        synchronized (lock) {
            return allowlist.list();
        }
    }

    /** Replaces the allowlist with {@code list}. */
    public void installAllowlist(Allowlist list) {
        AllowlistTable table = new AllowlistTable(Objects.requireNonNull(list, "list"));
        synchronized (lock) {
            allowlist = table;
        }
    }

    /**
     * What a write(2) of {@code text} to the allowlist file does: parse in full, then
     * replace the list; on a first-pass error the list stays, on a second-pass error
     * (a duplicate address) it is left empty.
     *
     * @return the installed list
     * @throws AllowlistException what the module rejects, with its errno
     */
    public Allowlist installAllowlistText(byte[] text, String source) throws AllowlistException {
        try {
            Allowlist parsed = Allowlist.parse(text, source);
            installAllowlist(parsed);
            return parsed;
        } catch (AllowlistException rejected) {
            if (!rejected.keepsPreviousAllowlist()) {
                installAllowlist(Allowlist.EMPTY);
            }
            throw rejected;
        }
    }

    // ---- the module's operations, for the files ----

    /** pread/read of /dev/cpu/N/msr_safe after the count check: allowlist, online, rdmsr, copy out. */
    long readMsr(int cpu, long offset, MemorySegment buffer) {
        long msr = offset & 0xFFFF_FFFFL; // the module takes the offset as a u32 register number
        synchronized (lock) {
            if (allowlist.find(msr) < 0) {
                return -EACCES;
            }
            if (!online[cpu]) {
                return -ENXIO;
            }
            int register = registers.indexOf(msr);
            if (register < 0) {
                return -EIO;
            }
            long value = registers.read(register, cpu, clock.getAsLong());
            if (!SimFile.usable(buffer, Long.BYTES, true)) {
                return -EFAULT;
            }
            buffer.set(JAVA_LONG_UNALIGNED, 0, value);
            return Long.BYTES;
        }
    }

    /**
     * pwrite/write of /dev/cpu/N/msr_safe after the count check: write mask, copy in, online,
     * read-modify-write unless the mask is all ones, wrmsr.
     */
    long writeMsr(int cpu, long offset, MemorySegment buffer) {
        long msr = offset & 0xFFFF_FFFFL;
        synchronized (lock) {
            int entry = allowlist.find(msr);
            long writeMask = entry < 0 ? 0 : allowlist.writeMask(entry);
            if (writeMask == 0) {
                return -EACCES; // absent and read-only alike: the per-CPU device says EACCES, not EROFS
            }
            if (!SimFile.usable(buffer, Long.BYTES, false)) {
                return -EFAULT;
            }
            long value = buffer.get(JAVA_LONG_UNALIGNED, 0);
            if (!online[cpu]) {
                return -ENXIO;
            }
            int register = registers.indexOf(msr);
            if (register < 0) {
                return -EIO;
            }
            long now = clock.getAsLong();
            if (writeMask != -1L) {
                value = (value & writeMask) | (registers.read(register, cpu, now) & ~writeMask);
            }
            return registers.write(register, cpu, value, now) ? Long.BYTES : -EIO;
        }
    }

    /** The module version this kernel plays. */
    public ModuleVersion version() {
        return version;
    }

    /** How this kernel's module runs a batch. */
    BatchRules rules() {
        return rules;
    }

    /**
     * X86_IOC_MSR_BATCH after the access-mode and header checks ({@link BatchFile}): validate
     * every op, then run them all or none.
     */
    int batch(MemorySegment ops, long numops) {
        synchronized (lock) {
            return rules.run(machine, ops, numops);
        }
    }

    /** The text of the allowlist file's read number {@code index}: null at the end of the list. */
    String allowlistRecord(int index) {
        List<AllowlistEntry> entries;
        synchronized (lock) {
            entries = allowlist.entries();
        }
        if (index >= entries.size()) {
            return null;
        }
        String line = entries.get(index).kernelLine();
        return index == 0 ? Allowlist.KERNEL_HEADER + line : line;
    }

    /** Guards the file positions; the files hold no lock of their own. */
    Object lock() {
        return lock;
    }

    private int registerIndex(long msr) {
        int index = registers.indexOf(msr);
        if (index < 0) {
            throw new IllegalArgumentException("the simulated processor has no register at " + Hex.of(msr)
                    + " (it has " + registers.definitions().stream().map(r -> Hex.of(r.address())).toList() + ")");
        }
        return index;
    }

    private void checkCpu(int cpu) {
        if (cpu < 0 || cpu >= cpuCount) {
            throw new IllegalArgumentException("CPU " + cpu + " is outside 0.." + (cpuCount - 1));
        }
    }

    /** The machine as a batch sees it; BatchRules calls it under the lock, from batch(). */
    private final class Machine implements BatchRules.Machine {
        @Override
        public boolean cpuUp(int cpu) {
            return cpu < cpuCount && online[cpu];
        }

        @Override
        public int allowlistEntry(long msr) {
            return allowlist.find(msr);
        }

        @Override
        public long writeMask(int entry) {
            return allowlist.writeMask(entry);
        }

        @Override
        public int register(long msr) {
            return registers.indexOf(msr);
        }

        @Override
        public long read(int register, int cpu, long now) {
            return registers.read(register, cpu, now);
        }

        @Override
        public boolean write(int register, int cpu, long value, long now) {
            return registers.write(register, cpu, value, now);
        }

        @Override
        public long now() {
            return clock.getAsLong();
        }
    }

    /** The machine of the simulated device: consecutive CPU ids share a core, then a package. */
    private final class SimPlatform implements Platform {
        @Override
        public Optional<CpuPlace> place(int cpu) {
            if (cpu < 0 || cpu >= cpuCount) {
                return Optional.empty();
            }
            return Optional.of(new CpuPlace(cpu / cpusPerPackage, (cpu % cpusPerPackage) / threadsPerCore));
        }

        /** {@return empty: the simulated processor has Intel's registers but no family or model} */
        @Override
        public Optional<CpuIdentity> identity() {
            return Optional.empty();
        }

        @Override
        public LongSupplier nanoClock() {
            return clock;
        }
    }
}
