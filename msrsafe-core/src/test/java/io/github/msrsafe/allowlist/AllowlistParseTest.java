package io.github.msrsafe.allowlist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.Errno;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven: every grammar rule and every errno of the module's allowlist write. */
class AllowlistParseTest {

    /** Text as bytes, one byte per char (so "\u00A0" is the byte 0xA0). */
    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static AllowlistEntry e(long address, long mask) {
        return new AllowlistEntry(address, mask);
    }

    static Arguments accepts(String name, String text, AllowlistEntry... entries) {
        return Arguments.of(name, text, List.of(entries));
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                accepts("hex address and mask", "0x10 0x0\n", e(0x10, 0)),
                accepts("upper-case prefix and digits", "0X1F 0XfF\n", e(0x1F, 0xFF)),
                accepts("decimal", "16 255\n", e(16, 255)),
                accepts("leading 0 is octal", "010 0777\n", e(8, 0777)),
                accepts("a lone 0 is octal zero", "0 0\n", e(0, 0)),
                accepts("plus sign", "+5 +0x10\n", e(5, 0x10)),
                accepts("plus before octal", "+010 0\n", e(8, 0)),
                accepts("2^64-1 decimal", "18446744073709551615 0\n", e(-1L, 0)),
                accepts("2^64-1 hex", "0xFFFFFFFFFFFFFFFF 0xffffffffffffffff\n", e(-1L, -1L)),
                accepts("2^64-1 octal", "01777777777777777777777 0\n", e(-1L, 0)),
                accepts("long zero-padded hex", "0x" + "0".repeat(200) + "199 0\n", e(0x199, 0)),
                accepts("long zero-padded octal", "0".repeat(300) + "17 0\n", e(15, 0)),
                accepts("address above 2^32 is kept", "0x100000010 0\n", e(0x1_0000_0010L, 0)),
                accepts("several entries in order", "0x199 0xFFFF\n0x10 0\n0x1A0 0x1\n",
                        e(0x199, 0xFFFF), e(0x10, 0), e(0x1A0, 1)),
                accepts("all whitespace bytes separate", " \t0x10\u000B\f\r\n0x0\u00A0",
                        e(0x10, 0)),
                accepts("0xA0 between tokens", "0x10\u00A00x1\u00A0", e(0x10, 1)),
                accepts("entries need no line breaks", "1 2 3 4 ", e(1, 2), e(3, 4)),
                accepts("address and mask on separate lines", "0x10\n\n0x0\n", e(0x10, 0)),
                accepts("comment lines", "# header\n#\n0x10 0 # TSC\n# tail\n", e(0x10, 0)),
                accepts("comment after mask with space", "0x10 0x0 # name\n", e(0x10, 0)),
                accepts("repeated comments", "#a\n  #b\n\t#c\n0x10 0\n", e(0x10, 0)),
                accepts("final comment without newline", "0x10 0\n# no newline", e(0x10, 0)),
                accepts("comment holding a NUL ends everything", "0x10 0\n# x\0 garbage", e(0x10, 0)),
                accepts("NUL ends the input", "0x10 0\n\0garbage that is ignored", e(0x10, 0)),
                accepts("header as the kernel prints it", Allowlist.KERNEL_HEADER + "0x00000010 0x0000000000000000\n",
                        e(0x10, 0)),
                accepts("CRLF line ends", "0x10 0\r\n0x11 1\r\n", e(0x10, 0), e(0x11, 1)),
                accepts("token ends at NUL-less whitespace before NUL", "0x10 0 \0", e(0x10, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void acceptsWhatTheModuleAccepts(String name, String text, List<AllowlistEntry> expected)
            throws AllowlistException {
        assertEquals(expected, Allowlist.parse(bytes(text)).entries());
    }

    static Arguments rejects(String name, String text, Errno errno, int line, int column, String token) {
        return Arguments.of(name, text, errno, line, column, token);
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                rejects("no final newline", "0x10 0x0", Errno.EILSEQ, 1, 6, "0x0"),
                rejects("address at the end", "0x10 0\n0x11", Errno.EILSEQ, 2, 1, "0x11"),
                rejects("address without mask", "0x10 0\n0x11\n", Errno.EILSEQ, 2, 1, "0x11"),
                rejects("NUL right after a mask", "0x10 0\0\n", Errno.EILSEQ, 1, 6, "0"),
                rejects("NUL in the middle of a token", "0x10 0x1\u00002\n", Errno.EILSEQ, 1, 6, "0x1"),
                rejects("0x alone", "0x 0\n", Errno.EINVAL, 1, 1, "0x"),
                rejects("0x then no hex digit", "0xg 0\n", Errno.EINVAL, 1, 1, "0xg"),
                rejects("08 is not octal", "08 0\n", Errno.EINVAL, 1, 1, "08"),
                rejects("09 in the mask", "0x10 09\n", Errno.EINVAL, 1, 6, "09"),
                rejects("minus", "-1 0\n", Errno.EINVAL, 1, 1, "-1"),
                rejects("two plus signs", "++1 0\n", Errno.EINVAL, 1, 1, "++1"),
                rejects("plus alone", "+ 0\n", Errno.EINVAL, 1, 1, "+"),
                rejects("hex digit without prefix", "1F 0\n", Errno.EINVAL, 1, 1, "1F"),
                rejects("stray letter", "0x19g 0\n", Errno.EINVAL, 1, 1, "0x19g"),
                rejects("'#' glued to the mask", "0x10 0x0#name\n", Errno.EINVAL, 1, 6, "0x0#name"),
                rejects("'#' glued to the address", "0x10#x 0\n", Errno.EINVAL, 1, 1, "0x10#x"),
                rejects("comment where the mask belongs", "0x10 # name\n", Errno.EINVAL, 1, 6, "#"),
                rejects("UTF-8 no-break space splits at 0xA0", "0x10\u00C2\u00A00 0\n", Errno.EINVAL, 1, 1,
                        "0x10\\xC2"),
                rejects("2^64 decimal", "18446744073709551616 0\n", Errno.ERANGE, 1, 1, "18446744073709551616"),
                rejects("2^64 hex", "0x10000000000000000 0\n", Errno.ERANGE, 1, 1, "0x10000000000000000"),
                rejects("overflow wins over garbage", "0 99999999999999999999x\n", Errno.ERANGE, 1, 3,
                        "99999999999999999999x"),
                rejects("first error in text order decides", "0x10 0\nzz 0\n0x10 0\n", Errno.EINVAL, 2, 1, "zz"),
                rejects("address converted before the mask is scanned", "zz 0", Errno.EINVAL, 1, 1, "zz"),
                rejects("only comments", "# nothing\n", Errno.ENOMSG, 2, 1, null),
                rejects("three spaces", "   ", Errno.ENOMSG, 1, 4, null),
                rejects("three NULs", "\0\0\0", Errno.ENOMSG, 1, 1, null),
                rejects("comment with CR line ends only", "# a\r0x10 0\r", Errno.ENOMSG, 1, 12, null),
                rejects("duplicate", "0x10 0\n0x11 0\n16 0xFF\n", Errno.ENOTUNIQ, 3, 1, "16"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectsWithTheModulesErrnoAndPlace(String name, String text, Errno errno, int line, int column,
            String token) {
        AllowlistException error = assertThrows(AllowlistException.class, () -> Allowlist.parse(bytes(text), "t"));
        assertEquals(errno, error.errno(), error.getMessage());
        assertEquals(line, error.line(), error.getMessage());
        assertEquals(column, error.column(), error.getMessage());
        assertEquals(java.util.Optional.ofNullable(token), error.token(), error.getMessage());
        assertEquals(errno != Errno.ENOTUNIQ, error.keepsPreviousAllowlist());
        assertTrue(error.getMessage().startsWith("t: line " + line + ", column " + column + ": "), error.getMessage());
        assertTrue(error.getMessage().contains("(" + errno.name() + ")"), error.getMessage());
    }

    @Test
    void writesOfAtMostTwoBytesClear() throws AllowlistException {
        for (String text : List.of("", "\n", "\n\n", "xy", "0 ", "\0\0")) {
            assertSame(Allowlist.EMPTY, Allowlist.parse(bytes(text)), text);
        }
    }

    @Test
    void exactlyTheKernelSizeLimit() throws AllowlistException {
        byte[] limit = paddedTo(Allowlist.MAX_WRITE_BYTES);
        assertEquals(List.of(e(0x10, 0)), Allowlist.parse(limit).entries());

        byte[] tooLarge = paddedTo(Allowlist.MAX_WRITE_BYTES + 1);
        AllowlistException error = assertThrows(AllowlistException.class, () -> Allowlist.parse(tooLarge));
        assertEquals(Errno.E2BIG, error.errno());
        assertTrue(error.keepsPreviousAllowlist());
    }

    /** One entry, then comment lines, to exactly {@code size} bytes. */
    private static byte[] paddedTo(int size) {
        byte[] text = new byte[size];
        Arrays.fill(text, (byte) 'c');
        byte[] entry = bytes("0x10 0\n");
        System.arraycopy(entry, 0, text, 0, entry.length);
        for (int at = entry.length; at < size; at += 80) {
            text[at] = '#';
            text[Math.min(at + 79, size - 1)] = '\n';
        }
        return text;
    }

    @Test
    void duplicateIsASecondPassErrorThatEmptiesTheList() {
        AllowlistException error = assertThrows(AllowlistException.class,
                () -> Allowlist.parse(bytes("0x10 0\n0x10 1\n")));
        assertFalse(error.keepsPreviousAllowlist());
        assertTrue(error.getMessage().contains("already listed at line 1, column 1"), error.getMessage());
        assertTrue(error.getMessage().contains("EMPTY"), error.getMessage());
    }

    @Test
    void aSyntaxErrorAfterADuplicateStillWinsBecausePassOneRunsFirst() {
        AllowlistException error = assertThrows(AllowlistException.class,
                () -> Allowlist.parse(bytes("0x10 0\n0x10 0\n0xZZ 0\n")));
        assertEquals(Errno.EINVAL, error.errno());
        assertTrue(error.keepsPreviousAllowlist());
    }

    @Test
    void messagesSayWhyInPlainWords() {
        assertMessage("0x19g 0\n", "'g' at column 5 is not a hex digit");
        assertMessage("08 0\n", "'8' at column 2 is not an octal digit");
        assertMessage("0x 0\n", "not followed by a hex digit");
        assertMessage("-1 0\n", "negative");
        assertMessage("0x10 0x0#c\n", "'#' at column 9 is glued to the number");
        assertMessage("0x10 #c\n", "a comment can only start where an entry can");
        assertMessage("0x10 0", "end the text with a newline");
        assertMessage("0x10 0\n0x11 \n", "address '0x11' has no write mask");
        assertMessage("0x10\u00C2\u00A00 0\n", "first byte of a UTF-8 no-break space");
        assertMessage("0x10 0\u0000\n", "the NUL byte at line 1, column 7 ends the input");
    }

    private static void assertMessage(String text, String expected) {
        AllowlistException error = assertThrows(AllowlistException.class, () -> Allowlist.parse(bytes(text)));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    @Test
    void valueLooksUpWriteMasks() {
        Allowlist list = Allowlist.of(e(0x199, 0xFFFF), e(0x10, 0), e(-1L, 7));
        assertEquals(0xFFFF, list.writeMask(0x199).orElseThrow());
        assertEquals(0, list.writeMask(0x10).orElseThrow());
        assertEquals(7, list.writeMask(-1L).orElseThrow());
        assertTrue(list.writeMask(0x198).isEmpty());
        assertTrue(list.contains(0x10));
        assertFalse(list.contains(0x11));
        assertEquals(3, list.size());
        assertEquals(List.of(e(0x199, 0xFFFF), e(0x10, 0), e(-1L, 7)), list.entries());
    }

    @Test
    void ofRejectsRepeatedAddressesNamingThem() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Allowlist.of(e(0x10, 0), e(0x10, 1)));
        assertTrue(error.getMessage().contains("0x10"), error.getMessage());
    }

    @Test
    void kernelFormatIsByteForByte() {
        Allowlist list = Allowlist.of(e(0x10, 0), e(0x199, 0xFFFF), e(0x1_0000_0000L, -1L));
        String expected = "#MSR       Write mask        \n"
                + "0x00000010 0x0000000000000000\n"
                + "0x00000199 0x000000000000FFFF\n"
                + "0x100000000 0xFFFFFFFFFFFFFFFF\n";
        assertEquals(expected, list.toKernelFormat());
        assertEquals(60, (Allowlist.KERNEL_HEADER + list.entries().get(0).kernelLine()).length());
        assertEquals("", Allowlist.EMPTY.toKernelFormat());
    }

    @Test
    void kernelFormatParsesBackEqual() throws AllowlistException {
        List<AllowlistEntry> entries = new ArrayList<>();
        for (long address = 0; address < 500; address++) {
            entries.add(e(address * 7 + 3, address * 0x1111));
        }
        Allowlist list = Allowlist.of(entries);
        assertEquals(list, Allowlist.parse(bytes(list.toKernelFormat())));
        assertEquals(list, Allowlist.parse(bytes(list.toCanonicalText())));
    }

    @Test
    void canonicalTextCarriesNamesAsComments() throws AllowlistException {
        Allowlist list = Allowlist.of(e(0x10, 0), e(0x199, 0xFFFF));
        String text = list.toCanonicalText(address -> address == 0x10
                ? java.util.Optional.of("IA32_TIME_STAMP_COUNTER\nx") : java.util.Optional.empty());
        assertEquals("0x00000010 0x0000000000000000 # IA32_TIME_STAMP_COUNTER x\n"
                + "0x00000199 0x000000000000FFFF\n", text);
        assertEquals(list, Allowlist.parse(bytes(text)));
    }

    @Test
    void equalityFollowsEntriesInOrder() {
        assertEquals(Allowlist.of(e(1, 2), e(3, 4)), Allowlist.of(e(1, 2), e(3, 4)));
        assertEquals(Allowlist.of(e(1, 2), e(3, 4)).hashCode(), Allowlist.of(e(1, 2), e(3, 4)).hashCode());
        assertFalse(Allowlist.of(e(1, 2), e(3, 4)).equals(Allowlist.of(e(3, 4), e(1, 2))));
        assertEquals(Allowlist.EMPTY, Allowlist.of(List.of()));
    }
}
