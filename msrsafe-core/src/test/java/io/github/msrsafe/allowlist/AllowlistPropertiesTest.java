package io.github.msrsafe.allowlist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.Errno;
import io.github.msrsafe.internal.allowlist.AllowlistScanner;
import io.github.msrsafe.internal.allowlist.Kstrtoull;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

class AllowlistPropertiesTest {

    /** Every errno the parser may report; anything else is a bug. */
    private static final Set<Errno> DOCUMENTED = EnumSet.of(Errno.E2BIG, Errno.EILSEQ, Errno.EINVAL, Errno.ERANGE,
            Errno.ENOMSG, Errno.ENOTUNIQ);

    @Provide
    Arbitrary<List<AllowlistEntry>> uniqueEntries() {
        Arbitrary<Long> addresses = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 0x2000),
                Arbitraries.longs().between(0xC000_0000L, 0xC001_FFFFL),
                Arbitraries.longs());
        Arbitrary<Long> masks = Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.just(-1L), Arbitraries.longs());
        return Combinators.combine(addresses, masks).as(AllowlistEntry::new)
                .list().ofMaxSize(200).uniqueElements(AllowlistEntry::address);
    }

    @Property(tries = 300)
    void kernelFormatRoundTrips(@ForAll("uniqueEntries") List<AllowlistEntry> entries) throws AllowlistException {
        Allowlist list = Allowlist.of(entries);
        byte[] text = list.toKernelFormat().getBytes(StandardCharsets.US_ASCII);
        assertEquals(list, Allowlist.parse(text));
        assertEquals(entries, Allowlist.parse(text).entries());
    }

    @Property(tries = 300)
    void canonicalTextRoundTrips(@ForAll("uniqueEntries") List<AllowlistEntry> entries) throws AllowlistException {
        Allowlist list = Allowlist.of(entries);
        String named = list.toCanonicalText(address -> address % 3 == 0
                ? Optional.of("REG_" + Long.toHexString(address) + " # 0x0#x \r\n\0") : Optional.empty());
        assertEquals(list, Allowlist.parse(named.getBytes(StandardCharsets.ISO_8859_1)));
        for (AllowlistEntry entry : entries) {
            assertEquals(entry.writeMask(), list.writeMask(entry.address()).orElseThrow());
        }
    }

    @Provide
    Arbitrary<byte[]> mutatedAllowlists() {
        String base = "# header\n0x00000010 0x0000000000000000 # TSC\n0x199 0xFFFF\n\t+010\u00A00777\n"
                + "18446744073709551615 0\n0X1A0 0x1\n";
        byte[] template = base.getBytes(StandardCharsets.ISO_8859_1);
        Arbitrary<Byte> interesting = Arbitraries.of((byte) 0, (byte) ' ', (byte) '\n', (byte) '#', (byte) 'x',
                (byte) '0', (byte) '9', (byte) 'g', (byte) '+', (byte) '-', (byte) 0xA0, (byte) '\r', (byte) 'F');
        Arbitrary<Byte> anyByte = Arbitraries.oneOf(interesting, Arbitraries.bytes());
        Arbitrary<int[]> edits = Arbitraries.integers().between(0, 3).array(int[].class).ofMinSize(0).ofMaxSize(8);
        return Combinators.combine(edits, anyByte.list().ofSize(8), Arbitraries.integers().between(0, 10_000)
                .list().ofSize(8)).as((kinds, bytes, positions) -> {
                    List<Byte> text = new ArrayList<>();
                    for (byte b : template) {
                        text.add(b);
                    }
                    for (int i = 0; i < kinds.length; i++) {
                        int at = positions.get(i) % (text.size() + 1);
                        switch (kinds[i]) {
                            case 0 -> text.add(at, bytes.get(i));
                            case 1 -> {
                                if (at < text.size()) {
                                    text.remove(at);
                                }
                            }
                            case 2 -> {
                                if (at < text.size()) {
                                    text.set(at, bytes.get(i));
                                }
                            }
                            default -> text.subList(Math.min(at, text.size()), text.size()).clear();
                        }
                    }
                    byte[] out = new byte[text.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = text.get(i);
                    }
                    return out;
                });
    }

    @Property(tries = 3000)
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void mutationsGiveOnlyDocumentedOutcomesAndAgreeWithTheModel(@ForAll("mutatedAllowlists") byte[] text) {
        KernelModel.Outcome expected = KernelModel.write(text);
        try {
            Allowlist list = Allowlist.parse(text);
            Statistics.label("outcome").collect("accepted");
            assertEquals(null, expected.errno(), "the model rejects what parse accepts");
            assertEquals(expected.entries(), list.entries());
        } catch (AllowlistException error) {
            Errno errno = error.errno();
            Statistics.label("outcome").collect(errno.name());
            assertTrue(DOCUMENTED.contains(errno), errno.name());
            assertEquals(expected.errno(), errno, error.getMessage());
            assertTrue(error.line() >= 1 && error.column() >= 1, error.getMessage());
            assertEquals(errno != Errno.ENOTUNIQ, error.keepsPreviousAllowlist());
        }
        // The mutations must reach the interesting outcomes, or this property proves little.
        Statistics.label("outcome").coverage(coverage -> {
            coverage.check("accepted").percentage(p -> p > 5);
            coverage.check("EINVAL").percentage(p -> p > 5);
            coverage.check("EILSEQ").percentage(p -> p > 1);
            coverage.check("ERANGE").count(c -> c > 0);
        });
    }

    @Property(tries = 3000)
    void randomBytesAgreeWithTheModel(@ForAll @Size(max = 40) List<@IntRange(min = 0, max = 12) Integer> picks) {
        String alphabet = "0x1F9+-# \n\0\u00A0g";
        StringBuilder text = new StringBuilder();
        for (int pick : picks) {
            text.append(alphabet.charAt(pick));
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
        KernelModel.Outcome expected = KernelModel.write(bytes);
        try {
            assertEquals(expected.entries(), Allowlist.parse(bytes).entries(), text.toString());
        } catch (AllowlistException error) {
            assertEquals(expected.errno(), error.errno(), error.getMessage());
        }
    }

    @Provide
    Arbitrary<String> numberLikeTokens() {
        Arbitrary<String> pieces = Arbitraries.of("0", "1", "7", "8", "9", "a", "F", "x", "X", "+", "-", "#", "g",
                "\n", "ffffffff", "00000000", "18446744073709551615", "1777777777777777777777", "0x");
        return pieces.list().ofMinSize(0).ofMaxSize(8).map(list -> String.join("", list));
    }

    @Property(tries = 5000)
    void kstrtoullAgreesWithTheBigIntegerModel(@ForAll("numberLikeTokens") String token) {
        assertKstrtoullAgrees(token);
    }

    /** {@return what the model says of {@code token}: an Errno, or its value} after checking Kstrtoull agrees */
    private static Object assertKstrtoullAgrees(String token) {
        byte[] bytes = token.getBytes(StandardCharsets.ISO_8859_1);
        long[] value = new long[1];
        int errno = Kstrtoull.convert(bytes, 0, bytes.length, value);
        Object expected = KernelModel.kstrtoull(token);
        if (expected instanceof Errno e) {
            assertEquals(e.number(), errno, token);
        } else {
            assertEquals(0, errno, token);
            assertEquals((long) (Long) expected, value[0], token);
        }
        return expected;
    }

    /**
     * Numbers within a few thousand of 2^64-1, and 2^64-1 with one digit changed or
     * appended, in each radix: where the overflow check (a compare against (2^64-1) / radix
     * and the last digit, no division) could be off by one.
     */
    @Provide
    Arbitrary<String> tokensNearTheOverflowBoundary() {
        BigInteger max = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        Arbitrary<BigInteger> nearMax = Arbitraries.integers().between(-3000, 3000).map(d -> max.add(BigInteger.valueOf(d)));
        Arbitrary<BigInteger> scaled = Combinators.combine(Arbitraries.of(8, 10, 16), Arbitraries.integers().between(0, 15))
                .as((radix, digit) -> max.divide(BigInteger.valueOf(radix)).multiply(BigInteger.valueOf(radix))
                        .add(BigInteger.valueOf(digit)));
        Arbitrary<BigInteger> values = Arbitraries.oneOf(nearMax, scaled, nearMax.map(v -> v.shiftRight(4)));
        return Combinators.combine(values, Arbitraries.of(8, 10, 16), Arbitraries.of("", "0", "7", "9", "f", "\n"))
                .as((value, radix, suffix) -> switch (radix) {
                    case 16 -> "0x" + value.toString(16);
                    case 8 -> "0" + value.toString(8);
                    default -> value.toString();
                } + suffix);
    }

    @Property(tries = 3000)
    void kstrtoullAgreesWithTheModelAtTheOverflowBoundary(@ForAll("tokensNearTheOverflowBoundary") String token) {
        Object expected = assertKstrtoullAgrees(token);
        Statistics.label("outcome").collect(expected instanceof Errno e ? e.name() : "value");
        Statistics.label("outcome").coverage(coverage -> {
            coverage.check("value").percentage(p -> p > 10);
            coverage.check("ERANGE").percentage(p -> p > 10);
        });
    }

    /**
     * Entries of 0x-prefixed tokens of 0 to 20 hex digits followed by every kind of byte:
     * the scanner reads 0x and up to 16 hex digits followed by whitespace in one pass with
     * its value, and must hand every other token (more digits, no digit, a stray byte, the
     * end of input, a NUL) to the byte-exact path.
     */
    @Property(tries = 3000)
    void hexTokensOfEveryLengthAgreeWithTheModel(@ForAll @IntRange(min = 0, max = 20) int addressDigits,
            @ForAll @IntRange(min = 0, max = 20) int maskDigits, @ForAll("separators") String afterAddress,
            @ForAll("separators") String afterMask, @ForAll boolean upperCaseX, @ForAll long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        String text = "0" + (upperCaseX ? "X" : "x") + hexDigits(random, addressDigits) + afterAddress
                + "0x" + hexDigits(random, maskDigits) + afterMask;
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        KernelModel.Outcome expected = KernelModel.write(bytes);
        try {
            assertEquals(expected.entries(), Allowlist.parse(bytes).entries(), text);
            Statistics.label("outcome").collect("accepted");
        } catch (AllowlistException error) {
            assertEquals(expected.errno(), error.errno(), text + ": " + error.getMessage());
            Statistics.label("outcome").collect(error.errno().name());
        }
        Statistics.label("outcome").coverage(coverage -> {
            coverage.check("accepted").percentage(p -> p > 10);
            coverage.check("ERANGE").count(c -> c > 0);
            coverage.check("EINVAL").count(c -> c > 0);
            coverage.check("EILSEQ").count(c -> c > 0);
        });
    }

    @Provide
    Arbitrary<String> separators() {
        return Arbitraries.of(" ", "\t", "\n", " \n", "\u00A0", "\r\n", "", "g", "#", "\0", "x1\n", "F\n");
    }

    private static String hexDigits(java.util.SplittableRandom random, int count) {
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < count; i++) {
            digits.append("0123456789abcdefABCDEF".charAt(random.nextInt(22)));
        }
        return digits.toString();
    }

    @Test
    void theInputEndsAtTheFirstNulWhereverItIs() {
        for (int length = 0; length <= 40; length++) {
            for (int nul = -1; nul < length; nul++) {
                byte[] text = new byte[length];
                java.util.Arrays.fill(text, (byte) 0x80); // high bits set: the word test must not misfire
                if (nul >= 0) {
                    text[nul] = 0;
                    if (nul + 3 < length) {
                        text[nul + 3] = 0;
                    }
                }
                assertEquals(nul >= 0 ? nul : length, AllowlistScanner.inputEnd(text), length + "/" + nul);
            }
        }
        byte[] ones = new byte[24];
        java.util.Arrays.fill(ones, (byte) 1); // 0x01 bytes: what the word test subtracts
        ones[17] = 0;
        assertEquals(17, AllowlistScanner.inputEnd(ones));
    }

    @Property(tries = 200)
    void writeMaskFindsEveryEntryAndNothingElse(@ForAll("uniqueEntries") List<AllowlistEntry> entries,
            @ForAll long probe) {
        Allowlist list = Allowlist.of(entries);
        Map<Long, Long> expected = new LinkedHashMap<>();
        entries.forEach(entry -> expected.put(entry.address(), entry.writeMask()));
        assertEquals(Optional.ofNullable(expected.get(probe)),
                list.writeMask(probe).isPresent() ? Optional.of(list.writeMask(probe).getAsLong()) : Optional.empty());
        for (AllowlistEntry entry : entries) {
            assertNotNull(list.writeMask(entry.address()).orElseThrow());
        }
    }
}
