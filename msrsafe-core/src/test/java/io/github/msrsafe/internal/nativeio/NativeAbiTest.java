package io.github.msrsafe.internal.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.github.msrsafe.internal.abi.BatchAbi;
import io.github.msrsafe.internal.abi.MsrStructs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C compiler's view of native-headers/msr_safe.h and msr_safe_v2.h against
 * MsrStructs and BatchAbi: every struct size and alignment, every field's offset
 * and size (matched by name), the ioctl number, the 2.x op flags and limits; and
 * that the headers are plain C11.
 */
class NativeAbiTest {

    private static Map<String, Long> probe;

    @BeforeAll
    static void runProbe() throws IOException {
        if (!NativeTestSupport.gccAvailable()) {
            return;
        }
        NativeTestSupport.Result result = NativeTestSupport.run(
                List.of(NativeTestSupport.executable("abi_probe.c").toString()));
        assertEquals(0, result.exitCode(), result.output());
        probe = new HashMap<>();
        for (String line : result.output().strip().split("\n")) {
            String[] keyValue = line.split(" ");
            assertEquals(2, keyValue.length, "probe line: " + line);
            probe.put(keyValue[0], Long.parseUnsignedLong(keyValue[1]));
        }
    }

    @BeforeEach
    void needsGcc() {
        NativeTestSupport.assumeGcc();
    }

    @Test
    void batchOpMatchesTheHeader() {
        assertStructMatches(MsrStructs.BATCH_OP);
    }

    @Test
    void batchOpV2MatchesTheHeader() {
        assertStructMatches(MsrStructs.BATCH_OP_V2);
    }

    @Test
    void eachAbiDescribesItsOwnHeader() {
        assertEquals(probe("struct.msr_batch_op.size"), BatchAbi.V1.opSize());
        assertEquals(probe("struct.msr_batch_op_v2.size"), BatchAbi.V2.opSize());
        assertEquals(probe("const.MSR_BATCH_MAX_OPS_V2"), BatchAbi.V2.maxOpsPerIoctl());
        assertEquals(probe("const.MSR_SAFE_VERSION_U32_2_0_4"), BatchAbi.V2.referenceVersion().u32());
        assertEquals(probe("const.MSR_SAFE_VERSION_MAJOR_2_0_4"),
                BatchAbi.majorOf(BatchAbi.V2.referenceVersion().u32()));
    }

    @Test
    void opFlagsMatchTheHeader() {
        assertEquals(probe("const.MSR_BATCH_OP_WRITE"), MsrStructs.OP_FLAG_WRITE);
        assertEquals(probe("const.MSR_BATCH_OP_READ"), MsrStructs.OP_FLAG_READ);
        assertEquals(probe("const.MSR_BATCH_OP_POLL"), MsrStructs.OP_FLAG_POLL);
        assertEquals(probe("const.MSR_BATCH_OP_MPERF"), MsrStructs.OP_FLAG_MPERF);
        assertEquals(probe("const.MSR_BATCH_OP_APERF"), MsrStructs.OP_FLAG_APERF);
        assertEquals(probe("const.MSR_BATCH_OP_TSC"), MsrStructs.OP_FLAG_TSC);
        assertEquals(probe("const.MSR_BATCH_OP_THERM"), MsrStructs.OP_FLAG_THERM);
        assertEquals(probe("const.MSR_BATCH_OP_PTHERM"), MsrStructs.OP_FLAG_PTHERM);
        assertEquals(probe("const.MSR_BATCH_OP_DELTA_HINTS"), MsrStructs.OP_FLAG_DELTA_HINTS);
    }

    @Test
    void bothHeadersAreStrictC11(@TempDir Path dir) throws IOException {
        Path source = Files.writeString(dir.resolve("both.c"),
                "#include \"msr_safe.h\"\n#include \"msr_safe_v2.h\"\n"
                + "struct msr_batch_op_v2 v2ops[2];\n"
                + "struct msr_batch_array array = { 2, MSR_SAFE_VERSION_U32(2, 0, 4), (struct msr_batch_op *)v2ops };\n"
                + "int main(void) { return (int)sizeof array - 16; }\n");
        for (String standard : List.of("-std=c11", "-std=c17")) {
            NativeTestSupport.Result result = NativeTestSupport.run(List.of(NativeTestSupport.compiler(), standard,
                    "-pedantic-errors", "-Wall", "-Wextra", "-Werror", "-fsyntax-only",
                    "-I", NativeTestSupport.headersDir().toString(), source.toString()));
            assertEquals(0, result.exitCode(), standard + ": " + result.output());
        }
    }

    @Test
    void batchArrayMatchesTheHeader() {
        assertStructMatches(MsrStructs.BATCH_ARRAY);
    }

    @Test
    void ioctlNumberMatchesTheHeader() {
        assertEquals(probe("ioctl.X86_IOC_MSR_BATCH"), MsrStructs.X86_IOC_MSR_BATCH);
    }

    @Test
    void theProbeAndTheLayoutsNameTheSameFields() {
        Set<String> javaFields = new TreeSet<>();
        for (StructLayout struct : List.of(MsrStructs.BATCH_OP, MsrStructs.BATCH_OP_V2, MsrStructs.BATCH_ARRAY)) {
            for (MemoryLayout member : struct.memberLayouts()) {
                member.name().ifPresent(name -> javaFields.add(struct.name().orElseThrow() + "." + name));
            }
        }
        Set<String> cFields = probe.keySet().stream()
                .filter(key -> key.startsWith("field.") && key.endsWith(".offset"))
                .map(key -> key.substring("field.".length(), key.length() - ".offset".length()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(cFields, javaFields);
    }

    private static void assertStructMatches(StructLayout struct) {
        String name = struct.name().orElseThrow();
        assertEquals(probe("struct." + name + ".size"), struct.byteSize(), name + " size");
        assertEquals(probe("struct." + name + ".align"), struct.byteAlignment(), name + " alignment");
        int fields = 0;
        for (MemoryLayout member : struct.memberLayouts()) {
            if (member.name().isEmpty()) {
                continue; // padding: covered by the offsets of the fields around it
            }
            String field = member.name().get();
            String key = "field." + name + "." + field;
            long offset = struct.byteOffset(MemoryLayout.PathElement.groupElement(field));
            assertEquals(probe(key + ".offset"), offset, key + " offset");
            assertEquals(probe(key + ".size"), member.byteSize(), key + " size");
            fields++;
        }
        int expected = switch (name) {
            case "msr_batch_op" -> 6;
            case "msr_batch_op_v2" -> 14;
            default -> 3;
        };
        assertEquals(expected, fields, "named fields of " + name);
    }

    private static long probe(String key) {
        Long value = probe.get(key);
        assertNotNull(value, "the probe printed no " + key + "; it printed " + probe.keySet());
        return value;
    }
}
