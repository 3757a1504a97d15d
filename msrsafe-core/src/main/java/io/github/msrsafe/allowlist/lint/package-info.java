/**
 * A linter for allowlist files: everything the msr_safe module would reject, what it would accept
 * although it is almost certainly a mistake (an octal number, an entry split over two lines, a
 * write mask that grants read-only bits), and non-canonical formatting. Reports are text, JSON or
 * SARIF 2.1.0 for code scanning; rule ids are stable ({@link io.github.msrsafe.allowlist.lint.Rule}).
 * {@snippet lang=java :
 * LintReport report = AllowlistLinter.withBuiltInCatalog().lint(List.of(Path.of("allowlists")));
 * Files.writeString(Path.of("allowlists.sarif"), report.toSarif());
 * System.exit(report.exitStatus(Severity.ERROR));
 * }
 */
package io.github.msrsafe.allowlist.lint;
