package io.github.msrsafe.internal.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MsrStructsTest {
    @Test
    void ioctlNumberMatchesTheDocumentedValue() {
        assertEquals(0xC01063A2L, MsrStructs.X86_IOC_MSR_BATCH);
        assertEquals(32, MsrStructs.BATCH_OP.byteSize());
        assertEquals(16, MsrStructs.BATCH_ARRAY.byteSize());
        assertEquals(131_072, MsrStructs.MAX_OPS_PER_IOCTL);
    }

    @Property(tries = 50)
    void opFieldsLandAtTheirOffsets(@ForAll @IntRange(min = 0, max = 7) int index) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            var ops = arena.allocate(MsrStructs.BATCH_OP, 8);
            MsrStructs.OP_MSRDATA.set(ops, 0L, (long) index, 0x1122334455667788L);
            assertEquals(0x1122334455667788L,
                    ops.get(java.lang.foreign.ValueLayout.JAVA_LONG, index * 32L + MsrStructs.opOffset("msrdata")));
        }
    }
}
