package io.github.msrsafe.internal.sim;

import static io.github.msrsafe.registers.Register.Scope.PACKAGE;
import static io.github.msrsafe.registers.Register.Scope.THREAD;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_APERF;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_MPERF;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_POLL;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_PTHERM;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_READ;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_THERM;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_TSC;
import static io.github.msrsafe.internal.abi.MsrStructs.OP_FLAG_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.msrsafe.SimulatedRegister;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.internal.abi.BatchAbi;
import io.github.msrsafe.internal.abi.MsrStructs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The module's batch rules, release by release, on a small machine; 2.x rule by rule from the observations. */
class BatchRulesTest {

    static final long TSC = 0x10;          // counter at 1 GHz, listed read-only
    static final long APERF = 0xE8;        // counter at 2 GHz, NOT listed: a timestamp register only
    static final long PERF_CTL = 0x199;    // read-write, listed 0xFFFF
    static final long THERM = 0x19C;       // read-only, listed read-only
    static final long MISC = 0x1A0;        // read-write, listed all ones
    static final long ENERGY = 0x611;      // 32-bit package counter at 1 MHz, listed read-only
    static final long PTHERM = 0x1B1;      // implemented, NOT listed
    static final long PHANTOM = 0x777;     // listed all ones, not implemented: rdmsr faults
    static final long UNLISTED = 0x1A2;    // implemented, not listed
    // MPERF (0xE7) is not implemented: its timestamp reads as 0 here

    static final int CPUS = 4;
    static final int OFFLINE_CPU = 2;
    static final long UNTOUCHED = 0x5A5A_5A5A_5A5A_5A5AL;

    static final List<SimulatedRegister> REGISTERS = List.of(
            SimulatedRegister.counter(TSC, "TSC", THREAD, 1_000_000_000L, 64),
            SimulatedRegister.counter(APERF, "APERF", THREAD, 2_000_000_000L, 64),
            SimulatedRegister.readWrite(PERF_CTL, "PERF_CTL", THREAD, 0x1C00, ~0x1_0000_FFFFL),
            SimulatedRegister.readOnly(THERM, "THERM", THREAD, 0x8839_0000L),
            SimulatedRegister.readWrite(MISC, "MISC", THREAD, 0x1, ~0xFFL),
            SimulatedRegister.counter(ENERGY, "ENERGY", PACKAGE, 1_000_000, 32),
            SimulatedRegister.readOnly(PTHERM, "PTHERM", PACKAGE, 0x8837_0000L),
            SimulatedRegister.readOnly(UNLISTED, "UNLISTED", PACKAGE, 0x64_0000L));

    static final List<AllowlistEntry> ALLOWLIST = List.of(
            new AllowlistEntry(TSC, 0),
            new AllowlistEntry(PERF_CTL, 0xFFFF),
            new AllowlistEntry(THERM, 0),
            new AllowlistEntry(MISC, -1L),
            new AllowlistEntry(ENERGY, 0),
            new AllowlistEntry(PHANTOM, -1L));

    final Arena arena = Arena.ofConfined();
    final TestMachine machine = new TestMachine(new AtomicLong(1_000_000)::get);

    @AfterEach
    void free() {
        arena.close();
    }

    /** The machine the rules see, built from the simulator's own register bank and allowlist table. */
    static final class TestMachine implements BatchRules.Machine {
        final RegisterBank registers;
        final AllowlistTable allowlist;
        final boolean[] online = {true, true, false, true};
        final LongSupplier clock;

        TestMachine(LongSupplier clock) {
            this.clock = clock;
            registers = new RegisterBank(REGISTERS, CPUS, 1, CPUS, clock.getAsLong());
            allowlist = new AllowlistTable(Allowlist.of(ALLOWLIST));
        }

        @Override public boolean cpuUp(int cpu) { return cpu < CPUS && online[cpu]; }
        @Override public int allowlistEntry(long msr) { return allowlist.find(msr); }
        @Override public long writeMask(int entry) { return allowlist.writeMask(entry); }
        @Override public int register(long msr) { return registers.indexOf(msr); }
        @Override public long read(int register, int cpu, long now) { return registers.read(register, cpu, now); }
        @Override public boolean write(int register, int cpu, long value, long now) { return registers.write(register, cpu, value, now); }
        @Override public long now() { return clock.getAsLong(); }

