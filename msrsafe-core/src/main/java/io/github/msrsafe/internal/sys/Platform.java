package io.github.msrsafe.internal.sys;

import io.github.msrsafe.registers.CpuIdentity;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What the code above the seam needs to know about the machine a device tree belongs to,
 * besides its device files: where each CPU sits, which processor it is, and the clock its
 * counters follow. The native tree answers from sysfs, /proc/cpuinfo and
 * {@link System#nanoTime()}; the simulated kernel from its own layout and clock. Telemetry
 * asks these questions instead of asking which device it runs on.
 */
public interface Platform {

    /** Where one CPU sits: its physical package (socket) and its core within the package. */
    record CpuPlace(int packageId, int coreId) {
        /** Checks the ids; negative ones are refused. */
        public CpuPlace {
            if (packageId < 0 || coreId < 0) {
                throw new IllegalArgumentException("package " + packageId + ", core " + coreId);
            }
        }
    }

    /**
     * {@return where {@code cpu} sits, or empty if the machine does not say}
     *
     * @param cpu the CPU number
     */
    Optional<CpuPlace> place(int cpu);

    /** {@return the processor's vendor, family and model, or empty if unknown} */
    Optional<CpuIdentity> identity();

    /** {@return the monotonic clock, in nanoseconds, that the device's counters follow} */
    LongSupplier nanoClock();
}
