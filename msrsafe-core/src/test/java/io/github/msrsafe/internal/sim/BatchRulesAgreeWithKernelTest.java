package io.github.msrsafe.internal.sim;

import static io.github.msrsafe.internal.sim.BatchRulesTest.ALLOWLIST;
import static io.github.msrsafe.internal.sim.BatchRulesTest.CPUS;
import static io.github.msrsafe.internal.sim.BatchRulesTest.OFFLINE_CPU;
import static io.github.msrsafe.internal.sim.BatchRulesTest.REGISTERS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.msrsafe.internal.abi.BatchAbi;
import io.github.msrsafe.internal.abi.BatchBuffer;
import io.github.msrsafe.internal.abi.MsrStructs;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.ErrnoException;
import io.github.msrsafe.internal.sys.OpenFlags;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The 1.8 rules run on a machine of their own and the simulated kernel's batch ioctl give
 * the same per-op results, return value and registers for any batch: the rules are the
 * kernel's behaviour, ready to be its one implementation.
 */
class BatchRulesAgreeWithKernelTest {

    record Op(int cpu, long msr, boolean read, long data) {}

    @Provide
    Arbitrary<List<Op>> batches() {
        Arbitrary<Integer> cpu = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(0, CPUS - 1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(CPUS, 0xFFFF)));
        Arbitrary<Long> msr = Arbitraries.of(BatchRulesTest.TSC, BatchRulesTest.PERF_CTL, BatchRulesTest.THERM,
                BatchRulesTest.MISC, BatchRulesTest.ENERGY, BatchRulesTest.PHANTOM, BatchRulesTest.UNLISTED,
                BatchRulesTest.PTHERM);
        Arbitrary<Long> data = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(0, 0xFF));
        Arbitrary<Op> op = Combinators.combine(cpu, msr, Arbitraries.of(true, false), data).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 300)
    void theSameBatchGivesTheSameResults(@ForAll("batches") List<Op> batch) throws ErrnoException {
        AtomicLong nanos = new AtomicLong(5_000);
        SimKernel kernel = new SimKernel(CPUS, 1, CPUS, new int[] {OFFLINE_CPU}, REGISTERS, ALLOWLIST, nanos::get);
        BatchRulesTest.TestMachine machine = new BatchRulesTest.TestMachine(nanos::get);
        machine.online[OFFLINE_CPU] = false;
        nanos.addAndGet(1_234_567);
        try (Arena arena = Arena.ofConfined(); BatchBuffer viaKernel = new BatchBuffer(batch.size());
             BatchDevice device = kernel.openBatch(OpenFlags.O_RDONLY)) {
            MemorySegment ops = arena.allocate(MsrStructs.BATCH_OP, batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Op op = batch.get(i);
                viaKernel.op(i, op.cpu(), op.msr(), op.read(), op.data());
                MemorySegment.copy(viaKernel.ops, i * MsrStructs.OP_SIZE, ops, i * MsrStructs.OP_SIZE, MsrStructs.OP_SIZE);
            }
            int kernelResult = viaKernel.run(device);
            int rulesResult = BatchRules.V1.run(machine, ops, batch.size());
            assertEquals(kernelResult, rulesResult, "return value");
            for (int i = 0; i < batch.size(); i++) {
                assertEquals(viaKernel.err(i), BatchAbi.V1.err(ops, i), "err of op " + i);
                assertEquals(viaKernel.data(i), BatchAbi.V1.msrdata(ops, i), "msrdata of op " + i);
                assertEquals(viaKernel.wmask(i), BatchAbi.V1.wmask(ops, i), "wmask of op " + i);
            }
            for (int cpu = 0; cpu < CPUS; cpu++) {
                for (var register : REGISTERS) {
                    assertEquals(kernel.peek(cpu, register.address()), machine.value(cpu, register.address()),
                            register.name() + " on CPU " + cpu);
                }
            }
        }
    }
}
