package io.github.msrsafe.internal.sim;

import io.github.msrsafe.SimulatedRegister;
import io.github.msrsafe.SimulatedRegister.Counter;
import io.github.msrsafe.internal.text.Hex;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The simulated processor's registers and their values, one copy per thread,
 * core or package as each register's scope says. Not thread-safe: the
 * {@link SimKernel} calls it under its lock. Lookups are a binary search over
 * a sorted array, so reads and writes allocate nothing.
 */
final class RegisterBank {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** One register: its definition and the state of each copy. */
    private static final class Slot {
        final SimulatedRegister definition;
        final int cpusPerCopy;
        final boolean writable;
        final long reservedBits;
        final Counter counter;      // null unless the register counts
        final long counterMask;
        final long[] values;        // per copy; for a counter, the count at epochs[copy]
        final long[] epochs;        // per copy: clock reading when the count was set; null unless counting

        Slot(SimulatedRegister definition, int cpusPerCopy, int copies, long now) {
            this.definition = definition;
            this.cpusPerCopy = cpusPerCopy;
            this.writable = definition.writable();
            this.reservedBits = definition.reservedBits();
            this.counter = definition.behavior() instanceof Counter c ? c : null;
            this.counterMask = counter == null ? -1L : counter.valueMask();
            this.values = new long[copies];
            Arrays.fill(values, definition.resetValue());
            this.epochs = counter == null ? null : new long[copies];
            if (epochs != null) {
                Arrays.fill(epochs, now);
            }
        }
    }

    private final long[] addresses;
    private final Slot[] slots;
    private final List<SimulatedRegister> definitions;

    /**
     * @param definitions    the registers, each address once
     * @param cpuCount       number of CPU ids
     * @param threadsPerCore CPUs per core (consecutive ids)
     * @param cpusPerPackage CPUs per package (consecutive ids)
     * @param now            the clock reading counters start from
     */
    RegisterBank(List<SimulatedRegister> definitions, int cpuCount, int threadsPerCore, int cpusPerPackage,
            long now) {
        SimulatedRegister[] sorted = definitions.toArray(SimulatedRegister[]::new);
        Arrays.sort(sorted, Comparator.comparingLong(SimulatedRegister::address));
        this.addresses = new long[sorted.length];
        this.slots = new Slot[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            if (i > 0 && sorted[i].address() == sorted[i - 1].address()) {
                throw new IllegalArgumentException("two registers at " + Hex.of(sorted[i].address()) + ": "
                        + sorted[i - 1].name() + " and " + sorted[i].name());
            }
            int cpusPerCopy = switch (sorted[i].scope()) {
                case THREAD -> 1;
                case CORE -> threadsPerCore;
                case PACKAGE -> cpusPerPackage;
            };
            addresses[i] = sorted[i].address();
            slots[i] = new Slot(sorted[i], cpusPerCopy, cpuCount / cpusPerCopy, now);
        }
        this.definitions = List.of(sorted);
    }

    /** The registers in ascending address order. */
    List<SimulatedRegister> definitions() {
        return definitions;
    }

    /** The index of the register at {@code msr}, or -1 if the processor has none there. */
    int indexOf(long msr) {
        int index = Arrays.binarySearch(addresses, msr);
        return index >= 0 ? index : -1;
    }

    SimulatedRegister definition(int index) {
        return slots[index].definition;
    }

    /** rdmsr: the value of register {@code index} as {@code cpu} sees it at clock reading {@code now}. */
    long read(int index, int cpu, long now) {
        Slot slot = slots[index];
        int copy = cpu / slot.cpusPerCopy;
        if (slot.counter == null) {
            return slot.values[copy];
        }
        return (slot.values[copy] + ticks(now - slot.epochs[copy], slot.counter.rateHz())) & slot.counterMask;
    }

    /**
     * wrmsr: stores {@code value}, or refuses it as the processor would with #GP.
     *
     * @return false for a fault: a read-only register, or a 1 in a reserved bit
     */
    boolean write(int index, int cpu, long value, long now) {
        Slot slot = slots[index];
        if (!slot.writable || (value & slot.reservedBits) != 0) {
            return false;
        }
        store(slot, cpu / slot.cpusPerCopy, value, now);
        return true;
    }

    /** Sets the value regardless of writability and reserved bits (tests set up state with it). */
    void poke(int index, int cpu, long value, long now) {
        Slot slot = slots[index];
        if ((value & ~slot.counterMask) != 0) {
            throw new IllegalArgumentException(slot.definition.name() + " is a " + slot.counter.bitWidth()
                    + "-bit counter; " + Hex.of(value) + " does not fit");
        }
        store(slot, cpu / slot.cpusPerCopy, value, now);
    }

    private static void store(Slot slot, int copy, long value, long now) {
        slot.values[copy] = value;
        if (slot.epochs != null) {
            slot.epochs[copy] = now; // the count restarts from the value written
        }
    }

    /**
     * floor(elapsed * rate / 10^9) modulo 2^64, without overflow for rates up to
     * {@link SimulatedRegister#MAX_RATE_HZ}: whole seconds times the rate may wrap,
     * which is harmless since counters are taken modulo 2^width, and the
     * sub-second part stays below 10^9 * 8 * 10^9 &lt; 2^63.
     */
    static long ticks(long elapsedNanos, long rateHz) {
        long seconds = Math.floorDiv(elapsedNanos, NANOS_PER_SECOND);
        long nanos = Math.floorMod(elapsedNanos, NANOS_PER_SECOND);
        return seconds * rateHz + nanos * rateHz / NANOS_PER_SECOND;
    }

}