        long value(int cpu, long msr) {
            return registers.read(registers.indexOf(msr), cpu, clock.getAsLong());
        }
    }

    /** 2.x ops with every output preset to UNTOUCHED and err to -99. */
    MemorySegment ops2(int count) {
        MemorySegment ops = arena.allocate(MsrStructs.BATCH_OP_V2, count);
        for (long i = 0; i < count; i++) {
            BatchAbi.V2.setErr(ops, i, -99);
            for (VarHandle field : List.of(MsrStructs.OP2_WMASK, MsrStructs.OP2_MSRDATA, MsrStructs.OP2_MSRDATA2,
                    MsrStructs.OP2_TSC, MsrStructs.OP2_MPERF, MsrStructs.OP2_APERF, MsrStructs.OP2_THERM,
                    MsrStructs.OP2_PTHERM, MsrStructs.OP2_TAG)) {
                field.set(ops, 0L, i, UNTOUCHED);
            }
        }
        return ops;
    }

    static void op2(MemorySegment ops, long i, int cpu, long msr, int flags, long data) {
        BatchAbi.V2.setCpu(ops, i, cpu);
        BatchAbi.V2.setMsr(ops, i, msr);
        BatchAbi.V2.setOpWord(ops, i, flags);
        BatchAbi.V2.setMsrdata(ops, i, data);
    }

    static long field(VarHandle handle, MemorySegment ops, long i) {
        return (long) handle.get(ops, 0L, i);
    }

    static int pollLeft(MemorySegment ops, long i) {
        return (int) MsrStructs.OP2_POLL_MAX.get(ops, 0L, i);
    }

    // ---- the header, before any op is read

    @Test
    void v2ChecksNumopsThenTheMajorOnlyThenTheSize() {
        BatchRules rules = BatchRules.V2;
        assertEquals(-BatchRules.EINVAL, rules.checkHeader(0, 0), "numops 0 comes before the version");
        assertEquals(-BatchRules.ENOPROTOOPT, rules.checkHeader(1, 0), "0: what C tools that leave it unset send");
        assertEquals(-BatchRules.ENOPROTOOPT, rules.checkHeader(1, 0x0001_0800));
        assertEquals(-BatchRules.ENOPROTOOPT, rules.checkHeader(1, 0x0003_0000));
        assertEquals(-BatchRules.ENOPROTOOPT, rules.checkHeader(47_663, 0), "the version comes before the size");
        assertEquals(0, rules.checkHeader(1, 0x0002_0004));
        assertEquals(0, rules.checkHeader(1, 0x0002_FFFF), "minor and patch are not compared");
        assertEquals(0, rules.checkHeader(1, 0xFF02_0000), "bits 31:24 are not compared");
        assertEquals(0, rules.checkHeader(47_662, 0x0002_0004));
        assertEquals(-BatchRules.E2BIG, rules.checkHeader(47_663, 0x0002_0004));
    }

    @Test
    void v1IgnoresTheVersionAndTakes131072Ops() {
        BatchRules rules = BatchRules.V1;
        assertEquals(-BatchRules.EINVAL, rules.checkHeader(0, 0x0001_0800));
        assertEquals(0, rules.checkHeader(1, 0));
        assertEquals(0, rules.checkHeader(1, 0xDEAD_BEEF));
        assertEquals(0, rules.checkHeader(131_072, 0x0002_0004));
        assertEquals(-BatchRules.E2BIG, rules.checkHeader(131_073, 0x0001_0800));
    }

    // ---- validation: as in 1.8

