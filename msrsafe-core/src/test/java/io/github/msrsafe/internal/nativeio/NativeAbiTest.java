package io.github.msrsafe.internal.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.github.msrsafe.internal.abi.MsrStructs;
import java.io.IOException;
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

/**
 * The C compiler's view of native-headers/msr_safe.h against MsrStructs: every
 * struct size and alignment, every field's offset and size (matched by name),
 * and the ioctl number.
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
        for (StructLayout struct : List.of(MsrStructs.BATCH_OP, MsrStructs.BATCH_ARRAY)) {
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
            long offset = name.equals("msr_batch_op") ? MsrStructs.opOffset(field) : MsrStructs.arrayOffset(field);
            assertEquals(probe(key + ".offset"), offset, key + " offset");
            assertEquals(probe(key + ".size"), member.byteSize(), key + " size");
            fields++;
        }
        assertEquals(name.equals("msr_batch_op") ? 6 : 3, fields, "named fields of " + name);
    }

    private static long probe(String key) {
        Long value = probe.get(key);
        assertNotNull(value, "the probe printed no " + key + "; it printed " + probe.keySet());
        return value;
    }
}
