package io.github.msrsafe.telemetry;

import io.github.msrsafe.internal.text.Hex;
import io.github.msrsafe.registers.Register;
import io.github.msrsafe.registers.RegisterCatalog;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The values of a {@link Sampler}'s last sample. A view, not a copy: the sampler's next
 * {@link Sampler#sample()} overwrites it, which is what lets sampling allocate nothing.
 * {@link #copy()} what you keep.
 *
 * <p>Each signal has one value per position in its scope: per CPU ({@code Register.Scope.THREAD},
 * positions in CPU order), per core (in order of each core's first CPU) or per package (in
 * package-id order). {@link #cpuValue} and {@link #packageValue} look values up by CPU number
 * and package id instead. A value that cannot be known yet, such as a rate at the first sample,
 * is {@link Double#NaN}.
 */
public final class Sample {

    /** Where the register columns' values start; Signal.values() copies its array at each call, so not in a lookup. */
    private static final int SIGNAL_COUNT = Signal.values().length;

    private final SamplerLayout layout;
    private final List<Signal> signals;
    private final List<RegisterColumn> columns;
    private final List<Quantity> quantities;
    private final SampleValues values;

    Sample(SamplerLayout layout, List<Signal> signals, List<RegisterColumn> columns, SampleValues values) {
        this.layout = layout;
        this.signals = signals;
        this.columns = columns;
        this.quantities = Stream.concat(signals.stream(), columns.stream())
                .map(Quantity.class::cast).toList();
        this.values = values;
    }

    /**
     * {@return a copy of this reading that later samples leave as it is} Allocates: for keeping a
     * reading, or handing it to another thread (the copy is immutable, so safe to share).
     */
    public Sample copy() {
        return new Sample(layout, signals, columns, values.copy());
    }

    /** {@return how many samples the sampler has taken; this reading is the latest (0 before the first)} */
    public long sequence() {
        return values.sequence;
    }

    /**
     * {@return when the sample's batch ran, on the sampler's monotonic clock, in nanoseconds} It
     * is the midpoint of the batch, and means something only relative to other samples' times.
     */
    public long timestampNanos() {
        return values.timestampNanos;
    }

    /** {@return when the sample was taken, on the sampler's wall clock, in milliseconds since the epoch} */
    public long epochMillis() {
        return values.epochMillis;
    }

    /** {@return the seconds since the previous sample; NaN for the first} */
    public double intervalSeconds() {
        return values.intervalSeconds;
    }

    /** {@return whether there was a previous sample, so that rates have values} */
    public boolean hasInterval() {
        return values.sequence > 1;
    }

    /** {@return the signals of this sample: those the sampler derives, in declaration order} */
    public List<Signal> signals() {
        return signals;
    }

    /** {@return the register columns of this sample, in the order they were added} */
    public List<RegisterColumn> columns() {
        return columns;
    }

    /** {@return the signals, then the register columns} */
    public List<Quantity> quantities() {
        return quantities;
    }

    /**
     * {@return the quantities this sample has no value for at some position, and why; empty when
     * every register read} A register that did not read (a CPU went offline, the allowlist
     * changed) leaves the quantities that need it without a value (NaN) and the others as they
     * are; so does an energy counter that may have wrapped more than once in the interval.
     */
    public List<SignalFailure> failures() {
        return values.failures();
    }

    /** {@return the CPUs, cores and packages the sampler reads} */
    public CpuTopology topology() {
        return layout.topology();
    }

    /**
     * {@return the number of values {@code quantity} has: CPUs, cores or packages, by its scope}
     *
     * @param quantity any signal or register column, derived by the sampler or not
     */
    public int positions(Quantity quantity) {
        return layout.instances(quantity.scope());
    }

    /**
     * The value of {@code quantity} at {@code position} of its scope.
     *
     * @param quantity a signal or register column the sampler derives
     * @param position 0..positions(quantity)-1: a CPU, core or package in the order described above
     * @return the value, in {@link Quantity#unit()}; NaN when it is not known (see above)
     * @throws IllegalArgumentException  if the sampler does not derive the quantity
     * @throws IndexOutOfBoundsException if position is outside 0..positions(quantity)-1
     */
    public double value(Quantity quantity, int position) {
        double[] of = valuesOf(quantity);
        if (position < 0 || position >= of.length) {
            throw new IndexOutOfBoundsException(quantity.columnName() + " has " + of.length + " "
                    + quantity.scope().name().toLowerCase(Locale.ROOT) + " values; position " + position
                    + " is outside them");
        }
        return of[position];
    }

    /**
     * The value of {@code quantity} for CPU number {@code cpu}: its own for a per-CPU quantity,
     * its core's or its package's otherwise.
     *
     * @param quantity a signal or register column the sampler derives
     * @param cpu      the CPU number
     * @return the value, in {@link Quantity#unit()}; NaN when it is not known (see above)
     * @throws IllegalArgumentException if the CPU is not sampled or the quantity not derived
     */
    public double cpuValue(Quantity quantity, int cpu) {
        double[] of = valuesOf(quantity);
        int position = layout.cpuPosition(cpu);
        if (position < 0) {
            throw new IllegalArgumentException("CPU " + cpu + " is not sampled (CPUs "
                    + layout.topology().cpuNumbers() + ")");
        }
        return of[layout.positionOf(quantity.scope(), position)];
    }

    /**
     * The value of {@code quantity} for package {@code packageId}: a package quantity's own value;
     * for per-CPU signals the package's average computed from its summed counter deltas (as
     * turbostat's summary rows); for core temperature the hottest core; for core energy and
     * power the sum over its cores; for register columns the sum of deltas, the mean of
     * percents, or the raw value its CPUs or cores share (NaN if they differ).
     *
     * @param quantity  a signal or register column the sampler derives
     * @param packageId the physical package id
     * @return the value, in {@link Quantity#unit()}; NaN when it is not known (see above)
     * @throws IllegalArgumentException if the package is not sampled or the quantity not derived
     */
    public double packageValue(Quantity quantity, int packageId) {
        int index = indexOf(quantity);
        int position = layout.packagePosition(packageId);
        if (position < 0) {
            throw new IllegalArgumentException("package " + packageId + " is not sampled (packages "
                    + layout.topology().packageIds() + ")");
        }
        return values.packageValues[index][position];
    }

    /**
     * The value of {@code quantity} over the whole machine: per-CPU signals averaged over every
     * CPU (from summed deltas), temperatures the hottest, watts and joules summed over the
     * packages, power limits the packages' common value (NaN if they differ), register columns
     * as for a package.
     *
     * @param quantity a signal or register column the sampler derives
     * @return the value, in {@link Quantity#unit()}; NaN when it is not known (see above)
     * @throws IllegalArgumentException if the quantity is not derived
     */
    public double summaryValue(Quantity quantity) {
        return values.summaryValues[indexOf(quantity)];
    }

    /**
     * {@return the CPU number at {@code position} of a per-CPU quantity}
     *
     * @param position 0 to the number of CPUs - 1
     * @throws IndexOutOfBoundsException if position is outside that range
     */
    public int cpuAt(int position) {
        Objects.checkIndex(position, layout.cpuCount());
        return layout.cpuNumber(position);
    }

    /**
     * {@return the first CPU of the core at {@code position} of a per-core quantity, with its package and core id}
     *
     * @param position 0 to the number of cores - 1
     * @throws IndexOutOfBoundsException if position is outside that range
     */
    public CpuTopology.Placement coreAt(int position) {
        return layout.core(position);
    }

    /**
     * {@return the package id at {@code position} of a per-package quantity}
     *
     * @param position 0 to the number of packages - 1
     * @throws IndexOutOfBoundsException if position is outside that range
     */
    public int packageAt(int position) {
        Objects.checkIndex(position, layout.packageCount());
        return layout.packageId(position);
    }

    /**
     * {@return the number of values of a scope: of CPUs, cores or packages}
     *
     * @param scope the scope
     */
    public int positions(Register.Scope scope) {
        return layout.instances(scope);
    }

    private double[] valuesOf(Quantity quantity) {
        return values.values[indexOf(quantity)];
    }

    /** The quantity's index in the values: a signal's ordinal, or a column's place after every signal. */
    private int indexOf(Quantity quantity) {
        if (quantity instanceof Signal signal) {
            if (values.values[signal.ordinal()].length > 0) { // a derived signal has a value per position
                return signal.ordinal();
            }
        } else {
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).equals(quantity)) {
                    return SIGNAL_COUNT + i;
                }
            }
        }
        throw new IllegalArgumentException("this sampler does not derive " + quantity.columnName()
                + " (it derives " + quantities + ")");
    }

    /**
     * The sample in one line, for jshell and logs: its number, its interval, and each
     * quantity's {@linkplain #summaryValue summary} with its unit; a register column also
     * names its register (address in hex, and the catalog's name when it has one), and a raw
     * column shows the value in hex. Unknown values print as {@code -}:
     * {@code Sample #2 over 1.000 s: Avg_MHz 2400.0 MHz, Busy% 25.00 %, perf_ctl (0x199 IA32_PERF_CTL) 0x1C00}.
     */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Sample #").append(sequence());
        if (hasInterval()) {
            text.append(String.format(Locale.ROOT, " over %.3f s", intervalSeconds()));
        }
        String separator = ": ";
        for (Quantity quantity : quantities) {
            text.append(separator).append(quantity.columnName());
            separator = ", ";
            double value = summaryValue(quantity);
            if (quantity instanceof RegisterColumn column) {
                text.append(" (").append(Hex.of(column.address()));
                RegisterCatalog.builtIn().byAddress(column.address()).ifPresent(r -> text.append(' ').append(r.name()));
                text.append(')');
                if (column.format() == RegisterColumn.Format.RAW && value >= 0 && value < 0x1p63) {
                    text.append(String.format(Locale.ROOT, " 0x%X", (long) value));
                    continue;
                }
            }
            if (Double.isNaN(value)) {
                text.append(" -");
            } else {
                text.append(String.format(Locale.ROOT, " %.2f", value));
                if (!quantity.unit().symbol().isEmpty()) {
                    text.append(' ').append(quantity.unit().symbol());
                }
            }
        }
        return text.toString();
    }
}
