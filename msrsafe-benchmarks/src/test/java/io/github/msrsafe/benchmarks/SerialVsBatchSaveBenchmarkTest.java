package io.github.msrsafe.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.save.SaveResult;
import io.github.msrsafe.save.StateCapture;
import java.io.IOException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Both save methods the benchmark times must save the same, real register values. */
class SerialVsBatchSaveBenchmarkTest {

    private static SerialVsBatchSaveBenchmark benchmark(String backend, int cpus, int msrsPerCpu) {
        SerialVsBatchSaveBenchmark benchmark = new SerialVsBatchSaveBenchmark();
        benchmark.backend = backend;
        benchmark.cpus = cpus;
        benchmark.msrsPerCpu = msrsPerCpu;
        return benchmark;
    }

    private static void bothSaveTheSameState(SerialVsBatchSaveBenchmark benchmark) throws IOException {
        benchmark.setUp();
        try {
            long[] serial = benchmark.serialSave();
            SaveResult batched = benchmark.batchSaveOnce();
            assertEquals(benchmark.cpus * benchmark.msrsPerCpu, serial.length);
            assertEquals(serial.length, batched.registersRead(), "every register was in the batch");
            assertTrue(batched.failedReads().isEmpty(), batched.failedReads().toString());
            assertArrayEquals(serial, batched.snapshot().slots());
            StateCapture again = benchmark.batchSave();
            assertArrayEquals(serial, again.snapshot().slots());
            assertTrue(again.failedReads().isEmpty(), again.failedReads().toString());
            // The registers hold the workload's seeded values, which are not all alike.
            assertTrue(java.util.Arrays.stream(serial).distinct().count() > serial.length / 2);
        } finally {
            benchmark.tearDown();
        }
    }

    @Test
    void onTheSimulatedDevice() throws IOException {
        bothSaveTheSameState(benchmark("sim", 4, 8));
    }

    @Test
    void onTheNativePath() throws IOException {
        NativeBuild.gccProblem().ifPresent(problem -> Assumptions.abort("gcc not available: " + problem));
        bothSaveTheSameState(benchmark("native", 3, 5));
    }

    @Test
    void theRealDeviceIsRefused() {
        IllegalStateException refused = assertThrows(IllegalStateException.class, benchmark("real", 4, 8)::setUp);
        assertTrue(refused.getMessage().contains("sim and native only"), refused.getMessage());
    }
}