    @Test
    void v2ValidationRejectsTheWholeBatchWithTheLastFailingOpsError() {
        MemorySegment ops = ops2(5);
        op2(ops, 0, 0, MISC, OP_FLAG_WRITE, 0x77);
        op2(ops, 1, OFFLINE_CPU, MISC, OP_FLAG_READ, 0);
        op2(ops, 2, 0, UNLISTED, OP_FLAG_TSC, 0);     // timestamps only: the op's MSR must still be listed
        op2(ops, 3, 0, THERM, OP_FLAG_READ | OP_FLAG_WRITE, 0); // has WRITE, mask 0
        op2(ops, 4, 0, THERM, OP_FLAG_READ, UNTOUCHED);
        assertEquals(-BatchRules.EROFS, BatchRules.V2.run(machine, ops, 5));
        assertEquals(0, BatchAbi.V2.err(ops, 0));
        assertEquals(-BatchRules.ENXIO, BatchAbi.V2.err(ops, 1));
        assertEquals(-BatchRules.EACCES, BatchAbi.V2.err(ops, 2));
        assertEquals(-BatchRules.EROFS, BatchAbi.V2.err(ops, 3));
        assertEquals(0, BatchAbi.V2.err(ops, 4));
        assertEquals(-1L, BatchAbi.V2.wmask(ops, 0), "wmask filled for every op that passed");
        assertEquals(UNTOUCHED, BatchAbi.V2.wmask(ops, 1));
        assertEquals(UNTOUCHED, BatchAbi.V2.wmask(ops, 2));
        assertEquals(0L, BatchAbi.V2.wmask(ops, 3));
        assertEquals(0x1, machine.value(0, MISC), "nothing ran");
        assertEquals(UNTOUCHED, BatchAbi.V2.msrdata(ops, 4));
        assertEquals(UNTOUCHED, field(MsrStructs.OP2_TSC, ops, 2));
    }

    // ---- what an op does

    @Test
    void opIsNotValidatedUnknownAndHintOnlyValuesDoNothing() {
        MemorySegment ops = ops2(3);
        op2(ops, 0, 0, MISC, 0, 0x33);
        op2(ops, 1, 0, MISC, 0x4000, 0x33);
        op2(ops, 2, 0, MISC, MsrStructs.OP_FLAG_DELTA_HINTS, 0x33);
        assertEquals(0, BatchRules.V2.run(machine, ops, 3));
        for (long i = 0; i < 3; i++) {
            assertEquals(0, BatchAbi.V2.err(ops, i));
            assertEquals(0x33, BatchAbi.V2.msrdata(ops, i));
            assertEquals(-1L, BatchAbi.V2.wmask(ops, i));
        }
        assertEquals(0x1, machine.value(0, MISC));
    }

    @Test
    void aWriteKeepsTheCallersValueInMsrdataAndWritesUnderTheMask() {
        MemorySegment ops = ops2(1);
        op2(ops, 0, 1, PERF_CTL, OP_FLAG_WRITE, 0xFFFF_FFFF_FFFF_1A00L);
        assertEquals(0, BatchRules.V2.run(machine, ops, 1));
        assertEquals(0x1A00, machine.value(1, PERF_CTL), "(data & 0xFFFF) | (old & ~0xFFFF)");
        assertEquals(0xFFFF_FFFF_FFFF_1A00L, BatchAbi.V2.msrdata(ops, 0), "msrdata holds the input, not the written value");
        assertEquals(0x1C00, machine.value(0, PERF_CTL), "other CPUs untouched");
    }

    @Test
    void readWithWriteAndWriteWithPollWriteTheOldValueBack() {
        MemorySegment ops = ops2(2);
        op2(ops, 0, 0, MISC, OP_FLAG_READ | OP_FLAG_WRITE, 0xAB);
        op2(ops, 1, 1, MISC, OP_FLAG_WRITE | OP_FLAG_POLL, 0xCD);
        MsrStructs.OP2_POLL_MAX.set(ops, 0L, 1L, 3);
        assertEquals(0, BatchRules.V2.run(machine, ops, 2));
        assertEquals(0x1, machine.value(0, MISC));
        assertEquals(0x1, machine.value(1, MISC));
        assertEquals(0x1, BatchAbi.V2.msrdata(ops, 0), "the read replaced the caller's value");
        assertEquals(0x1, BatchAbi.V2.msrdata(ops, 1));
    }

