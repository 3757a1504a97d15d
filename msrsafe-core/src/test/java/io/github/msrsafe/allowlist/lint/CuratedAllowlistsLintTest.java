package io.github.msrsafe.allowlist.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The project's own allowlists/ pass the linter, catalog checks included: CI lints them on every build. */
class CuratedAllowlistsLintTest {

    // Surefire runs with the module directory as working directory.
    private static final Path ALLOWLISTS = Path.of("..", "allowlists");

    @Test
    void curatedAllowlistsHaveNoWarningsOrErrors() throws Exception {
        assertTrue(Files.isDirectory(ALLOWLISTS), "allowlists/ not found at " + ALLOWLISTS.toAbsolutePath());
        LintReport report = AllowlistLinter.withBuiltInCatalog().lint(List.of(ALLOWLISTS));
        assertTrue(report.files().size() >= 5, "linted " + report.files());
        assertEquals(LintReport.EXIT_CLEAN, report.exitStatus(Severity.WARNING), report.toText());
    }

    @Test
    void theBuiltInCatalogCatchesAWritableCounter() {
        // MSR_PKG_ENERGY_STATUS is a read-only counter by architecture.
        List<Finding> findings = AllowlistLinter.withBuiltInCatalog()
                .lint("0x00000611 0x00000000FFFFFFFF\n".getBytes(StandardCharsets.US_ASCII), "t");
        assertTrue(findings.stream().anyMatch(f -> f.rule() == Rule.WRITABLE_READ_ONLY_BITS), findings.toString());
    }

    @Test
    void theBuiltInCatalogChecksReadOnlyBitsNotReservedOnes() {
        // IA32_THERM_STATUS: bits 31:27, 22:16 and the status bits are read-only (0xF87F5555).
        List<Finding> thermal = AllowlistLinter.withBuiltInCatalog()
                .lint("0x0000019C 0x00000000FFFFFFFF\n".getBytes(StandardCharsets.US_ASCII), "t");
        assertEquals(List.of(Rule.WRITABLE_READ_ONLY_BITS), thermal.stream().map(Finding::rule).toList());
        assertTrue(thermal.get(0).message().contains("allows bits 0xF87F5555, which the register catalog marks"
                + " read-only"), thermal.get(0).message());
        // IA32_PERF_CTL defines bits 15:0 and 32; the catalog records no reserved bits, so a mask of all
        // ones passes (the rule's text says so).
        assertEquals(List.of(), AllowlistLinter.withBuiltInCatalog()
                .lint("0x00000199 0xFFFFFFFFFFFFFFFF\n".getBytes(StandardCharsets.US_ASCII), "t"));
        assertTrue(Rule.WRITABLE_READ_ONLY_BITS.description().contains("not record reserved bits"));
    }
}
