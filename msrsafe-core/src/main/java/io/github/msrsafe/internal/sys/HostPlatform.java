package io.github.msrsafe.internal.sys;

import io.github.msrsafe.registers.CpuIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The machine this JVM runs on, as Linux describes it: each CPU's place from
 * {@code /sys/devices/system/cpu/cpuN/topology}, the processor from /proc/cpuinfo, and
 * {@link System#nanoTime()}. The platform of every native device tree.
 */
public final class HostPlatform implements Platform {

    /** Where the kernel describes each CPU's place: cpuN/topology/physical_package_id and core_id. */
    public static final Path SYSFS_CPU = Path.of("/sys/devices/system/cpu");

    private final Path sysfsCpu;
    private volatile Optional<CpuIdentity> identity; // null until first asked: most handles never ask

    /** The host's own sysfs and /proc/cpuinfo. */
    public HostPlatform() {
        this.sysfsCpu = SYSFS_CPU;
    }

    /**
     * A host whose CPU places are under {@code sysfsCpu} (a copy of {@link #SYSFS_CPU} in a test).
     *
     * @param sysfsCpu the directory holding {@code cpuN/topology/}
     * @param identity the processor, if known
     */
    public HostPlatform(Path sysfsCpu, Optional<CpuIdentity> identity) {
        this.sysfsCpu = sysfsCpu;
        this.identity = Objects.requireNonNull(identity, "identity");
    }

    /** {@inheritDoc} Empty when either file is missing, unreadable or not a non-negative number. */
    @Override
    public Optional<CpuPlace> place(int cpu) {
        Path topology = sysfsCpu.resolve("cpu" + cpu).resolve("topology");
        try {
            return Optional.of(new CpuPlace(readId(topology.resolve("physical_package_id")),
                    readId(topology.resolve("core_id"))));
        } catch (IOException | IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<CpuIdentity> identity() {
        Optional<CpuIdentity> known = identity;
        if (known == null) {
            known = readIdentity(); // the same answer whichever thread reads it first
            identity = known;
        }
        return known;
    }

    @Override
    public LongSupplier nanoClock() {
        return System::nanoTime;
    }

    private static Optional<CpuIdentity> readIdentity() {
        try {
            return Optional.of(CpuIdentity.current());
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty(); // no /proc/cpuinfo (a container), or not one x86 model
        }
    }

    private static int readId(Path file) throws IOException {
        // NumberFormatException is an IllegalArgumentException: a file holding no number is "unknown".
        return Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).strip());
    }

    @Override
    public String toString() {
        return "HostPlatform[" + sysfsCpu + ", " + (identity == null ? "processor not read yet"
                : identity.map(Object::toString).orElse("unknown processor")) + "]";
    }
}
