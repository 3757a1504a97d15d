package io.github.msrsafe.allowlist.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                .lint("0x00000611 0x00000000FFFFFFFF\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "t");
        assertTrue(findings.stream().anyMatch(f -> f.rule() == Rule.WRITABLE_READ_ONLY_BITS), findings.toString());
    }
}
