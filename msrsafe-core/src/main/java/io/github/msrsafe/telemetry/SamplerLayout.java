package io.github.msrsafe.telemetry;

import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.registers.Register;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which op of a sampler's batch holds what: the CPUs, cores and packages by position, and
 * one slot per register address whose reads sit contiguously in the batch, one per place the
 * register lives (every CPU for thread scope, the first CPU of each core or package otherwise).
 * Immutable; the arrays never leave it.
 */
final class SamplerLayout {

    /** A register to read, and where it lives. */
    record Slot(long address, Register.Scope scope) {}

    private final CpuTopology topology;
    private final int cpuCount;
    private final int coreCount;
    private final int packageCount;
    private final int[] cpuNumbers;         // CPU position -> CPU number
    private final int[] cpuPositions;       // CPU number -> position, or -1
    private final int[] coreOfCpu;          // CPU position -> core position
    private final int[] packageOfCpu;       // CPU position -> package position
    private final int[] packageOfCore;      // core position -> package position
    private final int[] coreLeader;         // core position -> CPU position it is read on
    private final int[] packageLeader;      // package position -> CPU position it is read on
    private final int[] packageIds;         // package position -> package id
    private final int[] cpusInPackage;      // package position -> number of CPUs
    private final List<CpuTopology.Placement> cores; // core position -> its first CPU's placement

    private final long[] slotAddresses;
    private final Register.Scope[] slotScopes;
    private final int[] slotFirstOp;
    private final int opCount;

    private SamplerLayout(CpuTopology topology, List<Slot> registers) {
        this.topology = topology;
        List<CpuTopology.Placement> cpus = topology.cpus();
        this.cores = topology.coreLeaders();
        List<CpuTopology.Placement> packages = topology.packageLeaders();
        this.cpuCount = cpus.size();
        this.coreCount = cores.size();
        this.packageCount = packages.size();
        this.cpuNumbers = cpus.stream().mapToInt(CpuTopology.Placement::cpu).toArray();
        this.packageIds = packages.stream().mapToInt(CpuTopology.Placement::packageId).toArray();
        this.cpuPositions = new int[cpuNumbers[cpuCount - 1] + 1];
        Arrays.fill(cpuPositions, -1);
        for (int i = 0; i < cpuCount; i++) {
            cpuPositions[cpuNumbers[i]] = i;
        }
        Map<List<Integer>, Integer> corePositions = new LinkedHashMap<>();
        for (int core = 0; core < coreCount; core++) {
            corePositions.put(List.of(cores.get(core).packageId(), cores.get(core).coreId()), core);
        }
        this.coreOfCpu = new int[cpuCount];
        this.packageOfCpu = new int[cpuCount];
        this.cpusInPackage = new int[packageCount];
        for (int i = 0; i < cpuCount; i++) {
            CpuTopology.Placement cpu = cpus.get(i);
            packageOfCpu[i] = Arrays.binarySearch(packageIds, cpu.packageId());
            coreOfCpu[i] = corePositions.get(List.of(cpu.packageId(), cpu.coreId()));
            cpusInPackage[packageOfCpu[i]]++;
        }
        this.packageOfCore = new int[coreCount];
        this.coreLeader = new int[coreCount];
        for (int core = 0; core < coreCount; core++) {
            packageOfCore[core] = Arrays.binarySearch(packageIds, cores.get(core).packageId());
            coreLeader[core] = cpuPositions[cores.get(core).cpu()];
        }
        this.packageLeader = packages.stream().mapToInt(p -> cpuPositions[p.cpu()]).toArray();

        int slots = registers.size();
        this.slotAddresses = new long[slots];
        this.slotScopes = new Register.Scope[slots];
        this.slotFirstOp = new int[slots];
        int op = 0;
        for (int slot = 0; slot < slots; slot++) {
            Slot register = registers.get(slot);
            slotAddresses[slot] = register.address();
            slotScopes[slot] = register.scope();
            slotFirstOp[slot] = op;
            op += instances(register.scope());
        }
        this.opCount = op;
    }

