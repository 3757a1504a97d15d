package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The parsers a user feeds from the command line and from batch files (numbers, CPU lists,
 * batch scripts), on any text: each either answers or refuses with one usage line, and its
 * work (CPU time and allocation of the calling thread, which load does not inflate) is
 * bounded by the length of its input, never by the number the input spells. Numbers are
 * checked against an independent model over BigInteger.
 */
class InputParsersPropertiesTest {

    /** Per input of up to a few hundred characters: generous, yet far below any expansion. */
    static final long SMALL_CPU_NANOS = 200_000_000L;
    static final long SMALL_BYTES = 16L << 20;
    /** For a 10 MB input: well under a second of CPU, a few times its size in memory. */
    static final long LARGE_CPU_NANOS = 1_000_000_000L;
    static final long LARGE_BYTES = 200L << 20;

    /** Runs {@code parse} within the bounds; a refusal must be a usage error of one short line. */
    static <T> T bounded(Callable<T> parse, long cpuNanos, long bytes) {
        Work.Measured<T> run = Work.of(parse);
        assertTrue(run.work().cpuNanos() < cpuNanos && run.work().allocatedBytes() < bytes, () -> run.work().toString());
        if (run.thrown() != null) {
            CliException refusal = (CliException) run.thrown();
            assertEquals(ExitCode.USAGE, refusal.exitCode());
            String message = refusal.getMessage();
            assertTrue(!message.isBlank() && message.length() < 400 && !message.contains("\n"), message);
        }
        return run.result();
    }

    // ---- numbers

    @Provide
    Arbitrary<String> numberLike() {
        Arbitrary<String> digits = Arbitraries.strings().withChars("0123456789abcdefABCDEF_xXbB+- ").ofMaxLength(90);
        Arbitrary<String> prefixed = Combinators.combine(Arbitraries.of("", "0x", "0X", "0b", "+", "+0x", "-", "0", "00"),
                Arbitraries.strings().withChars("0123456789abcdefABCDEF_").ofMaxLength(80)).as(String::concat);
        return Arbitraries.oneOf(digits, prefixed, Arbitraries.strings().ofMaxLength(30));
    }

