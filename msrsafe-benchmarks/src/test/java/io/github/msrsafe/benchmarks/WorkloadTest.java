package io.github.msrsafe.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrSafeException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The benchmarks' device setup: what they time must be real reads and writes of the expected values. */
class WorkloadTest {

    @Test
    void simulatedWorkloadReadsAndWritesEveryRegister() throws MsrSafeException {
        try (Workload workload = Workload.open(Backend.SIM, 3, 4);
             MsrBatch reads = workload.newReadBatch();
             MsrBatch writes = workload.newWriteBatch()) {
            assertEquals(12, workload.size());
            // CPU-major, registers 8 apart.
            assertEquals(1, workload.cpuOf[4]);
            assertEquals(Workload.FIRST_MSR + 8, workload.msrOf[5]);
            workload.checkReads(reads);
            assertEquals(workload.initialValue[7], workload.msr().read(workload.cpuOf[7], workload.msrOf[7]));
            workload.checkWrites(writes);
            // checkWrites restores the initial values.
            assertEquals(workload.initialValue[7], workload.msr().read(workload.cpuOf[7], workload.msrOf[7]));
            assertNotEquals(workload.initialValue[7], workload.writeValue[7]);
        }
    }

    @Test
    void sameSeedGivesSameValuesOnEveryBackendShape() throws MsrSafeException {
        try (Workload first = Workload.open(Backend.SIM, 2, 2); Workload second = Workload.open(Backend.SIM, 2, 2)) {
            assertEquals(first.initialValue[3], second.initialValue[3]);
        }
    }

    @Test
    void nativeWorkloadMatchesSparseFilesAndTheStandInModule() throws MsrSafeException {
        NativeBuild.gccProblem().ifPresent(problem -> Assumptions.abort("gcc not available: " + problem));
        Path root;
        try (Workload workload = Workload.open(Backend.NATIVE, 2, 3);
             MsrBatch reads = workload.newReadBatch();
             MsrBatch writes = workload.newWriteBatch()) {
            root = workload.sparseRoot().path();
            assertTrue(Files.isRegularFile(root.resolve("1").resolve("msr_safe")));
            workload.checkReads(reads);
            int cpu = workload.cpuOf[4];
            long msr = workload.msrOf[4];
            // A batch write lands in the C module's registers; the per-CPU file keeps its value.
            Workload.requireSucceeded(writes.execute(), writes);
            assertEquals(workload.writeValue[4], BenchModule.register(cpu, msr));
            assertEquals(workload.initialValue[4], workload.msr().read(cpu, msr));
            workload.checkWrites(writes);
            assertEquals(workload.initialValue[4], BenchModule.register(cpu, msr), "checkWrites restores the module");
        }
        assertFalse(Files.exists(root), "close() deletes the sparse tree");
    }

    @Test
    void refusesShapesBeyondTheSeedsBatchSizeAndUnknownBackends() throws MsrSafeException {
        assertThrows(IllegalArgumentException.class, () -> Workload.open(Backend.SIM, 61, 500));
        assertThrows(IllegalArgumentException.class, () -> Workload.open(Backend.SIM, 0, 1));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Backend.byId("rael"));
        assertTrue(unknown.getMessage().contains("sim, native, real"), unknown.getMessage());
    }

    @Test
    void realBackendSaysWhyItIsMissing() {
        Path nowhere = Path.of("/nonexistent-msrsafe-root");
        String reason = Backend.realDeviceProblem(nowhere).orElseThrow();
        assertTrue(reason.contains("msr_batch") && reason.contains("not loaded"), reason);
    }
}