    /**
     * The layout of {@code registers} (each address once, in the order given) over {@code topology}.
     *
     * @throws IllegalArgumentException if an address repeats
     */
    static SamplerLayout of(CpuTopology topology, List<Slot> registers) {
        long distinct = registers.stream().mapToLong(Slot::address).distinct().count();
        if (distinct != registers.size()) {
            throw new IllegalArgumentException("a register is listed twice: " + registers);
        }
        return new SamplerLayout(topology, List.copyOf(registers));
    }

    /** Adds this layout's reads to an empty batch, op {@code i} of the layout becoming op {@code i} of the batch. */
    void addReadsTo(MsrBatch batch) {
        if (batch.size() != 0) {
            throw new IllegalArgumentException("the batch already holds " + batch.size() + " ops");
        }
        for (int slot = 0; slot < slotAddresses.length; slot++) {
            int instances = instances(slotScopes[slot]);
            for (int instance = 0; instance < instances; instance++) {
                batch.addRead(cpuNumbers[cpuPositionOf(slotScopes[slot], instance)], slotAddresses[slot]);
            }
        }
    }

    CpuTopology topology() {
        return topology;
    }

    int cpuCount() {
        return cpuCount;
    }

    int coreCount() {
        return coreCount;
    }

    int packageCount() {
        return packageCount;
    }

    /** The number of places a register or signal of {@code scope} has. */
    int instances(Register.Scope scope) {
        return switch (scope) {
            case THREAD -> cpuCount;
            case CORE -> coreCount;
            case PACKAGE -> packageCount;
        };
    }

    /** The CPU position a register of {@code scope} at {@code instance} is read on. */
    int cpuPositionOf(Register.Scope scope, int instance) {
        return switch (scope) {
            case THREAD -> instance;
            case CORE -> coreLeader[instance];
            case PACKAGE -> packageLeader[instance];
        };
    }

    int cpuNumber(int cpuPosition) {
        return cpuNumbers[cpuPosition];
    }

    /** The position of CPU number {@code cpu}, or -1 if it is not sampled. */
    int cpuPosition(int cpu) {
        return cpu >= 0 && cpu < cpuPositions.length ? cpuPositions[cpu] : -1;
    }

    int coreOfCpu(int cpuPosition) {
        return coreOfCpu[cpuPosition];
    }

    int packageOfCpu(int cpuPosition) {
        return packageOfCpu[cpuPosition];
    }

    int packageOfCore(int core) {
        return packageOfCore[core];
    }

    /** The CPU position a core's registers are read on: its first CPU. */
    int coreLeader(int core) {
        return coreLeader[core];
    }

    /** The CPU position a package's registers are read on: its first CPU. */
    int packageLeader(int pkg) {
        return packageLeader[pkg];
    }

    int cpusInPackage(int pkg) {
        return cpusInPackage[pkg];
    }

    int packageId(int pkg) {
        return packageIds[pkg];
    }

    /** The position of package {@code packageId}, or a negative number if it is not sampled. */
    int packagePosition(int packageId) {
        return Arrays.binarySearch(packageIds, packageId);
    }

    CpuTopology.Placement core(int core) {
        return cores.get(core);
    }

    /** The position of {@code cpuPosition}'s value in a signal of {@code scope}. */
    int positionOf(Register.Scope scope, int cpuPosition) {
        return switch (scope) {
            case THREAD -> cpuPosition;
            case CORE -> coreOfCpu[cpuPosition];
            case PACKAGE -> packageOfCpu[cpuPosition];
        };
    }

    // ---- registers ----

    int opCount() {
        return opCount;
    }

    int slotCount() {
        return slotAddresses.length;
    }

    /** The slot of the register at {@code address}, or -1 if the layout does not read it. */
    int slotOf(long address) {
        for (int slot = 0; slot < slotAddresses.length; slot++) {
            if (slotAddresses[slot] == address) {
                return slot;
            }
        }
        return -1;
    }

    long slotAddress(int slot) {
        return slotAddresses[slot];
    }

    Register.Scope slotScope(int slot) {
        return slotScopes[slot];
    }

    /** The op holding {@code slot}'s register at {@code instance} of its scope. */
    int op(int slot, int instance) {
        return slotFirstOp[slot] + instance;
    }

    /** The register addresses, in slot order. */
    List<Long> addresses() {
        List<Long> addresses = new ArrayList<>(slotAddresses.length);
        for (long address : slotAddresses) {
            addresses.add(address);
        }
        return addresses;
    }
}
