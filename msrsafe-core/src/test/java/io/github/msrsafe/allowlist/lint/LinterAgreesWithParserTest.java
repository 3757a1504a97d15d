package io.github.msrsafe.allowlist.lint;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * The linter's errors are exactly the module's rejections: a text has an
 * ERROR finding if and only if {@link Allowlist#parse} rejects it, and then
 * one of them has the parser's errno at the parser's line and column.
 */
class LinterAgreesWithParserTest {

    @Provide
    Arbitrary<String> texts() {
        // Mostly whole entries, so a fair share of texts is accepted; fragments make the rest.
        Arbitrary<String> entries = Arbitraries.of("0x10 0\n", "0x00000011 0x0000000000000000 # c\n",
                "16\t0xFFFF\n", "010 0\n", "0x100000000 0\n", "# comment\n", "\n", "0x12\n0\n",
                "0x13 0 0x14 0\n", "0x15\u00A00 ", "+0x16 0\r\n", "# a\r0x17 0\n");
        Arbitrary<String> fragments = Arbitraries.of("0x10", "16", "0xFFFF", "010", "08", "0x", "+5", "-1", "#",
                " ", "\n", "\t", "\r", "\0", "\u00A0", "zz", "18446744073709551616", "0x1#", "\r\n");
        Arbitrary<String> pieces = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, entries), net.jqwik.api.Tuple.of(1, fragments));
        return pieces.list().ofMaxSize(12).map(list -> String.join("", list));
    }

    @Property(tries = 4000)
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void errorsAreExactlyTheModulesRejections(@ForAll("texts") String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        List<Finding> findings = new AllowlistLinter().lint(bytes, "t");
        try {
            Allowlist.parse(bytes, "t");
            Statistics.label("module").collect(bytes.length <= 2 ? "clears" : "accepts");
            assertFalse(findings.stream().anyMatch(f -> f.severity() == Severity.ERROR),
                    "the module accepts " + escape(text) + " but the linter says " + findings);
        } catch (AllowlistException rejection) {
            Statistics.label("module").collect(rejection.errno().name());
            assertTrue(findings.stream().anyMatch(f -> f.severity() == Severity.ERROR
                            && f.rule().errno().orElseThrow() == rejection.errno()
                            && f.line() == rejection.line() && f.column() == rejection.column()),
                    "the module rejects " + escape(text) + " with " + rejection.getMessage()
                            + " but the linter says " + findings);
        }
        Statistics.label("module").coverage(coverage -> {
            coverage.check("accepts").percentage(p -> p > 3);
            for (String errno : List.of("EINVAL", "EILSEQ", "ERANGE", "ENOMSG", "ENOTUNIQ")) {
                coverage.check(errno).count(c -> c > 0);
            }
        });
    }

    private static String escape(String text) {
        return text.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0").replace("\t", "\\t");
    }
}
