package io.github.msrsafe;

import io.github.msrsafe.internal.text.Hex;
import io.github.msrsafe.registers.Register.Scope;
import java.util.Objects;

/**
 * One model-specific register of a {@link SimulatedDevice}: where it is, what
 * it is called, which CPUs share it, its value after reset, which bits are
 * reserved and how it behaves.
 *
 * <p>The simulated processor answers an access to an address it does not
 * define with a fault (EIO), even if the allowlist lists the address, as a
 * real processor raises #GP for an MSR it does not implement. Writing a 1 to a
 * reserved bit faults too, and so does any write to a {@link ReadOnly}
 * register. The allowlist is separate: it decides what a user may try; the
 * register decides what the processor accepts.
 *
 * {@snippet lang=java :
 * var perfCtl = SimulatedRegister.readWrite(0x199, "IA32_PERF_CTL", Register.Scope.THREAD,
 *         0x1C00, ~0x1_0000_FFFFL);                       // bits 15:0 and 32 are defined
 * var energy = SimulatedRegister.counter(0x611, "MSR_PKG_ENERGY_STATUS", Register.Scope.PACKAGE,
 *         1_064_960, 32);                                 // 65 W in 2^-14 J units, wraps at 2^32
 * }
 *
 * @param address      the MSR address, 0 to 0xFFFFFFFF (the device cannot reach higher ones)
 * @param name         a name for messages and listings, e.g. "IA32_PERF_CTL"
 * @param scope        which CPUs share one copy of the register: the simulated topology numbers
 *                     CPUs in blocks, so the threads of a core are consecutive CPU numbers, and so
 *                     are the cores of a package (see {@link SimulatedDevice.Builder#threadsPerCore(int)})
 * @param resetValue   the value every copy holds when the device is built (a counter's start)
 * @param reservedBits bits that must be written as 0; writing a 1 there faults (EIO)
 * @param behavior     how reads and writes act on the value
 */