    /** The documented grammar, over BigInteger: null when the text is refused. */
    static BigInteger model(String text) {
        String t = text.strip();
        if (t.isEmpty() || t.startsWith("-")) {
            return null;
        }
        if (t.startsWith("+")) {
            t = t.substring(1);
        }
        int radix = 10;
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("0x")) {
            radix = 16;
            t = t.substring(2);
        } else if (lower.startsWith("0b")) {
            radix = 2;
            t = t.substring(2);
        } else if (t.length() > 1 && t.charAt(0) == '0' && Character.isDigit(t.charAt(1))) {
            return null;
        }
        if (t.isEmpty() || t.startsWith("_") || t.endsWith("_") || t.contains("__")) {
            return null;
        }
        String plain = t.replace("_", "");
        for (char c : plain.toCharArray()) {
            if (c > 0x7F || Character.digit(c, radix) < 0) {
                return null;
            }
        }
        BigInteger value = new BigInteger(plain, radix);
        return value.bitLength() > 64 ? null : value;
    }

    @Property(tries = 3000)
    void numbersAgreeWithTheModelWithinBounds(@ForAll("numberLike") String text) {
        Long parsed = bounded(() -> Numbers.parseU64(text, "value"), SMALL_CPU_NANOS, SMALL_BYTES);
        BigInteger expected = model(text);
        if (expected == null) {
            assertEquals(null, parsed, text);
        } else {
            assertEquals(expected.longValue(), (long) parsed, text);
        }
    }

    @Property
    void everyValueRoundTripsInEveryNotation(@ForAll long value, @ForAll @IntRange(max = 3) int underscores) {
        String decimal = Long.toUnsignedString(value);
        String hex = "0x" + Long.toHexString(value);
        String binary = "0b" + Long.toBinaryString(value);
        for (String text : List.of(decimal, hex, binary, withUnderscores(hex, underscores), "+" + decimal)) {
            assertEquals(value, Numbers.parseU64(text, "value"), text);
        }
    }

    private static String withUnderscores(String hex, int count) {
        StringBuilder text = new StringBuilder(hex);
        for (int i = 0; i < count && text.length() > 3; i++) {
            int at = 3 + i * 2;
            if (at < text.length() - 1 && text.charAt(at - 1) != '_') {
                text.insert(at, '_');
            }
        }
        return text.toString();
    }

    @Property(tries = 300)
    void aCountOrPortIsInItsRangeOrRefused(@ForAll("numberLike") String text, @ForAll @IntRange(max = 70000) int max) {
        Long parsed = bounded(() -> Numbers.parseAtMost(text, "--port", max), SMALL_CPU_NANOS, SMALL_BYTES);
        if (parsed != null) {
            assertTrue(parsed >= 0 && parsed <= max, text + " -> " + parsed);
        }
    }

    // ---- CPU lists

    @Provide
    Arbitrary<String> cpuListLike() {
        Arbitrary<String> element = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 70_000).map(String::valueOf),
                Combinators.combine(Arbitraries.integers().between(0, 70_000), Arbitraries.integers().between(0, 70_000))
                        .as((a, b) -> a + "-" + b),
                Arbitraries.of("", " ", "-1", "0-999999999", "99999999999999999999", "x", "1-", "-", "0--3", " 3 "));
        return element.list().ofMaxSize(12).map(list -> String.join(",", list));
    }

    @Property(tries = 2000)
    void cpuListsAreParsedOrRefusedWithinBounds(@ForAll("cpuListLike") String text) {
        CpuList parsed = bounded(() -> CpuList.parse(text), SMALL_CPU_NANOS, SMALL_BYTES);
        if (parsed != null) {
            List<Integer> cpus = parsed.cpus();
            assertTrue(!cpus.isEmpty() && cpus.get(cpus.size() - 1) <= CpuList.MAX_CPU, text);
            assertEquals(new ArrayList<>(new TreeSet<>(cpus)), cpus, "ascending, each once");
        }
    }

    @Property
    void aFormattedListParsesBack(@ForAll @Size(min = 1, max = 40) Set<@IntRange(max = 65535) Integer> cpus) {
        assertEquals(new ArrayList<>(new TreeSet<>(cpus)), CpuList.parse(CpuList.format(List.copyOf(cpus))).cpus());
    }

    // ---- batch files

    @Provide
    Arbitrary<String> batchLike() {
        Arbitrary<String> token = Arbitraries.oneOf(Arbitraries.of("read", "write", "READ", "#", "# note", "0", "0-3",
                "0-65535", "0-999999999", "0x10", "IA32_MPERF", "mperf", "0x199", "0x1F00", "0xFFFFFFFFFFFFFFFFF", "017",
                "-1", "", "\t"), numberLike(), cpuListLike());
        Arbitrary<String> line = token.list().ofMaxSize(6).map(tokens -> String.join(" ", tokens));
        return line.list().ofMaxSize(20).map(lines -> String.join(Arbitraries.of("\n", "\r\n").sample(), lines));
    }

    @Property(tries = 1000)
    void batchFilesAreParsedOrRefusedAtALineWithinBounds(@ForAll("batchLike") String text) {
        BatchScript script = bounded(() -> BatchScript.parse(text, "ops"), SMALL_CPU_NANOS, 64L << 20);
        if (script != null) {
            assertTrue(!script.ops().isEmpty() && script.ops().size() <= BatchScript.MAX_OPS);
        }
    }

    @Property(tries = 300)
    void aBatchRefusalNamesItsPlace(@ForAll("batchLike") String text) {
        try {
            BatchScript.parse(text, "ops");
        } catch (CliException e) {
            assertTrue(e.getMessage().matches("ops(:\\d+:\\d+)?: .*"), e.getMessage());
        }
    }

    // ---- 10 MB of hostile input, each answered at once with one line

    static final int TEN_MB = 10 << 20;

    @Example
    void tenMegabytesOfDigits() {
        String digits = "1".repeat(TEN_MB);
        bounded(() -> Numbers.parseU64(digits, "value"), LARGE_CPU_NANOS, LARGE_BYTES);
        bounded(() -> Numbers.parseU64("0x" + "0".repeat(TEN_MB) + "1", "value"), LARGE_CPU_NANOS, LARGE_BYTES);
        bounded(() -> MsrNames.parse("Q".repeat(TEN_MB)), LARGE_CPU_NANOS, LARGE_BYTES);
    }

    @Example
    void tenMegabytesOfCpuList() {
        String wide = String.join(",", java.util.Collections.nCopies(TEN_MB / 8, "0-65535"));
        assertEquals(null, bounded(() -> CpuList.parse(wide), LARGE_CPU_NANOS, LARGE_BYTES), "more elements than CPUs twice");
        String allTwice = String.join(",", java.util.Collections.nCopies(2 * 65536, "0-65535"));
        assertEquals(65536, bounded(() -> CpuList.parse(allTwice), LARGE_CPU_NANOS, LARGE_BYTES).cpus().size());
        bounded(() -> CpuList.parse("9".repeat(TEN_MB)), LARGE_CPU_NANOS, LARGE_BYTES);
    }

    @Example
    void tenMegabytesOfBatch() {
        bounded(() -> BatchScript.parse("read 0 " + "A".repeat(TEN_MB), "ops"), LARGE_CPU_NANOS, LARGE_BYTES);
        bounded(() -> BatchScript.parse("read 0-65535 0x10\n".repeat(TEN_MB / 18), "ops"), LARGE_CPU_NANOS, LARGE_BYTES);
        bounded(() -> BatchScript.parse("# comment\n".repeat(TEN_MB / 10), "ops"), LARGE_CPU_NANOS, LARGE_BYTES);
        bounded(() -> BatchScript.parse("\n".repeat(TEN_MB), "ops"), LARGE_CPU_NANOS, LARGE_BYTES);
    }
}
