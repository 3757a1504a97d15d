package io.github.msrsafe.internal.nativeio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Set;
import java.util.StringJoiner;
import java.util.stream.Stream;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The kernel's CPU list format, as /sys/devices/system/cpu/online prints it. */
class CpuListTest {

    @Example
    void rangesAndSingleCpus() {
        assertEquals(bits(0, 1, 2, 3, 5, 8, 9, 10, 11), NativeDeviceFiles.parseCpuList("0-3,5,8-11\n"));
        assertEquals(bits(0), NativeDeviceFiles.parseCpuList("0\n"));
        assertEquals(bits(), NativeDeviceFiles.parseCpuList("\n"));
        assertEquals(bits(7), NativeDeviceFiles.parseCpuList("7-7"));
    }

    @Example
    void anythingElseIsRefusedNamingTheBadPart() {
        for (String bad : new String[] {"a", "3-1", "1,,2", "-1", "1-", "01", "1 2", "0-3,"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> NativeDeviceFiles.parseCpuList(bad), bad);
            assertTrue(refused.getMessage().contains("'" + bad + "'") || refused.getMessage().contains(bad),
                    refused.getMessage());
        }
    }

    @Property(tries = 200, seed = "20260101")
    void whatTheKernelPrintsParsesBack(@ForAll @Size(max = 40) Set<@IntRange(max = 300) Integer> cpus) {
        BitSet expected = new BitSet();
        cpus.forEach(expected::set);
        assertEquals(expected, NativeDeviceFiles.parseCpuList(kernelFormat(expected) + "\n"));
    }

    @Example
    void directoryNamesThatAreCpuNumbers() {
        assertEquals(0, NativeDeviceFiles.cpuNumber("0"));
        assertEquals(127, NativeDeviceFiles.cpuNumber("127"));
        assertEquals(65535, NativeDeviceFiles.cpuNumber("65535"));
        for (String name : new String[] {"", "00", "012", "cpu0", "1a", "msr_batch", "1234567890", "65536",
                "99999", "999999999"}) {
            assertEquals(-1, NativeDeviceFiles.cpuNumber(name), name);
        }
    }

    // A directory named like a huge CPU number is not a CPU: it used to size the handle's
    // per-CPU tables (a 4 GB array for 999999999) and end the open with OutOfMemoryError.
    @Example
    void aDirectoryNamedBeyondTheLastAddressableCpuIsNotACpu() throws Exception {
        Path root = Files.createTempDirectory("msrsafe-cpus");
        try {
            for (String cpu : new String[] {"0", "999999999", "70000"}) {
                Files.createDirectories(root.resolve(cpu));
                Files.createFile(root.resolve(cpu).resolve("msr_safe"));
            }
            try (NativeDeviceFiles files = NativeDeviceFiles.open(root)) {
                assertArrayEquals(new int[] {0}, files.onlineCpus());
            }
        } finally {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    // Runs of consecutive CPUs as "a-b", single ones as "a", comma-separated.
    private static String kernelFormat(BitSet cpus) {
        StringJoiner list = new StringJoiner(",");
        for (int first = cpus.nextSetBit(0); first >= 0; ) {
            int end = cpus.nextClearBit(first);
            list.add(end - 1 == first ? Integer.toString(first) : first + "-" + (end - 1));
            first = cpus.nextSetBit(end);
        }
        return list.toString();
    }

    private static BitSet bits(int... cpus) {
        BitSet set = new BitSet();
        for (int cpu : cpus) {
            set.set(cpu);
        }
        return set;
    }
}
