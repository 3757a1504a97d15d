package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The meter the zero-allocation tests rely on sees an allocation that no JIT can remove. */
class AllocationMeterTest {

    private static volatile Object escaped;

    @Test
    void anAllocationThatEscapesIsCountedOnceTheJitHasSettled() throws Exception {
        long bytes = AllocationMeter.fewestBytes(1_000, 100, 3, () -> escaped = new long[8]);
        // 100 arrays of 8 longs: at least 100 * 64 bytes of elements.
        assertTrue(bytes >= 100 * 64, bytes + " bytes");
    }

    @Test
    void nothingAllocatedIsZero() throws Exception {
        long[] sink = new long[1];
        assertEquals(0, AllocationMeter.fewestBytes(1_000, 100, 3, () -> sink[0]++));
    }
}
