package io.github.msrsafe.internal.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.msrsafe.ModuleVersion;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BatchAbiTest {

    @Test
    void theTwoLayoutsAndTheirLimits() {
        assertEquals(32, BatchAbi.V1.opSize());
        assertEquals(88, BatchAbi.V2.opSize());
        assertEquals(131_072, BatchAbi.V1.maxOpsPerIoctl());
        assertEquals(47_662, BatchAbi.V2.maxOpsPerIoctl());
        for (BatchAbi abi : BatchAbi.values()) {
            // the most that fits in the module's 4 MiB allocation, and not one op less
            long bytes = abi.maxOpsPerIoctl() * abi.opSize();
            assertEquals(true, bytes <= 4L << 20 && bytes + abi.opSize() > 4L << 20, abi + ": " + bytes);
        }
        assertEquals(8, MsrStructs.BATCH_OP_V2.byteAlignment());
    }

    @Test
    void theLoadedModulesMajorChoosesTheLayout() {
        assertSame(BatchAbi.V2, BatchAbi.forModule(new ModuleVersion(2, 0, 4)));
        assertSame(BatchAbi.V2, BatchAbi.forModule(new ModuleVersion(2, 3, 0)));
        assertSame(BatchAbi.V1, BatchAbi.forModule(new ModuleVersion(1, 8, 0)));
        assertSame(BatchAbi.V1, BatchAbi.forModule(new ModuleVersion(1, 6, 2)));
        assertSame(BatchAbi.V1, BatchAbi.forModule(null), "no version file: msr_safe before 1.6, or stock msr");
        assertSame(BatchAbi.V1, BatchAbi.forModule(new ModuleVersion(3, 0, 0)), "unknown majors get 1.x");
        assertSame(BatchAbi.V1, BatchAbi.forModule(new ModuleVersion(0, 9, 0)));
    }

    @Test
    void theVersionWordIsTheModulesOwnWhenItsMajorMatchesAndNeverZero() {
        assertEquals(0x0002_0004, BatchAbi.V2.versionWord(new ModuleVersion(2, 0, 4)));
        assertEquals(0x0002_0100, BatchAbi.V2.versionWord(new ModuleVersion(2, 1, 0)));
        assertEquals(0x0001_0800, BatchAbi.V1.versionWord(new ModuleVersion(1, 8, 0)));
        assertEquals(0x0001_0703, BatchAbi.V1.versionWord(new ModuleVersion(1, 7, 3)));
        // unknown or another major: the layout's own reference version, so that a module that
        // checks the field sees which layout it is given
        assertEquals(0x0001_0800, BatchAbi.V1.versionWord(null));
        assertEquals(0x0001_0800, BatchAbi.V1.versionWord(new ModuleVersion(3, 0, 0)));
        assertEquals(0x0001_0800, BatchAbi.V1.versionWord(new ModuleVersion(0, 0, 0)));
        assertEquals(0x0002_0004, BatchAbi.V2.versionWord(null));
    }

    @Property(tries = 200)
    void everyWordSentNamesItsOwnLayoutAndIsNotZero(@ForAll @IntRange(min = 0, max = 0xFFFF) int major,
            @ForAll @IntRange(min = 0, max = 255) int minor, @ForAll @IntRange(min = 0, max = 255) int patch) {
        ModuleVersion module = new ModuleVersion(major, minor, patch);
        BatchAbi abi = BatchAbi.forModule(module);
        int word = abi.versionWord(module);
        assertNotEquals(0, word);
        assertSame(abi, BatchAbi.forVersionWord(word), "a 2.x module must read the layout we wrote");
    }

    @Test
    void theModuleComparesOnlyBits23To16() {
        assertEquals(2, BatchAbi.majorOf(0x0002_0004));
        assertEquals(2, BatchAbi.majorOf(0x7F02_FFFF));
        assertEquals(0, BatchAbi.majorOf(0));
        assertEquals(1, BatchAbi.majorOf(0x0001_0800));
        assertSame(BatchAbi.V2, BatchAbi.forVersionWord(0xAB02_0000));
        assertSame(BatchAbi.V1, BatchAbi.forVersionWord(0));
        assertEquals("2.0.4", BatchAbi.describeWord(0x0002_0004));
        assertEquals("0.0.0", BatchAbi.describeWord(0));
    }

    @ParameterizedTest
    @EnumSource(BatchAbi.class)
    void accessorsLandOnTheNamedFields(BatchAbi abi) {
        var layout = abi.opLayout();
        String opWordName = abi == BatchAbi.V1 ? "isrdmsr" : "op";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ops = arena.allocate(layout, 3);
            long i = 2;
            abi.setCpu(ops, i, 0xFFFE);
            abi.setOpWord(ops, i, 0x8001);
            abi.setErr(ops, i, -5);
            abi.setMsr(ops, i, 0xC000_0080L);
            abi.setMsrdata(ops, i, 0x1122_3344_5566_7788L);
            abi.setWmask(ops, i, 0xFFFF_0000_FFFF_0000L);
            long base = i * abi.opSize();
            assertEquals((short) 0xFFFE, ops.get(ValueLayout.JAVA_SHORT, base + offset(layout, "cpu")));
            assertEquals((short) 0x8001, ops.get(ValueLayout.JAVA_SHORT, base + offset(layout, opWordName)));
            assertEquals(-5, ops.get(ValueLayout.JAVA_INT, base + offset(layout, "err")));
            assertEquals(0xC000_0080, ops.get(ValueLayout.JAVA_INT, base + offset(layout, "msr")));
            assertEquals(0x1122_3344_5566_7788L, ops.get(ValueLayout.JAVA_LONG, base + offset(layout, "msrdata")));
            assertEquals(0xFFFF_0000_FFFF_0000L, ops.get(ValueLayout.JAVA_LONG, base + offset(layout, "wmask")));
            assertEquals(0xFFFE, abi.cpu(ops, i));
            assertEquals(0x8001, abi.opWord(ops, i));
            assertEquals(-5, abi.err(ops, i));
            assertEquals(0xC000_0080L, abi.msr(ops, i));
            assertEquals(0x1122_3344_5566_7788L, abi.msrdata(ops, i));
            assertEquals(0xFFFF_0000_FFFF_0000L, abi.wmask(ops, i));
            assertEquals(0, abi.cpu(ops, 1), "the neighbouring op is untouched");
        }
    }

    // fill writes whole 8-byte words: each named field must get exactly its value, and
    // nothing outside the fields it fills may change.
    @ParameterizedTest
    @EnumSource(BatchAbi.class)
    void fillWritesEveryFieldItNamesAndNothingElse(BatchAbi abi) {
        var layout = abi.opLayout();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ops = arena.allocate(layout, 3);
            ops.fill((byte) 0x5A);
            long i = 1;
            abi.fill(ops, i, 0xFFFE, 0x8001, 0xC000_0080L, 0x1122_3344_5566_7788L);
            assertEquals(0xFFFE, abi.cpu(ops, i));
            assertEquals(0x8001, abi.opWord(ops, i));
            assertEquals(0, abi.err(ops, i));
            assertEquals(0xC000_0080L, abi.msr(ops, i));
            assertEquals(0x1122_3344_5566_7788L, abi.msrdata(ops, i));
            assertEquals(0, abi.wmask(ops, i));
            if (abi == BatchAbi.V2) {
                assertEquals(0, (int) MsrStructs.OP2_POLL_MAX.get(ops, 0L, i));
                for (String kept : new String[] {"msrdata2", "tsc", "mperf", "aperf", "therm", "ptherm", "tag"}) {
                    assertEquals(0x5A5A_5A5A_5A5A_5A5AL,
                            ops.get(ValueLayout.JAVA_LONG, i * abi.opSize() + offset(layout, kept)), kept);
                }
            }
            for (long op : new long[] {0, 2}) {
                for (long b = 0; b < abi.opSize(); b++) {
                    assertEquals((byte) 0x5A, ops.get(ValueLayout.JAVA_BYTE, op * abi.opSize() + b),
                            "byte " + b + " of neighbouring op " + op);
                }
            }
        }
    }

    @Test
    void v2OnlyFieldsHaveTheirOffsets() {
        assertEquals(8, MsrStructs.op2Offset("poll_max"));
        assertEquals(12, MsrStructs.op2Offset("msr"));
        assertEquals(16, MsrStructs.op2Offset("wmask"));
        assertEquals(24, MsrStructs.op2Offset("msrdata"));
        assertEquals(32, MsrStructs.op2Offset("msrdata2"));
        assertEquals(40, MsrStructs.op2Offset("tsc"));
        assertEquals(48, MsrStructs.op2Offset("mperf"));
        assertEquals(56, MsrStructs.op2Offset("aperf"));
        assertEquals(64, MsrStructs.op2Offset("therm"));
        assertEquals(72, MsrStructs.op2Offset("ptherm"));
        assertEquals(80, MsrStructs.op2Offset("tag"));
        assertEquals(0xF8, MsrStructs.OP_FLAGS_TIMESTAMPS);
        assertEquals(0, MsrStructs.OP_FLAGS_KNOWN & MsrStructs.OP_FLAG_DELTA_HINTS);
    }

    @Test
    void v2FlagsTheModuleWouldMishandleAreRefused() {
        int read = MsrStructs.OP_FLAG_READ;
        int write = MsrStructs.OP_FLAG_WRITE;
        int poll = MsrStructs.OP_FLAG_POLL;
        int tsc = MsrStructs.OP_FLAG_TSC;
        assertEquals(read, BatchAbi.checkV2Flags(read));
        assertEquals(write | MsrStructs.OP_FLAGS_TIMESTAMPS, BatchAbi.checkV2Flags(write | MsrStructs.OP_FLAGS_TIMESTAMPS));
        assertEquals(poll | tsc, BatchAbi.checkV2Flags(poll | tsc));
        assertEquals(read | poll, BatchAbi.checkV2Flags(read | poll));
        var unknown = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> BatchAbi.checkV2Flags(read | 0x4000));
        assertEquals("op flags 0x4002 have bits the module does not act on (0x4000)", unknown.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> BatchAbi.checkV2Flags(read | MsrStructs.OP_FLAG_DELTA_HINTS));
        var none = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> BatchAbi.checkV2Flags(tsc));
        assertEquals("op flags 0x20 ask for no read, write or poll: the module would do nothing with the op's register",
                none.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> BatchAbi.checkV2Flags(0));
        var readWrite = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> BatchAbi.checkV2Flags(read | write));
        assertEquals("op flags 0x3 combine a write with a read: the module would write the old value back, not the one given",
                readWrite.getMessage());
        var pollWrite = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> BatchAbi.checkV2Flags(poll | write | tsc));
        assertEquals(true, pollWrite.getMessage().contains("a write with a poll"), pollWrite.getMessage());
    }

    private static long offset(MemoryLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }
}
