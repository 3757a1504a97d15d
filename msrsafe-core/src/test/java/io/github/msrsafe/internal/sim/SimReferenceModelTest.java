package io.github.msrsafe.internal.sim;

import io.github.msrsafe.internal.abi.BatchBuffer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.msrsafe.SimulatedRegister;
import io.github.msrsafe.registers.Register.Scope;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.internal.sys.OpenFlags;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random batches and random per-CPU call sequences on the simulated kernel,
 * compared with a small reference model of docs/module-behaviour.md written here
 * from the contract alone (plain maps, no code shared with the simulator).
 * Time stands still, so counters behave as stored values.
 */
class SimReferenceModelTest {

    // 8 CPU ids, 2 threads per core, 4 CPUs per package.
    static final int CPUS = 8;
    static final int THREADS_PER_CORE = 2;
    static final int CPUS_PER_PACKAGE = 4;

    /** The model's view of a register: which CPUs share it and what wrmsr accepts. */
    record ModelRegister(long address, Scope scope, boolean writable, long reserved, long valueBits) {
        int copy(int cpu) {
            return switch (scope) {
                case THREAD -> cpu;
                case CORE -> cpu / THREADS_PER_CORE;
                case PACKAGE -> cpu / CPUS_PER_PACKAGE;
            };
        }
    }

    static final List<ModelRegister> MODEL_REGISTERS = List.of(
            new ModelRegister(0x10, Scope.THREAD, true, 0, -1L),                    // writable 64-bit counter
            new ModelRegister(0x20, Scope.THREAD, true, 0xFFFF_FFFF_0000_0000L, -1L), // read-write, low half
            new ModelRegister(0x30, Scope.CORE, true, 0xF000_0000_0000_0000L, -1L),
            new ModelRegister(0x40, Scope.PACKAGE, true, 0, -1L),
            new ModelRegister(0x50, Scope.THREAD, false, 0, -1L),                   // read-only
            new ModelRegister(0x60, Scope.PACKAGE, false, 0xFFFF_FFFF_0000_0000L, 0xFFFF_FFFFL), // 32-bit counter
            new ModelRegister(0x70, Scope.CORE, true, 0xFFFF_FFFF_FFFF_0000L, 0xFFFFL)); // writable 16-bit counter

    /** Simulator definitions of the same registers; the clock never moves, so rates do not matter. */
    static List<SimulatedRegister> simulatorRegisters() {
        return List.of(
                SimulatedRegister.writableCounter(0x10, "C64", Scope.THREAD, 1_000, 64),
                SimulatedRegister.readWrite(0x20, "RW_LOW", Scope.THREAD, 0, 0xFFFF_FFFF_0000_0000L),
                SimulatedRegister.readWrite(0x30, "RW_CORE", Scope.CORE, 0, 0xF000_0000_0000_0000L),
                SimulatedRegister.readWrite(0x40, "RW_PKG", Scope.PACKAGE, 0, 0),
                SimulatedRegister.readOnly(0x50, "RO", Scope.THREAD, 0),
                SimulatedRegister.counter(0x60, "C32", Scope.PACKAGE, 1_000, 32),
                SimulatedRegister.writableCounter(0x70, "C16", Scope.CORE, 1_000, 16));
    }

    /** Addresses ops may name: implemented ones and two the processor lacks. */
    static final List<Long> ADDRESSES = List.of(0x10L, 0x20L, 0x30L, 0x40L, 0x50L, 0x60L, 0x70L, 0x80L, 0x90L);

    record Op(int cpu, long msr, boolean read, long data) {}

    /** What a per-CPU call returns and what its 8-byte buffer holds afterwards. */
    record Call(long result, long buffer) {
        static Call failed(int negativeErrno, long buffer) {
            return new Call(negativeErrno, buffer);
        }
    }

    /** A device state and what to do to it. */
    record Scenario(Set<Integer> offline, Map<Long, Long> allowlist, long[] initialValues, List<Op> ops) {
        @Override
        public String toString() {
            return "Scenario[offline=" + offline + ", allowlist=" + hexMap(allowlist) + ", ops=" + ops + "]";
        }
    }

