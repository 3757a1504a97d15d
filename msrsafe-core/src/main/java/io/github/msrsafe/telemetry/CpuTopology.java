package io.github.msrsafe.telemetry;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.internal.sys.HandleAccess;
import io.github.msrsafe.internal.sys.HostPlatform;
import io.github.msrsafe.internal.sys.Platform;
import io.github.msrsafe.internal.sys.Platform.CpuPlace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which package and core each CPU belongs to: what the {@link Sampler} needs to read a
 * package-scope register once per package and a core-scope register once per core.
 *
 * {@snippet :
 * CpuTopology topology = CpuTopology.detect(msr);   // sysfs on a real machine, the layout of a simulated one
 * }
 *
 * @param cpus one placement per CPU, in ascending CPU order, each CPU once
 */
public record CpuTopology(List<Placement> cpus) {

    /** Where the kernel describes each CPU's place: cpuN/topology/physical_package_id and core_id. */
    public static final Path SYSFS_CPU = HostPlatform.SYSFS_CPU;

    /**
     * Where one CPU sits.
     *
     * @param cpu       the CPU number (as msr_safe numbers its devices)
     * @param packageId the physical package (socket) id
     * @param coreId    the core id, unique within its package
     */
    public record Placement(int cpu, int packageId, int coreId) {
        /**
         * Checks the ids.
         *
         * @throws IllegalArgumentException if an id is negative; the message gives all three
         */
        public Placement {
            if (cpu < 0 || packageId < 0 || coreId < 0) {
                throw new IllegalArgumentException("CPU, package and core ids must not be negative: CPU " + cpu
                        + ", package " + packageId + ", core " + coreId);
            }
        }
    }

    /**
     * Copies the placements and checks them.
     *
     * @throws IllegalArgumentException if there are none, or the CPUs are not in ascending order
     *                                  each once
     * @throws NullPointerException     if cpus is or holds null
     */
    public CpuTopology {
        cpus = List.copyOf(cpus);
        if (cpus.isEmpty()) {
            throw new IllegalArgumentException("a topology needs at least one CPU");
        }
        for (int i = 1; i < cpus.size(); i++) {
            if (cpus.get(i).cpu() <= cpus.get(i - 1).cpu()) {
                throw new IllegalArgumentException("CPUs must be listed once each in ascending order: CPU "
                        + cpus.get(i).cpu() + " follows CPU " + cpus.get(i - 1).cpu());
            }
        }
    }

    /**
     * One package holding {@code cpus}, each CPU its own core: what to assume when nothing
     * better is known (package-scope registers are then read on the first CPU only).
     *
     * @param cpus the CPU numbers, in any order
     * @return the topology, CPUs ascending
     * @throws IllegalArgumentException if cpus is empty, repeats a CPU or holds a negative one
     */
    public static CpuTopology singlePackage(Collection<Integer> cpus) {
        return new CpuTopology(cpus.stream().sorted().map(cpu -> new Placement(cpu, 0, cpu)).toList());
    }

    /**
     * The topology of {@code cpus} as the kernel reports it under {@code sysfsCpu}
     * ({@link #SYSFS_CPU}); one package if any CPU's files are missing or unreadable.
     *
     * @param sysfsCpu the directory holding {@code cpuN/topology/}: {@link #SYSFS_CPU} on a real
     *                 machine, a copy of it in a test
     * @param cpus     the CPU numbers, in any order
     * @return the topology, CPUs ascending
     * @throws IllegalArgumentException if cpus is empty, repeats a CPU or holds a negative one
     */
    public static CpuTopology fromSysfs(Path sysfsCpu, Collection<Integer> cpus) {
        return fromPlatform(new HostPlatform(sysfsCpu, Optional.empty()), cpus);
    }

    /**
     * The topology of the CPUs {@code msr} sees, as the machine under it describes them: sysfs
     * on a real machine, a simulated device's own package and core layout; one package when
     * the machine does not say.
     *
     * @param msr an open handle; its {@link MsrSafe#cpus()} are the CPUs placed
     * @return the topology, CPUs ascending
     */
    public static CpuTopology detect(MsrSafe msr) {
        return fromPlatform(HandleAccess.platform(msr), msr.cpus());
    }

    private static CpuTopology fromPlatform(Platform platform, Collection<Integer> cpus) {
        List<Placement> placements = new ArrayList<>();
        for (int cpu : cpus.stream().sorted().toList()) {
            Optional<CpuPlace> place = platform.place(cpu);
            if (place.isEmpty()) {
                return singlePackage(cpus);
            }
            placements.add(new Placement(cpu, place.get().packageId(), place.get().coreId()));
        }
        return new CpuTopology(placements);
    }

    /** {@return the package ids, ascending, each once} */
    public List<Integer> packageIds() {
        return cpus.stream().map(Placement::packageId).distinct().sorted().toList();
    }

    /**
     * {@return the CPU numbers of package {@code packageId}, ascending (empty for an unknown package)}
     *
     * @param packageId the physical package id
     */
    public List<Integer> cpusOf(int packageId) {
        return cpus.stream().filter(p -> p.packageId() == packageId).map(Placement::cpu).toList();
    }

    /** {@return the CPU numbers, ascending} */
    public List<Integer> cpuNumbers() {
        return cpus.stream().map(Placement::cpu).toList();
    }

    /**
     * {@return the placement of {@code cpu}: its package and core}
     *
     * @param cpu the CPU number
     * @throws IllegalArgumentException if the CPU is not in this topology, naming the ones that are
     */
    public Placement placement(int cpu) {
        return cpus.stream().filter(p -> p.cpu() == cpu).findFirst().orElseThrow(
                () -> new IllegalArgumentException("CPU " + cpu + " is not in this topology (CPUs " + cpuNumbers() + ")"));
    }

    /** {@return the number of distinct cores (distinct package and core id pairs)} */
    public int coreCount() {
        Set<List<Integer>> cores = new HashSet<>();
        for (Placement p : cpus) {
            cores.add(List.of(p.packageId(), p.coreId()));
        }
        return cores.size();
    }

    /** The first CPU of each core, in CPU order: where a core-scope register is read. */
    List<Placement> coreLeaders() {
        Set<List<Integer>> seen = new HashSet<>();
        List<Placement> leaders = new ArrayList<>();
        for (Placement p : cpus) {
            if (seen.add(List.of(p.packageId(), p.coreId()))) {
                leaders.add(p);
            }
        }
        return leaders;
    }

    /** The first CPU of each package, in package-id order: where a package-scope register is read. */
    List<Placement> packageLeaders() {
        return packageIds().stream().map(id -> cpus.stream().filter(p -> p.packageId() == id).findFirst()
                .orElseThrow()).sorted(Comparator.comparingInt(Placement::packageId)).toList();
    }
}
