package io.github.msrsafe.allowlist.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AllowlistLinterTest {

    /** The catalog view the tests use: the TSC is read-only, IA32_PERF_CTL has 16 writable bits. */
    static final RegisterLookup CATALOG = address -> {
        if (address == 0x10) {
            return Optional.of(new KnownRegister("IA32_TIME_STAMP_COUNTER", -1L));
        }
        if (address == 0x199) {
            return Optional.of(new KnownRegister("IA32_PERF_CTL", ~0xFFFFL));
        }
        return Optional.empty();
    };

    static List<Finding> lint(String text) {
        return new AllowlistLinter(CATALOG).lint(text.getBytes(StandardCharsets.ISO_8859_1), "al_test");
    }

    static Arguments finds(String text, Rule rule, int line, int column) {
        return Arguments.of(text, rule, line, column);
    }

    static Stream<Arguments> oneFindingPerRule() {
        String canonicalEntry = "0x00000011 0x0000000000000000\n";
        return Stream.of(
                finds("\n", Rule.CLEARS_ALLOWLIST, 1, 1),
                finds("0x00000010 0x0000000000000000", Rule.EILSEQ_MISSING_FINAL_NEWLINE, 1, 12),
                finds(canonicalEntry + "0x00000012\n", Rule.EILSEQ_MISSING_WRITE_MASK, 2, 1),
                finds(canonicalEntry + "0x00000012", Rule.EILSEQ_MISSING_WRITE_MASK, 2, 1),
                finds(canonicalEntry + "0x00000012 0x0\0\n", Rule.EILSEQ_NUL_IN_TOKEN, 2, 12),
                finds(canonicalEntry + "0x0000001G 0x0000000000000000\n", Rule.EINVAL_NOT_A_NUMBER, 2, 1),
                finds("0x00000012 08\n", Rule.EINVAL_NOT_A_NUMBER, 1, 12),
                finds("0x00000012 0x0000000000000000#name\n", Rule.EINVAL_GLUED_COMMENT, 1, 12),
                finds("0x00000012 # name\n", Rule.EINVAL_GLUED_COMMENT, 1, 12),
                finds("0x00000012 0x10000000000000000\n", Rule.ERANGE_NUMBER_TOO_LARGE, 1, 12),
                finds("# nothing but comments\n", Rule.ENOMSG_NO_ENTRIES, 2, 1),
                finds(canonicalEntry + "0x00000012 0x0000000000000000\n0x00000011 0x0000000000000001\n",
                        Rule.ENOTUNIQ_DUPLICATE_ADDRESS, 3, 1),
                finds("0x100000011 0x0000000000000000\n", Rule.UNREACHABLE_ADDRESS, 1, 1),
                finds("0x00000010 0x00000000000000FF\n", Rule.WRITABLE_READ_ONLY_BITS, 1, 12),
                finds("0x00000199 0x000000000001FFFF\n", Rule.WRITABLE_READ_ONLY_BITS, 1, 12),
                finds("0x00000012 010\n", Rule.OCTAL_NUMBER, 1, 12),
                finds("0x00000012\n0x0000000000000000\n", Rule.ENTRY_SPANS_LINES, 2, 1),
                finds(canonicalEntry.strip() + " 0x00000012 0x0000000000000000\n", Rule.SEVERAL_ENTRIES_ON_LINE, 1, 31),
                finds("# header\r" + canonicalEntry, Rule.COMMENT_HIDES_TEXT, 1, 10),
                finds(canonicalEntry + "\0 0x12 0\n", Rule.IGNORED_AFTER_NUL, 2, 1),
                finds("0x00000011\u00A00x0000000000000000\n", Rule.NO_BREAK_SPACE, 1, 11),
                finds("0x11 0\n", Rule.NON_CANONICAL, 1, 1),
                finds("0x00000011 0x000000000000ffff\n", Rule.NON_CANONICAL, 1, 1),
                finds("0x00000011 0x0000000000000000 \n", Rule.NON_CANONICAL, 1, 1),
                finds("0x00000011 0x0000000000000000\r\n", Rule.NON_CANONICAL, 1, 1),
                finds("0x00000011\t0x0000000000000000\n", Rule.NON_CANONICAL, 1, 1),
                finds("  0x00000011 0x0000000000000000\n", Rule.NON_CANONICAL, 1, 3));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("oneFindingPerRule")
    void eachRuleFindsItsCase(String text, Rule rule, int line, int column) {
        List<Finding> findings = lint(text);
        assertTrue(findings.stream().anyMatch(f -> f.rule() == rule && f.line() == line && f.column() == column),
                rule + " at " + line + ":" + column + " not in " + findings);
        for (Finding finding : findings) {
            assertEquals(finding.rule().severity(), finding.severity());
            assertFalse(finding.message().isBlank());
        }
    }

    @Test
    void everyRuleIsExercisedByTheTable() {
        List<Rule> covered = oneFindingPerRule().map(arguments -> (Rule) arguments.get()[1]).toList();
        for (Rule rule : Rule.values()) {
            if (rule != Rule.E2BIG_TOO_LARGE) {
                assertTrue(covered.contains(rule), rule.id());
            }
        }
    }

    @Test
    void tooLargeIsAnErrorAtTheFirstByteBeyondTheLimit() {
        byte[] text = new byte[131_073];
        Arrays.fill(text, (byte) '\n');
        byte[] entry = "0x00000010 0x0000000000000000\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(entry, 0, text, 0, entry.length);
        List<Finding> findings = new AllowlistLinter().lint(text, "big");
        assertEquals(List.of(Rule.E2BIG_TOO_LARGE), findings.stream().map(Finding::rule).toList());
        assertEquals(131_073 - entry.length + 1, findings.get(0).line());
        assertTrue(new AllowlistLinter().lint(Arrays.copyOf(text, 131_072), "ok").isEmpty());
    }

    @Test
    void aCanonicalFileIsClean() {
        String text = "# Skylake-SP\n\n0x00000010 0x0000000000000000 # IA32_TIME_STAMP_COUNTER\n"
                + "0x00000199 0x000000000000FFFF   # IA32_PERF_CTL\n#\n0xC0010299 0x0000000000000000\n";
        assertEquals(List.of(), lint(text));
    }

    @Test
    void keepsGoingAfterErrorsAndReportsThemInTextOrder() {
        List<Finding> findings = lint("zz 0x0000000000000000\n0x00000011 yy\n0x00000012 0x1#\n");
        assertEquals(List.of(Rule.EINVAL_NOT_A_NUMBER, Rule.EINVAL_NOT_A_NUMBER, Rule.EINVAL_GLUED_COMMENT),
                findings.stream().map(Finding::rule).toList());
        assertEquals(List.of(1, 2, 3), findings.stream().map(Finding::line).toList());
    }

    @Test
    void duplicatesNameTheFirstPlaceAndTheEmptiedList() {
        Finding finding = lint("0x00000010 0x0000000000000000\n16 0\n").stream()
                .filter(f -> f.rule() == Rule.ENOTUNIQ_DUPLICATE_ADDRESS).findFirst().orElseThrow();
        assertTrue(finding.message().contains("line 1, column 1"), finding.message());
        assertTrue(finding.message().contains("EMPTY"), finding.message());
        assertEquals(Severity.ERROR, finding.severity());
    }

    @Test
    void catalogFindingsNeedACatalogAndWritableBitsOnly() {
        String text = "0x00000010 0x00000000000000FF\n";
        assertTrue(new AllowlistLinter().lint(text.getBytes(StandardCharsets.US_ASCII), "f").isEmpty());
        assertEquals(List.of(), lint("0x00000199 0x000000000000FFFF\n0x00000010 0x0000000000000000\n"));
        Finding finding = lint("0x00000199 0x000000000001FFFF\n").get(0);
        assertTrue(finding.message().contains("IA32_PERF_CTL") && finding.message().contains("0x10000")
                && finding.message().contains("writable bits are 0xFFFF"), finding.message());
    }

    @Test
    void octalWarnsOnlyWhereTheValueDiffersFromTheDecimalReading() {
        assertTrue(lint("0x00000012 07\n").stream().noneMatch(f -> f.rule() == Rule.OCTAL_NUMBER));
        Finding finding = lint("0010 0x0000000000000000\n").get(0);
        assertEquals(Rule.OCTAL_NUMBER, finding.rule());
        assertTrue(finding.message().contains("octal: 8 (0x8), not 10 or 0x10"), finding.message());
    }

    @Test
    void textIsCompilerStyle() {
        String line = lint("0x00000010 zz\n").get(0).toText();
        assertTrue(line.startsWith("al_test:1:12: error: write mask 'zz' is not a number (EINVAL): "), line);
        assertTrue(line.endsWith(" [einval-not-a-number]"), line);
    }

    @Test
    void severityAndFormatNamesParse() {
        assertEquals(Severity.WARNING, Severity.parse("Warning"));
        assertEquals(LintReport.Format.SARIF, LintReport.Format.parse("sarif"));
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Severity.parse("fatal"));
        assertTrue(bad.getMessage().contains("'fatal'"));
        assertEquals(Rule.NON_CANONICAL, Rule.byId("non-canonical"));
        assertTrue(Severity.ERROR.atLeast(Severity.WARNING) && !Severity.INFO.atLeast(Severity.WARNING));
    }

    @Test
    void ruleIdsAreUniqueAndStable() {
        assertEquals(Rule.values().length, Arrays.stream(Rule.values()).map(Rule::id).distinct().count());
        for (Rule rule : Rule.values()) {
            assertTrue(rule.id().matches("[a-z0-9]+(-[a-z0-9]+)*"), rule.id());
            assertEquals(rule.errno().isPresent(), rule.severity() == Severity.ERROR, rule.id());
            rule.errno().ifPresent(errno -> assertTrue(rule.id().startsWith(errno.name().toLowerCase()), rule.id()));
        }
    }
}