    // ---------------------------------------------------------------- properties

    @Property(tries = 300)
    void batchesMatchTheReferenceModel(@ForAll("scenarios") Scenario scenario) {
        SimKernel kernel = kernelFor(scenario);
        Model model = new Model(scenario);
        List<Op> ops = scenario.ops();
        long[] expectedData = new long[ops.size()];
        long[] expectedMask = new long[ops.size()];
        int[] expectedErr = new int[ops.size()];
        int expectedResult = model.batch(ops, expectedErr, expectedData, expectedMask);

        try (BatchBuffer batch = new BatchBuffer(ops.size());
             BatchDevice device = kernel.openBatch(OpenFlags.O_RDONLY)) {
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                batch.op(i, op.cpu(), op.msr(), op.read(), op.read() ? BatchBuffer.UNTOUCHED : op.data());
            }
            assertEquals(expectedResult, batch.run(device), "ioctl result");
            for (int i = 0; i < ops.size(); i++) {
                int index = i;
                assertEquals(expectedErr[i], batch.err(i), () -> "err of op " + index + " " + ops.get(index));
                assertEquals(expectedData[i], batch.data(i), () -> "msrdata of op " + index + " " + ops.get(index));
                assertEquals(expectedMask[i], batch.wmask(i), () -> "wmask of op " + index + " " + ops.get(index));
            }
        }
        assertSameRegisters(model, kernel);
    }

    @Property(tries = 200)
    void perCpuCallsMatchTheReferenceModel(@ForAll("scenarios") Scenario scenario,
            @ForAll("onlineToggles") List<Integer> toggleBeforeOp) {
        // All CPUs start online so that every node can be opened; toggles take them down and up.
        Scenario allOnline = new Scenario(Set.of(), scenario.allowlist(), scenario.initialValues(), scenario.ops());
        SimKernel kernel = kernelFor(allOnline);
        Model model = new Model(allOnline);
        try (Arena arena = Arena.ofConfined()) {
            OpenFile[] files = new OpenFile[CPUS];
            for (int cpu = 0; cpu < CPUS; cpu++) {
                files[cpu] = kernel.open(DeviceNode.cpu(cpu), OpenFlags.O_RDWR);
            }
            MemorySegment buffer = arena.allocate(ValueLayout.JAVA_LONG);
            for (int i = 0; i < scenario.ops().size(); i++) {
                int toggle = toggleBeforeOp.get(i % toggleBeforeOp.size());
                if (toggle >= 0) {
                    boolean up = !model.online.contains(toggle);
                    kernel.setOnline(toggle, up);
                    if (up) {
                        model.online.add(toggle);
                    } else {
                        model.online.remove(toggle);
                    }
                }
                Op op = scenario.ops().get(i);
                int cpu = op.cpu() % CPUS; // per-CPU files exist only for real CPU ids
                buffer.set(ValueLayout.JAVA_LONG, 0, op.read() ? BatchBuffer.UNTOUCHED : op.data());
                Call expected = op.read() ? model.perCpuRead(cpu, op.msr()) : model.perCpuWrite(cpu, op.msr(), op.data());
                long actual = op.read()
                        ? files[cpu].pread(buffer, 8, op.msr())
                        : files[cpu].pwrite(buffer, 8, op.msr());
                int index = i;
                assertEquals(expected.result(), actual, () -> "result of call " + index + " " + op);
                assertEquals(expected.buffer(), buffer.get(ValueLayout.JAVA_LONG, 0), () -> "buffer after call " + index);
            }
            for (OpenFile file : files) {
                file.close();
            }
        } catch (io.github.msrsafe.internal.sys.ErrnoException e) {
            throw new AssertionError(e);
        }
        assertSameRegisters(model, kernel);
    }

    // ---------------------------------------------------------------- the reference model

    /** docs/module-behaviour.md in plain Java collections. */
    static final class Model {
        final Set<Integer> online = new TreeSet<>();
        final Map<Long, Long> allowlist;
        final Map<List<Long>, Long> values = new HashMap<>(); // (address, copy) -> value

        Model(Scenario scenario) {
            for (int cpu = 0; cpu < CPUS; cpu++) {
                if (!scenario.offline().contains(cpu)) {
                    online.add(cpu);
                }
            }
            allowlist = scenario.allowlist();
            for (int r = 0; r < MODEL_REGISTERS.size(); r++) {
                ModelRegister register = MODEL_REGISTERS.get(r);
                for (int cpu = 0; cpu < CPUS; cpu++) {
                    // Each copy starts from the value poked through its lowest CPU.
                    values.putIfAbsent(key(register, cpu), scenario.initialValues()[r * CPUS + cpu] & register.valueBits());
                }
            }
        }

        static List<Long> key(ModelRegister register, int cpu) {
            return List.of(register.address(), (long) register.copy(cpu));
        }

        static ModelRegister register(long msr) {
            return MODEL_REGISTERS.stream().filter(r -> r.address() == msr).findFirst().orElse(null);
        }

        /** Contract steps 4 to 6. Fills err/msrdata/wmask as the ops come back; returns the ioctl result. */
        int batch(List<Op> ops, int[] err, long[] data, long[] wmask) {
            int lastFailure = 0;
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                err[i] = 0;
                data[i] = op.read() ? BatchBuffer.UNTOUCHED : op.data();
                wmask[i] = BatchBuffer.UNTOUCHED;
                if (op.cpu() >= CPUS || !online.contains(op.cpu())) {
                    err[i] = -6; // ENXIO
                } else if (!allowlist.containsKey(op.msr())) {
                    err[i] = -13; // EACCES
                } else {
                    wmask[i] = allowlist.get(op.msr());
                    if (!op.read() && wmask[i] == 0) {
                        err[i] = -30; // EROFS
                    }
                }
                if (err[i] != 0) {
                    lastFailure = err[i];
                }
            }
            if (lastFailure != 0) {
                return lastFailure;
            }
            int firstFailure = 0;
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                ModelRegister register = register(op.msr());
                if (register == null) {
                    err[i] = -5; // EIO: rdmsr faults
                } else {
                    long old = values.get(key(register, op.cpu()));
                    if (op.read()) {
                        data[i] = old;
                    } else if (!wrmsr(register, op.cpu(), (op.data() & wmask[i]) | (old & ~wmask[i]))) {
                        err[i] = -5;
                    }
                }
                if (firstFailure == 0) {
                    firstFailure = err[i];
                }
            }
            return firstFailure;
        }

        /** pread of 8 bytes: 8 and the value, or -errno and the buffer as it was. */
        Call perCpuRead(int cpu, long msr) {
            if (!allowlist.containsKey(msr)) {
                return Call.failed(-13, BatchBuffer.UNTOUCHED);
            }
            if (!online.contains(cpu)) {
                return Call.failed(-6, BatchBuffer.UNTOUCHED);
            }
            ModelRegister register = register(msr);
            return register == null ? Call.failed(-5, BatchBuffer.UNTOUCHED) : new Call(8, values.get(key(register, cpu)));
        }

        /** pwrite of 8 bytes: 8, or -errno; the buffer is never changed. */
        Call perCpuWrite(int cpu, long msr, long data) {
            long mask = allowlist.getOrDefault(msr, 0L);
            if (mask == 0) {
                return Call.failed(-13, data); // EACCES, not EROFS, on the per-CPU device
            }
            if (!online.contains(cpu)) {
                return Call.failed(-6, data);
            }
            ModelRegister register = register(msr);
            if (register == null) {
                return Call.failed(-5, data);
            }
            long value = mask == -1L ? data : (data & mask) | (values.get(key(register, cpu)) & ~mask);
            return new Call(wrmsr(register, cpu, value) ? 8 : -5, data);
        }

        private boolean wrmsr(ModelRegister register, int cpu, long value) {
            if (!register.writable() || (value & register.reserved()) != 0) {
                return false;
            }
            values.put(key(register, cpu), value);
            return true;
        }
    }

    // ---------------------------------------------------------------- wiring

    static SimKernel kernelFor(Scenario scenario) {
        List<AllowlistEntry> entries = new ArrayList<>();
        scenario.allowlist().forEach((address, mask) -> entries.add(new AllowlistEntry(address, mask)));
        SimKernel kernel = new SimKernel(CPUS, THREADS_PER_CORE, CPUS_PER_PACKAGE,
                scenario.offline().stream().mapToInt(Integer::intValue).toArray(),
                simulatorRegisters(), entries, () -> 42L);
        // Highest CPU first, so the lowest CPU of each shared copy sets it last (as the model assumes).
        for (int r = 0; r < MODEL_REGISTERS.size(); r++) {
            ModelRegister register = MODEL_REGISTERS.get(r);
            for (int cpu = CPUS - 1; cpu >= 0; cpu--) {
                kernel.poke(cpu, register.address(), scenario.initialValues()[r * CPUS + cpu] & register.valueBits());
            }
        }
        return kernel;
    }

    static void assertSameRegisters(Model model, SimKernel kernel) {
        for (ModelRegister register : MODEL_REGISTERS) {
            for (int cpu = 0; cpu < CPUS; cpu++) {
                int c = cpu;
                assertEquals((long) model.values.get(Model.key(register, cpu)), kernel.peek(cpu, register.address()),
                        () -> "register " + Long.toHexString(register.address()) + " on CPU " + c + " afterwards");
            }
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Set<Integer>> offline = Arbitraries.integers().between(0, CPUS - 1).set().ofMaxSize(3);
        Arbitrary<Long> mask = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(-1L)),
                Tuple.of(3, Arbitraries.just(0L)),
                Tuple.of(2, Arbitraries.of(0xFFFFL, 0xFFFF_FFFFL, 0x00FF_FF00L)),
                Tuple.of(2, Arbitraries.longs()));
        // Each address: not listed (null), or listed with a mask; order of install is kept.
        Arbitrary<Map<Long, Long>> allowlist = mask.injectNull(0.25).list().ofSize(ADDRESSES.size()).map(masks -> {
            Map<Long, Long> list = new LinkedHashMap<>();
            for (int i = 0; i < ADDRESSES.size(); i++) {
                if (masks.get(i) != null) {
                    list.put(ADDRESSES.get(i), masks.get(i));
                }
            }
            return list;
        });
        Arbitrary<long[]> initial = smallOrAnyLong().array(long[].class).ofSize(MODEL_REGISTERS.size() * CPUS);
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.frequencyOf(
                        Tuple.of(12, Arbitraries.integers().between(0, CPUS - 1)),
                        Tuple.of(1, Arbitraries.integers().between(CPUS, CPUS + 3)),
                        Tuple.of(1, Arbitraries.just(65535))),
                Arbitraries.of(ADDRESSES),
                Arbitraries.integers().between(0, 2).map(i -> i != 0), // reads twice as often as writes
                smallOrAnyLong()).as(Op::new);
        Arbitrary<List<Op>> ops = op.list().ofMinSize(1).ofMaxSize(24);
        return Combinators.combine(offline, allowlist, initial, ops).as(Scenario::new);
    }

    @Provide
    Arbitrary<List<Integer>> onlineToggles() {
        // -1 = no change; otherwise flip that CPU before the call.
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(-1)),
                Tuple.of(1, Arbitraries.integers().between(0, CPUS - 1))).list().ofMinSize(1).ofMaxSize(24);
    }

    /** Values that mostly avoid the high reserved bits, so that writes succeed often enough. */
    static Arbitrary<Long> smallOrAnyLong() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.longs().between(0, 0xFFFF)),
                Tuple.of(2, Arbitraries.longs().between(0, 0xFFFF_FFFFL)),
                Tuple.of(1, Arbitraries.longs()));
    }

    static String hexMap(Map<Long, Long> map) {
        StringBuilder text = new StringBuilder("{");
        map.forEach((k, v) -> text.append(text.length() > 1 ? ", " : "").append(Long.toHexString(k)).append('/')
                .append(Long.toHexString(v)));
        return text.append('}').toString();
    }
}