public record SimulatedRegister(long address, String name, Scope scope, long resetValue, long reservedBits,
        Behavior behavior) {

    /** The fastest counter rate accepted, 8 GHz: far above any real MSR counter, and overflow-free arithmetic. */
    public static final long MAX_RATE_HZ = 8_000_000_000L;

    /** How a register's value responds to reads, writes and time. */
    public sealed interface Behavior permits ReadOnly, ReadWrite, Counter {}

    /** The value stays as it is; any write faults (EIO), as wrmsr to a read-only MSR raises #GP. */
    public record ReadOnly() implements Behavior {}

    /** Reads return the last value written; a write stores every bit (reserved bits must be 0). */
    public record ReadWrite() implements Behavior {}

    /**
     * A free-running counter: it advances {@code rateHz} per second of the device's
     * clock and wraps at {@code 2^bitWidth}. A writable counter restarts from the
     * value written; a read-only one faults on write.
     *
     * @param rateHz   increments per second, 0 to {@link #MAX_RATE_HZ}
     * @param bitWidth 1 to 64; the bits above it are reserved
     * @param writable whether wrmsr may set the count
     */
    public record Counter(long rateHz, int bitWidth, boolean writable) implements Behavior {
        /**
         * Checks the rate and width.
         *
         * @throws IllegalArgumentException if the rate or width is out of range
         */
        public Counter {
            if (rateHz < 0 || rateHz > MAX_RATE_HZ) {
                throw new IllegalArgumentException("counter rate " + rateHz + " Hz is outside 0.." + MAX_RATE_HZ);
            }
            if (bitWidth < 1 || bitWidth > 64) {
                throw new IllegalArgumentException("counter width " + bitWidth + " bits is outside 1..64");
            }
        }

        /** {@return the bits the counter uses: the low {@code bitWidth} bits} */
        public long valueMask() {
            return bitWidth == 64 ? -1L : (1L << bitWidth) - 1;
        }
    }

    /**
     * Checks the register: the address fits 32 bits, the name is not blank, and the reset value
     * fits the behaviour and the reserved bits.
     *
     * @throws IllegalArgumentException if a component is out of range or they contradict each other
     */
    public SimulatedRegister {
        if (address < 0 || address > MsrSafe.MAX_MSR) {
            throw new IllegalArgumentException("register address " + Hex.of(address)
                    + " is outside 0x0..0xFFFFFFFF; the device truncates offsets to 32 bits, so it could never be reached");
        }
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("register " + Hex.of(address) + " needs a name");
        }
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(behavior, "behavior");
        if (behavior instanceof Counter counter && (resetValue & ~counter.valueMask()) != 0) {
            throw new IllegalArgumentException(name + ": start value " + Hex.of(resetValue)
                    + " does not fit a " + counter.bitWidth() + "-bit counter");
        }
        if (behavior instanceof Counter counter && (reservedBits & ~counter.valueMask()) != ~counter.valueMask()) {
            throw new IllegalArgumentException(name + ": the bits above a " + counter.bitWidth()
                    + "-bit counter must be reserved, got reserved bits " + Hex.of(reservedBits));
        }
        if (!(behavior instanceof ReadOnly) && (resetValue & reservedBits) != 0) {
            throw new IllegalArgumentException(name + ": reset value " + Hex.of(resetValue)
                    + " sets reserved bits " + Hex.of(resetValue & reservedBits));
        }
    }

    /**
     * {@return a register whose value never changes (unless a test pokes it) and which faults on any write}
     *
     * @param address the MSR address, 0 to 0xFFFFFFFF
     * @param name    a name for messages and listings
     * @param scope   which CPUs share it
     * @param value   its value
     */
    public static SimulatedRegister readOnly(long address, String name, Scope scope, long value) {
        return new SimulatedRegister(address, name, scope, value, 0, new ReadOnly());
    }

    /**
     * {@return a register that holds what is written; writing a 1 to any of {@code reservedBits} faults}
     *
     * @param address      the MSR address, 0 to 0xFFFFFFFF
     * @param name         a name for messages and listings
     * @param scope        which CPUs share it
     * @param resetValue   its value when the device is built
     * @param reservedBits bits that must be written as 0
     */
    public static SimulatedRegister readWrite(long address, String name, Scope scope, long resetValue,
            long reservedBits) {
        return new SimulatedRegister(address, name, scope, resetValue, reservedBits, new ReadWrite());
    }

    /**
     * {@return a read-only counter starting at 0, advancing {@code rateHz} per second, wrapping at 2^bitWidth}
     *
     * @param address  the MSR address, 0 to 0xFFFFFFFF
     * @param name     a name for messages and listings
     * @param scope    which CPUs share it
     * @param rateHz   increments per second, 0 to {@link #MAX_RATE_HZ}
     * @param bitWidth the counter's width in bits, 1 to 64
     */
    public static SimulatedRegister counter(long address, String name, Scope scope, long rateHz, int bitWidth) {
        Counter counter = new Counter(rateHz, bitWidth, false);
        return new SimulatedRegister(address, name, scope, 0, ~counter.valueMask(), counter);
    }

    /**
     * {@return a counter like {@link #counter} that wrmsr may set (as IA32_TIME_STAMP_COUNTER, IA32_APERF)}
     *
     * @param address  the MSR address, 0 to 0xFFFFFFFF
     * @param name     a name for messages and listings
     * @param scope    which CPUs share it
     * @param rateHz   increments per second, 0 to {@link #MAX_RATE_HZ}
     * @param bitWidth the counter's width in bits, 1 to 64
     */
    public static SimulatedRegister writableCounter(long address, String name, Scope scope, long rateHz,
            int bitWidth) {
        Counter counter = new Counter(rateHz, bitWidth, true);
        return new SimulatedRegister(address, name, scope, 0, ~counter.valueMask(), counter);
    }

    /**
     * {@return this register with another reset value (a counter's start value)}
     *
     * @param value the new reset value
     */
    public SimulatedRegister withResetValue(long value) {
        return new SimulatedRegister(address, name, scope, value, reservedBits, behavior);
    }

    /** {@return true if wrmsr can change this register at all (bits permitting)} */
    public boolean writable() {
        return switch (behavior) {
            case ReadOnly r -> false;
            case ReadWrite w -> true;
            case Counter c -> c.writable();
        };
    }

    @Override
    public String toString() {
        return name + "@" + Hex.of(address) + "[" + scope + ", " + switch (behavior) {
            case ReadOnly r -> "read-only " + Hex.of(resetValue);
            case ReadWrite w -> "read-write, reset " + Hex.of(resetValue)
                    + ", reserved " + Hex.of(reservedBits);
            case Counter c -> (c.writable() ? "writable " : "") + c.bitWidth() + "-bit counter at " + c.rateHz()
                    + " Hz from " + Hex.of(resetValue);
        } + "]";
    }
}
