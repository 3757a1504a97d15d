package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuRangesTest {

    @Test
    void formatsRunsAsRanges() {
        assertEquals("0-3,5,8-11", CpuRanges.format(List.of(0, 1, 2, 3, 5, 8, 9, 10, 11)));
        assertEquals("7", CpuRanges.format(List.of(7)));
        assertEquals("1-2,5", CpuRanges.format(List.of(5, 2, 1, 2)));
        assertEquals("none", CpuRanges.format(List.of()));
    }

    @Test
    void parsesTheSysfsOnlineFile() {
        assertEquals(List.of(0, 1, 2, 3, 5), CpuRanges.parse("0-3,5\n"));
        assertEquals(List.of(), CpuRanges.parse("\n"));
        assertEquals(List.of(), CpuRanges.parse("none"));
        assertEquals(List.of(1, 2, 5), CpuRanges.parseUnordered(" 5, 1-2 ,2 "));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1-x      | CPU list '1-x': 'x' is not a CPU number",
            "-1       | CPU list '-1': '-1' is not a CPU number",
            "1,,2     | CPU list '1,,2' has an empty element",
            "3-1      | CPU list '3-1': range 3-1 runs backwards (CPUs must be ascending)",
            "3,1      | CPU list '3,1': CPUs must be ascending ('1' follows 3)",
            "0-3,2    | CPU list '0-3,2': CPUs must be ascending ('2' follows 3)",
            "9999999999 | CPU list '9999999999': CPU 9999999999 is above 65535, the largest CPU number msr_safe can address",
            "0-65536    | CPU list '0-65536': CPU 65536 is above 65535, the largest CPU number msr_safe can address"})
    void strictParsingNamesTheFault(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> CpuRanges.parse(text)).getMessage());
    }

    @Test
    void lenientParsingStillRefusesWhatIsNotAList() {
        assertEquals("the CPU list is empty",
                assertThrows(IllegalArgumentException.class, () -> CpuRanges.parseUnordered(" ")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CpuRanges.parseUnordered("2-1"));
    }

    @Test
    void aRangeIsCheckedBeforeItIsExpanded() {
        // 0-999999999 once took minutes and gigabytes: a billion Integers were made, then range-checked.
        for (String list : List.of("0-999999999", "0-99999999999999999999", "5,0-70000")) {
            IllegalArgumentException strict = assertThrows(IllegalArgumentException.class, () -> CpuRanges.parse(list));
            assertTrue(strict.getMessage().contains(" is above 65535, the largest CPU number msr_safe can address"),
                    strict.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CpuRanges.parseUnordered(list));
        }
        assertEquals(CpuRanges.MAX_CPU + 1, CpuRanges.parse("0-65535").size());
        assertEquals(List.of(65535), CpuRanges.parseUnordered("00065535"));
    }

    @Test
    void repeatsOfAWideRangeCostTheirTextNotTheirWidth() {
        // 100,000 repeats of every CPU: expanding each would be 6.5 billion insertions.
        String list = String.join(",", Collections.nCopies(100_000, "0-65535"));
        assertEquals(CpuRanges.MAX_CPU + 1, CpuRanges.parseUnordered(list).size());
        String tooMany = String.join(",", Collections.nCopies(2 * 65536 + 1, "7"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CpuRanges.parseUnordered(tooMany)).getMessage()
                .endsWith("' has more than 131072 elements; name each CPU at most twice (there are at most 65536)"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuRanges.parse(list));
        assertTrue(e.getMessage().startsWith("CPU list '0-65535,0-65535,") && e.getMessage().contains("... (799999 characters)"),
                e.getMessage());
    }

    @Property
    void formatThenParseIsIdentity(@ForAll @Size(max = 40) Set<@IntRange(max = 300) Integer> cpus) {
        List<Integer> sorted = List.copyOf(new TreeSet<>(cpus));
        assertEquals(sorted, CpuRanges.parse(CpuRanges.format(cpus)));
        assertEquals(sorted.isEmpty() ? List.of() : sorted,
                sorted.isEmpty() ? List.of() : CpuRanges.parseUnordered(CpuRanges.format(cpus)));
    }
}
