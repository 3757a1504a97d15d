package io.github.msrsafe.internal.sim;

import static io.github.msrsafe.registers.Register.Scope.CORE;
import static io.github.msrsafe.registers.Register.Scope.PACKAGE;
import static io.github.msrsafe.registers.Register.Scope.THREAD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.SimulatedRegister;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Counters, scopes and faults of the simulated registers. */
class RegisterBankTest {

    private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);

    /** floor(elapsed * rate / 1e9) mod 2^bits, computed exactly. */
    private static long exactTicks(long start, long elapsedNanos, long rateHz, int bits) {
        BigInteger ticks = BigInteger.valueOf(elapsedNanos).multiply(BigInteger.valueOf(rateHz));
        ticks = ticks.divide(BILLION).subtract(ticks.signum() < 0 && !ticks.mod(BILLION).equals(BigInteger.ZERO)
                ? BigInteger.ONE : BigInteger.ZERO); // floor, not truncation
        return BigInteger.valueOf(start).add(ticks).mod(BigInteger.TWO.pow(bits)).longValue();
    }

    @Property(tries = 500)
    void ticksAreExactFloorModulo2To64(
            @ForAll @LongRange(min = -1_000_000_000_000_000L, max = 1_000_000_000_000_000L) long elapsedNanos,
            @ForAll @LongRange(min = 0, max = SimulatedRegister.MAX_RATE_HZ) long rateHz) {
        assertEquals(exactTicks(0, elapsedNanos, rateHz, 64), RegisterBank.ticks(elapsedNanos, rateHz));
    }

    @Property(tries = 300)
    void countersAdvanceAtTheirRateAndWrapAtTheirWidth(
            @ForAll @IntRange(min = 1, max = 64) int bits,
            @ForAll @LongRange(min = 0, max = 4_000_000_000L) long rateHz,
            @ForAll long start,
            @ForAll @LongRange(min = 0, max = 10_000_000_000_000L) long elapsedNanos) {
        long mask = bits == 64 ? -1L : (1L << bits) - 1;
        SimulatedRegister counter = SimulatedRegister.counter(0x611, "C", PACKAGE, rateHz, bits)
                .withResetValue(start & mask);
        long[] now = {5_000};
        RegisterBank bank = new RegisterBank(List.of(counter), 2, 1, 2, now[0]);
        now[0] += elapsedNanos;
        assertEquals(exactTicks(start & mask, elapsedNanos, rateHz, bits), bank.read(0, 1, now[0]));
    }

    @Test
    void a32BitEnergyCounterWraps() {
        SimulatedRegister energy = SimulatedRegister.counter(0x611, "E", PACKAGE, 1_000_000, 32);
        RegisterBank bank = new RegisterBank(List.of(energy), 1, 1, 1, 0);
        bank.poke(0, 0, 0xFFFF_FFF0L, 0);
        assertEquals(0xFFFF_FFFAL, bank.read(0, 0, 10_000));   // 10 µs = 10 ticks
        assertEquals(0x4L, bank.read(0, 0, 20_000));           // 20 ticks: past 2^32
        assertThrows(IllegalArgumentException.class, () -> bank.poke(0, 0, 0x1_0000_0000L, 0));
    }

    @Test
    void aWritableCounterRestartsFromTheValueWritten() {
        SimulatedRegister tsc = SimulatedRegister.writableCounter(0x10, "TSC", THREAD, 1_000_000_000L, 64);
        RegisterBank bank = new RegisterBank(List.of(tsc), 2, 1, 2, 0);
        assertTrue(bank.write(0, 1, 1_000_000, 500));
        assertEquals(1_000_250, bank.read(0, 1, 750));
        assertEquals(750, bank.read(0, 0, 750), "CPU 0 has its own TSC");
    }

    @Test
    void aReadOnlyCounterRefusesWrites() {
        SimulatedRegister energy = SimulatedRegister.counter(0x611, "E", PACKAGE, 1_000, 32);
        RegisterBank bank = new RegisterBank(List.of(energy), 1, 1, 1, 0);
        assertFalse(bank.write(0, 0, 5, 0));
        assertFalse(new RegisterBank(List.of(SimulatedRegister.writableCounter(0x611, "E", PACKAGE, 1_000, 32)),
                1, 1, 1, 0).write(0, 0, 0x1_0000_0000L, 0), "bits above the width are reserved");
    }

    @Test
    void scopesShareOneCopyPerCoreOrPackage() {
        List<SimulatedRegister> registers = List.of(
                SimulatedRegister.readWrite(0x1, "T", THREAD, 0, 0),
                SimulatedRegister.readWrite(0x2, "C", CORE, 0, 0),
                SimulatedRegister.readWrite(0x3, "P", PACKAGE, 0, 0));
        // 8 CPUs: cores {0,1} {2,3} {4,5} {6,7}; packages {0-3} {4-7}
        RegisterBank bank = new RegisterBank(registers, 8, 2, 4, 0);
        for (int index = 0; index < 3; index++) {
            assertTrue(bank.write(index, 5, 99, 0));
        }
        long[] thread = new long[8];
        long[] core = new long[8];
        long[] pkg = new long[8];
        for (int cpu = 0; cpu < 8; cpu++) {
            thread[cpu] = bank.read(0, cpu, 0);
            core[cpu] = bank.read(1, cpu, 0);
            pkg[cpu] = bank.read(2, cpu, 0);
        }
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 99L, 0L, 0L), box(thread));
        assertEquals(List.of(0L, 0L, 0L, 0L, 99L, 99L, 0L, 0L), box(core));
        assertEquals(List.of(0L, 0L, 0L, 0L, 99L, 99L, 99L, 99L), box(pkg));
    }

    @Test
    void reservedBitsAndReadOnlyRegistersFault() {
        RegisterBank bank = new RegisterBank(List.of(
                SimulatedRegister.readWrite(0x199, "CTL", THREAD, 0x1C00, ~0xFFFFL),
                SimulatedRegister.readOnly(0x198, "STATUS", THREAD, 0x1C00)), 1, 1, 1, 0);
        int ctl = bank.indexOf(0x199);
        int status = bank.indexOf(0x198);
        assertFalse(bank.write(ctl, 0, 0x1_0000, 0));
        assertTrue(bank.write(ctl, 0, 0xFFFF, 0));
        assertEquals(0xFFFF, bank.read(ctl, 0, 0));
        assertFalse(bank.write(status, 0, 0x1C00, 0), "even writing the value it holds");
        assertEquals(-1, bank.indexOf(0x19A));
    }

    @Test
    void twoRegistersAtOneAddressAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RegisterBank(List.of(
                SimulatedRegister.readOnly(0x10, "A", THREAD, 0),
                SimulatedRegister.readOnly(0x10, "B", THREAD, 0)), 1, 1, 1, 0));
        assertTrue(e.getMessage().contains("0x10"), e.getMessage());
    }

    private static List<Long> box(long[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}
