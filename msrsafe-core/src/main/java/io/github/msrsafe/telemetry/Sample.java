package io.github.msrsafe.telemetry;

import io.github.msrsafe.registers.Register;
import java.util.Arrays;

/**
 * The values of a {@link Sampler}'s last sample. A view, not a copy: the sampler's next
 * {@link Sampler#sample()} overwrites it, which is what lets sampling allocate nothing.
 * Copy what you keep.
 *
 * <p>Each signal has one value per position in its scope: per CPU ({@code Register.Scope.THREAD},
 * positions in CPU order), per core (in order of each core's first CPU) or per package (in
 * package-id order). {@link #cpuValue} and {@link #packageValue} look values up by CPU number
 * and package id instead. A value that cannot be known yet, such as a rate at the first sample,
 * is {@link Double#NaN}.
 */
public final class Sample {

    private final Sampler sampler;

    Sample(Sampler sampler) {
        this.sampler = sampler;
    }

    /** {@return how many samples the sampler has taken; this reading is the latest (0 before the first)} */
    public long sequence() {
        return sampler.count();
    }

    /**
     * {@return when the sample's batch ran, on the sampler's monotonic clock, in nanoseconds} It
     * is the midpoint of the batch, and means something only relative to other samples' times.
     */
    public long timestampNanos() {
        return sampler.timestampNanos();
    }

    /** {@return when the sample was taken, on the sampler's wall clock, in milliseconds since the epoch} */
    public long epochMillis() {
        return sampler.epochMillis();
    }

    /** {@return the seconds since the previous sample; NaN for the first} */
    public double intervalSeconds() {
        return sampler.intervalSeconds();
    }

    /** {@return whether there was a previous sample, so that rates have values} */
    public boolean hasInterval() {
        return sampler.count() > 1;
    }

    /** {@return the signals of this sample: those the sampler derives, in declaration order} */
    public java.util.List<Signal> signals() {
        return sampler.signals();
    }

    /** {@return the CPUs, cores and packages the sampler reads} */
    public CpuTopology topology() {
        return sampler.topology();
    }

    /**
     * {@return the number of values {@code signal} has: CPUs, cores or packages, by its scope}
     *
     * @param signal any signal, derived by the sampler or not
     */
    public int positions(Signal signal) {
        return sampler.instances(signal.scope());
    }

    /**
     * The value of {@code signal} at {@code position} of its scope.
     *
     * @param signal   a signal the sampler derives
     * @param position 0..positions(signal)-1: a CPU, core or package in the order described above
     * @return the value, in {@link Signal#unit()}; NaN when it is not known (see above)
     * @throws IllegalArgumentException  if the sampler does not derive the signal
     * @throws IndexOutOfBoundsException if position is outside 0..positions(signal)-1
     */
    public double value(Signal signal, int position) {
        double[] values = valuesOf(signal);
        if (position < 0 || position >= values.length) {
            throw new IndexOutOfBoundsException(signal.columnName() + " has " + values.length + " "
                    + signal.scope().name().toLowerCase(java.util.Locale.ROOT) + " values; position " + position
                    + " is outside them");
        }
        return values[position];
    }

    /**
     * The value of {@code signal} for CPU number {@code cpu}: its own for a per-CPU signal, its
     * core's or its package's otherwise.
     *
     * @param signal a signal the sampler derives
     * @param cpu    the CPU number
     * @return the value, in {@link Signal#unit()}; NaN when it is not known (see above)
     * @throws IllegalArgumentException if the CPU is not sampled or the signal not derived
     */
    public double cpuValue(Signal signal, int cpu) {
        double[] values = valuesOf(signal);
        int position = cpu >= 0 && cpu < sampler.cpuPositions.length ? sampler.cpuPositions[cpu] : -1;
        if (position < 0) {
            throw new IllegalArgumentException("CPU " + cpu + " is not sampled (CPUs "
                    + sampler.topology().cpuNumbers() + ")");
        }
        return values[switch (signal.scope()) {
            case THREAD -> position;
            case CORE -> sampler.coreOfCpu[position];
            case PACKAGE -> sampler.packageOfCpu[position];
        }];
    }

    /**
     * The value of {@code signal} for package {@code packageId}: a package signal's own value;
     * for per-CPU signals the package's average computed from its summed counter deltas (as
     * turbostat's summary rows); for core temperature the hottest core; for core energy and
     * power the sum over its cores.
     *
     * @param signal    a signal the sampler derives
     * @param packageId the physical package id
     * @return the value, in {@link Signal#unit()}; NaN when it is not known (see above)
     * @throws IllegalArgumentException if the package is not sampled or the signal not derived
     */
    public double packageValue(Signal signal, int packageId) {
        valuesOf(signal);
        int position = Arrays.binarySearch(sampler.packageIds, packageId);
        if (position < 0) {
            throw new IllegalArgumentException("package " + packageId + " is not sampled (packages "
                    + sampler.topology().packageIds() + ")");
        }
        return sampler.packageValues[signal.ordinal()][position];
    }

    /**
     * The value of {@code signal} over the whole machine: per-CPU signals averaged over every
     * CPU (from summed deltas), temperatures the hottest, watts and joules summed over the
     * packages, power limits the packages' common value (NaN if they differ).
     *
     * @param signal a signal the sampler derives
     * @return the value, in {@link Signal#unit()}; NaN when it is not known (see above)
     * @throws IllegalArgumentException if the signal is not derived
     */
    public double summaryValue(Signal signal) {
        valuesOf(signal);
        return sampler.summaryValues[signal.ordinal()];
    }

    /**
     * {@return the CPU number at {@code position} of a per-CPU signal}
     *
     * @param position 0 to the number of CPUs - 1
     * @throws IndexOutOfBoundsException if position is outside that range
     */
    public int cpuAt(int position) {
        return sampler.cpuNumbers[position];
    }

    /**
     * {@return the first CPU of the core at {@code position} of a per-core signal, with its package and core id}
     *
     * @param position 0 to the number of cores - 1
     * @throws IndexOutOfBoundsException if position is outside that range
     */
    public CpuTopology.Placement coreAt(int position) {
        return sampler.cores.get(position);
    }

    /**
     * {@return the package id at {@code position} of a per-package signal}
     *
     * @param position 0 to the number of packages - 1
     * @throws IndexOutOfBoundsException if position is outside that range
     */
    public int packageAt(int position) {
        return sampler.packageIds[position];
    }

    /**
     * {@return the number of values of a scope: of CPUs, cores or packages}
     *
     * @param scope the scope
     */
    public int positions(Register.Scope scope) {
        return sampler.instances(scope);
    }

    private double[] valuesOf(Signal signal) {
        if (!sampler.has(signal)) {
            throw new IllegalArgumentException("this sampler does not derive " + signal.columnName()
                    + " (it derives " + sampler.signals() + ")");
        }
        return sampler.values[signal.ordinal()];
    }

    @Override
    public String toString() {
        return "Sample[" + sequence() + ", " + sampler.signals() + "]";
    }
}
