package io.github.msrsafe.allowlist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.msrsafe.Errno;
import io.github.msrsafe.internal.allowlist.Kstrtoull;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The kernel's kstrtoull(s, 0) on whole strings, including cases an allowlist token cannot hold ('\n'). */
class KstrtoullTest {

    static Stream<Arguments> numbers() {
        return Stream.of(
                Arguments.of("0x1F", 31L), Arguments.of("0X1f", 31L), Arguments.of("0x0", 0L),
                Arguments.of("010", 8L), Arguments.of("0", 0L), Arguments.of("00", 0L), Arguments.of("+5", 5L),
                Arguments.of("+0x10", 16L), Arguments.of("+010", 8L), Arguments.of("123", 123L),
                Arguments.of("18446744073709551615", -1L), Arguments.of("0xFFFFFFFFFFFFFFFF", -1L),
                Arguments.of("01777777777777777777777", -1L),
                Arguments.of("0x00000000000000000000000000000001", 1L),
                Arguments.of("000000000000000000000000000000017", 15L),
                Arguments.of("5\n", 5L), Arguments.of("0x1F\n", 31L));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("numbers")
    void converts(String token, long expected) {
        long[] value = new long[1];
        assertEquals(0, convert(token, value), token);
        assertEquals(expected, value[0], token);
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                Arguments.of("0x", Errno.EINVAL), Arguments.of("0X", Errno.EINVAL), Arguments.of("0xg", Errno.EINVAL),
                Arguments.of("0x+1", Errno.EINVAL), Arguments.of("08", Errno.EINVAL), Arguments.of("09", Errno.EINVAL),
                Arguments.of("-1", Errno.EINVAL), Arguments.of("-0", Errno.EINVAL), Arguments.of("++5", Errno.EINVAL),
                Arguments.of("+", Errno.EINVAL), Arguments.of("", Errno.EINVAL), Arguments.of("1F", Errno.EINVAL),
                Arguments.of("0x1g", Errno.EINVAL), Arguments.of("5\n\n", Errno.EINVAL),
                Arguments.of("\n", Errno.EINVAL), Arguments.of("0x1F#", Errno.EINVAL), Arguments.of("1 ", Errno.EINVAL),
                Arguments.of(" 1", Errno.EINVAL),
                Arguments.of("18446744073709551616", Errno.ERANGE), Arguments.of("0x10000000000000000", Errno.ERANGE),
                Arguments.of("02000000000000000000000", Errno.ERANGE),
                Arguments.of("99999999999999999999x", Errno.ERANGE),
                Arguments.of("0x1FFFFFFFFFFFFFFFFg", Errno.ERANGE));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("rejections")
    void rejects(String token, Errno expected) {
        assertEquals(expected.number(), convert(token, new long[1]), token);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("rejections")
    void explainsAnOverflowExactlyWhenConvertSaysErange(String token, Errno expected) {
        byte[] bytes = token.getBytes(StandardCharsets.ISO_8859_1);
        String why = Kstrtoull.explain(bytes, 0, bytes.length, offset -> offset + 1);
        assertEquals(expected == Errno.ERANGE, why.equals("the value is larger than 2^64-1 (0xFFFFFFFFFFFFFFFF)"),
                token + ": " + why);
    }

    private static int convert(String token, long[] value) {
        byte[] bytes = token.getBytes(StandardCharsets.ISO_8859_1);
        return Kstrtoull.convert(bytes, 0, bytes.length, value);
    }
}