    @Test
    void timestampsComeAfterTheOpFromRegistersTheAllowlistNeedNotList() {
        MemorySegment ops = ops2(2);
        int all = OP_FLAG_TSC | OP_FLAG_MPERF | OP_FLAG_APERF | OP_FLAG_THERM | OP_FLAG_PTHERM;
        op2(ops, 0, 3, PERF_CTL, OP_FLAG_READ | all, 0);
        op2(ops, 1, 3, ENERGY, OP_FLAG_TSC, UNTOUCHED);
        MsrStructs.OP2_TAG.set(ops, 0L, 0L, 0x7A6L);
        assertEquals(0, BatchRules.V2.run(machine, ops, 2));
        assertEquals(0x1C00, BatchAbi.V2.msrdata(ops, 0));
        assertEquals(machine.value(3, TSC), field(MsrStructs.OP2_TSC, ops, 0));
        assertEquals(machine.value(3, APERF), field(MsrStructs.OP2_APERF, ops, 0), "APERF is not listed");
        assertEquals(0x8839_0000L, field(MsrStructs.OP2_THERM, ops, 0));
        assertEquals(0x8837_0000L, field(MsrStructs.OP2_PTHERM, ops, 0), "PTHERM is not listed");
        assertEquals(0L, field(MsrStructs.OP2_MPERF, ops, 0), "this processor has no MPERF");
        assertEquals(0x7A6L, field(MsrStructs.OP2_TAG, ops, 0), "the tag is the caller's");
        assertEquals(UNTOUCHED, field(MsrStructs.OP2_MSRDATA2, ops, 0));
        // timestamp flags alone: only their fields, the op's MSR is not read
        assertEquals(machine.value(3, TSC), field(MsrStructs.OP2_TSC, ops, 1));
        assertEquals(UNTOUCHED, BatchAbi.V2.msrdata(ops, 1));
        assertEquals(UNTOUCHED, field(MsrStructs.OP2_APERF, ops, 1));
    }

    @Test
    void timestampsAloneDoNotTouchTheOpsRegisterSoAPhantomDoesNotFault() {
        MemorySegment ops = ops2(1);
        op2(ops, 0, 0, PHANTOM, OP_FLAG_TSC, 0);
        assertEquals(0, BatchRules.V2.run(machine, ops, 1));
        assertEquals(machine.value(0, TSC), field(MsrStructs.OP2_TSC, ops, 0));
    }

    @Test
    void aFaultingOpGetsNoTimestampsAndTheOthersStillRun() {
        MemorySegment ops = ops2(3);
        op2(ops, 0, 0, PHANTOM, OP_FLAG_READ | OP_FLAG_TSC, UNTOUCHED);
        op2(ops, 1, 0, THERM, OP_FLAG_READ | OP_FLAG_TSC, 0);
        op2(ops, 2, 1, MISC, OP_FLAG_WRITE | OP_FLAG_TSC, 0x1_0000); // reserved bit: wrmsr faults
        assertEquals(-BatchRules.EIO, BatchRules.V2.run(machine, ops, 3), "the first failing op's error");
        assertEquals(-BatchRules.EIO, BatchAbi.V2.err(ops, 0));
        assertEquals(UNTOUCHED, field(MsrStructs.OP2_TSC, ops, 0));
        assertEquals(UNTOUCHED, BatchAbi.V2.msrdata(ops, 0));
        assertEquals(0, BatchAbi.V2.err(ops, 1));
        assertEquals(0x8839_0000L, BatchAbi.V2.msrdata(ops, 1));
        assertEquals(machine.value(0, TSC), field(MsrStructs.OP2_TSC, ops, 1));
        assertEquals(-BatchRules.EIO, BatchAbi.V2.err(ops, 2));
        assertEquals(UNTOUCHED, field(MsrStructs.OP2_TSC, ops, 2));
        assertEquals(0x1, machine.value(1, MISC));
    }

    // ---- polling

    @Test
    void aPollOnACounterReturnsTheFirstAndTheChangedValueAndTheAttemptsLeft() {
        AtomicLong nanos = new AtomicLong(1_000_000);
        TestMachine ticking = new TestMachine(() -> nanos.addAndGet(100)); // every clock reading 100 ns later
        MemorySegment ops = ops2(2);
        op2(ops, 0, 0, ENERGY, OP_FLAG_POLL | OP_FLAG_TSC, 0);
        MsrStructs.OP2_POLL_MAX.set(ops, 0L, 0L, 1000);
        op2(ops, 1, 0, TSC, OP_FLAG_READ, 0);
        assertEquals(0, BatchRules.V2.run(ticking, ops, 2));
        long first = BatchAbi.V2.msrdata(ops, 0);
        long changed = field(MsrStructs.OP2_MSRDATA2, ops, 0);
        assertEquals(first + 1, changed, "a 1 MHz counter read every 100 ns moves by one");
        int used = 1000 - pollLeft(ops, 0);
        assertEquals(true, used >= 1 && used <= 10, "attempts used: " + used);
        assertEquals(true, field(MsrStructs.OP2_TSC, ops, 0) <= BatchAbi.V2.msrdata(ops, 1),
                "the timestamp is taken when the poll ended, before the next op");
    }

    @Test
    void aPollThatSeesNoChangeCountsPollMaxDownToZeroAndLeavesMsrdata2() {
        AtomicLong nanos = new AtomicLong(1_000_000);
        TestMachine ticking = new TestMachine(() -> nanos.addAndGet(100));
        MemorySegment ops = ops2(1);
        op2(ops, 0, 0, THERM, OP_FLAG_POLL, 0);
        MsrStructs.OP2_POLL_MAX.set(ops, 0L, 0L, 50);
        assertEquals(0, BatchRules.V2.run(ticking, ops, 1));
        assertEquals(0, pollLeft(ops, 0));
        assertEquals(0x8839_0000L, BatchAbi.V2.msrdata(ops, 0));
        assertEquals(UNTOUCHED, field(MsrStructs.OP2_MSRDATA2, ops, 0));
        assertEquals(true, nanos.get() >= 1_000_000 + 50 * 100, "every attempt read the register again");
    }

    @Test
    void aPollOnAFrozenClockEndsAtOnceWhateverPollMaxSays() {
        MemorySegment ops = ops2(1);
        op2(ops, 0, 0, ENERGY, OP_FLAG_POLL, 0);
        MsrStructs.OP2_POLL_MAX.set(ops, 0L, 0L, -1); // 2^32 - 1 attempts
        assertEquals(0, BatchRules.V2.run(machine, ops, 1));
        assertEquals(0, pollLeft(ops, 0));
        assertEquals(UNTOUCHED, field(MsrStructs.OP2_MSRDATA2, ops, 0));
    }

    // ---- 1.8 on the same machine

    @Test
    void v1ReadsWritesAndFaultsAsIn18() {
        MemorySegment ops = arena.allocate(MsrStructs.BATCH_OP, 3);
        BatchAbi abi = BatchAbi.V1;
        abi.setCpu(ops, 0, 0); abi.setMsr(ops, 0, THERM); abi.setOpWord(ops, 0, 1);
        abi.setCpu(ops, 1, 1); abi.setMsr(ops, 1, PERF_CTL); abi.setOpWord(ops, 1, 0); abi.setMsrdata(ops, 1, -1L);
        abi.setCpu(ops, 2, 0); abi.setMsr(ops, 2, PHANTOM); abi.setOpWord(ops, 2, 1); abi.setMsrdata(ops, 2, UNTOUCHED);
        assertEquals(-BatchRules.EIO, BatchRules.V1.run(machine, ops, 3));
        assertEquals(0x8839_0000L, abi.msrdata(ops, 0));
        assertEquals(0xFFFF, machine.value(1, PERF_CTL));
        assertEquals(-1L, abi.msrdata(ops, 1));
        assertEquals(-BatchRules.EIO, abi.err(ops, 2));
        assertEquals(UNTOUCHED, abi.msrdata(ops, 2));
    }

    @Test
    void v1CallsAnyNonZeroIsrdmsrARead() {
        MemorySegment ops = arena.allocate(MsrStructs.BATCH_OP, 1);
        BatchAbi abi = BatchAbi.V1;
        abi.setCpu(ops, 0, 0); abi.setMsr(ops, 0, THERM); abi.setOpWord(ops, 0, OP_FLAG_WRITE);
        assertEquals(0, BatchRules.V1.run(machine, ops, 1), "isrdmsr 1 is a read in 1.x, not the 2.x WRITE flag");
        assertEquals(0x8839_0000L, abi.msrdata(ops, 0));
    }
}
