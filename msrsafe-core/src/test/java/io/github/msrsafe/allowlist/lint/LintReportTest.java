package io.github.msrsafe.allowlist.lint;

import static io.github.msrsafe.allowlist.lint.StrictJson.array;
import static io.github.msrsafe.allowlist.lint.StrictJson.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LintReportTest {

    @TempDir
    Path root;

    private Path write(String relative, String text) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
        return file;
    }

    /** A tree with a clean file, a file with an error and a warning, and files a directory search skips. */
    private LintReport lintTree() throws IOException {
        write("b/al_06_6a", "0x00000010 0x0000000000000000 # TSC\n");
        write("a/al_06_55", "# \"quoted\" \\ header\n0x00000010 zz\n0x100000000 0x0000000000000000\n");
        write("a/README.md", "not an allowlist\n");
        write("a/.hidden/al_06_55", "garbage");
        write(".git/al_x", "garbage");
        return new AllowlistLinter().lint(List.of(root));
    }

    @Test
    void directoriesAreSearchedRecursivelyInPathOrder() throws IOException {
        LintReport report = lintTree();
        assertEquals(List.of(root.resolve("a/al_06_55").toString(), root.resolve("b/al_06_6a").toString()),
                report.files());
        assertEquals(List.of(Rule.EINVAL_NOT_A_NUMBER, Rule.UNREACHABLE_ADDRESS),
                report.findings().stream().map(Finding::rule).toList());
        assertTrue(AllowlistLinter.isAllowlistFileName("default_allowlist"));
        assertFalse(AllowlistLinter.isAllowlistFileName("allowlists.md"));
    }

    @Test
    void exitStatusFollowsTheThreshold() throws IOException {
        LintReport report = lintTree();
        assertEquals(LintReport.EXIT_FINDINGS, report.exitStatus(Severity.ERROR));
        assertEquals(LintReport.EXIT_FINDINGS, report.exitStatus(Severity.INFO));

        Path warnOnly = write("w/al_1", "0x100000000 0x0000000000000000\n");
        LintReport warnings = new AllowlistLinter().lint(List.of(warnOnly));
        assertEquals(LintReport.EXIT_CLEAN, warnings.exitStatus(Severity.ERROR));
        assertEquals(LintReport.EXIT_FINDINGS, warnings.exitStatus(Severity.WARNING));

        Path clean = write("c/al_2", "0x00000010 0x0000000000000000\n");
        assertEquals(LintReport.EXIT_CLEAN, new AllowlistLinter().lint(List.of(clean)).exitStatus(Severity.INFO));
    }

    @Test
    void anUnreadablePathIsExitStatusTwo() {
        LintReport report = new AllowlistLinter().lint(List.of(root.resolve("missing")));
        assertEquals(LintReport.EXIT_ERROR, report.exitStatus(Severity.ERROR));
        assertEquals(1, report.problems().size());
        assertTrue(report.toText().contains("missing: error: cannot read: no such file"), report.toText());
    }

    @Test
    void textHasOneLinePerFindingAndASummary() throws IOException {
        String text = lintTree().toText();
        String[] lines = text.split("\n");
        assertEquals(3, lines.length, text);
        assertTrue(lines[0].matches(".*al_06_55:2:12: error: write mask 'zz' is not a number \\(EINVAL\\): .*"
                + " \\[einval-not-a-number\\]"), lines[0]);
        assertTrue(lines[1].matches(".*al_06_55:3:1: warning: .* \\[unreachable-address\\]"), lines[1]);
        assertEquals("2 files: 1 error, 1 warning, 0 infos", lines[2]);
    }

    @Test
    void jsonCarriesEveryFieldAndIsValid() throws IOException {
        LintReport report = lintTree();
        Map<String, Object> json = object(StrictJson.parse(report.toJson()));
        assertEquals(LintReport.TOOL_NAME, json.get("tool"));
        assertEquals(report.files(), json.get("files"));
        Map<String, Object> summary = object(json.get("summary"));
        assertEquals(2L, summary.get("files"));
        assertEquals(1L, summary.get("error"));
        assertEquals(1L, summary.get("warning"));
        List<Object> findings = array(json.get("findings"));
        assertEquals(2, findings.size());
        Map<String, Object> first = object(findings.get(0));
        Finding expected = report.findings().get(0);
        assertEquals(expected.file(), first.get("file"));
        assertEquals(2L, first.get("line"));
        assertEquals(12L, first.get("column"));
        assertEquals("error", first.get("severity"));
        assertEquals("einval-not-a-number", first.get("rule"));
        assertEquals("EINVAL", first.get("errno"));
        assertEquals(expected.message(), first.get("message"));
        assertFalse(object(findings.get(1)).containsKey("errno"));
    }

    @Test
    void jsonEscapesEverythingThatNeedsIt() {
        Finding tricky = new Finding(Rule.NON_CANONICAL, Severity.INFO, "dir \"q\"\\x\u00e9\ud800.al", 1, 1,
                "tab\there, newline\nthere, bell\u0007, quote \" and backslash \\ and \u2028");
        LintReport report = new LintReport(List.of(tricky.file()), List.of(tricky), List.of());
        Map<String, Object> finding = object(array(object(StrictJson.parse(report.toJson())).get("findings")).get(0));
        assertEquals(tricky.message(), finding.get("message"));
        assertEquals(tricky.file(), finding.get("file"));
        assertTrue(report.toJson().chars().allMatch(c -> c < 0x7F), "JSON output is ASCII");
        StrictJson.parse(report.toSarif());
    }

    @Test
    void sarifHasTheStructureCodeScanningNeeds() throws IOException {
        LintReport report = lintTree();
        Map<String, Object> sarif = object(StrictJson.parse(report.toSarif()));
        assertEquals("2.1.0", sarif.get("version"));
        assertEquals(LintReport.SARIF_SCHEMA, sarif.get("$schema"));
        List<Object> runs = array(sarif.get("runs"));
        assertEquals(1, runs.size());
        Map<String, Object> run = object(runs.get(0));
        Map<String, Object> driver = object(object(object(run.get("tool")).get("driver")));
        assertEquals(LintReport.TOOL_NAME, driver.get("name"));
        List<Object> rules = array(driver.get("rules"));
        assertEquals(Rule.values().length, rules.size());
        for (Rule rule : Rule.values()) {
            Map<String, Object> described = object(rules.get(rule.ordinal()));
            assertEquals(rule.id(), described.get("id"));
            assertEquals(rule.title(), object(described.get("shortDescription")).get("text"));
            assertEquals(rule.severity().sarifLevel(),
                    object(described.get("defaultConfiguration")).get("level"));
        }
        List<Object> results = array(run.get("results"));
        assertEquals(report.findings().size(), results.size());
        Map<String, Object> result = object(results.get(0));
        assertEquals("einval-not-a-number", result.get("ruleId"));
        assertEquals((long) Rule.EINVAL_NOT_A_NUMBER.ordinal(), result.get("ruleIndex"));
        assertEquals("error", result.get("level"));
        assertEquals(report.findings().get(0).message(), object(result.get("message")).get("text"));
        Map<String, Object> location = object(object(array(result.get("locations")).get(0)).get("physicalLocation"));
        assertEquals(root.resolve("a/al_06_55").toUri().toString(),
                object(location.get("artifactLocation")).get("uri"));
        assertEquals(2L, object(location.get("region")).get("startLine"));
        assertEquals(12L, object(location.get("region")).get("startColumn"));
        assertEquals("warning", object(results.get(1)).get("level"));
        Map<String, Object> invocation = object(array(run.get("invocations")).get(0));
        assertEquals(Boolean.TRUE, invocation.get("executionSuccessful"));
    }

    @Test
    void sarifReportsUnreadableFilesAsNotifications() {
        LintReport report = new AllowlistLinter().lint(List.of(Path.of("no such dir/al_1")));
        Map<String, Object> run = object(array(object(StrictJson.parse(report.toSarif())).get("runs")).get(0));
        Map<String, Object> invocation = object(array(run.get("invocations")).get(0));
        assertEquals(Boolean.FALSE, invocation.get("executionSuccessful"));
        Map<String, Object> notification = object(array(invocation.get("toolExecutionNotifications")).get(0));
        assertEquals("error", notification.get("level"));
        Map<String, Object> location = object(object(array(notification.get("locations")).get(0))
                .get("physicalLocation"));
        assertEquals("no%20such%20dir/al_1", object(location.get("artifactLocation")).get("uri"));
    }

    @Test
    void infoIsASarifNote() {
        Finding note = new AllowlistLinter().lint("0x10 0\n".getBytes(StandardCharsets.US_ASCII), "al").get(0);
        LintReport report = new LintReport(List.of("al"), List.of(note), List.of());
        Map<String, Object> result = object(array(object(array(object(StrictJson.parse(report.toSarif()))
                .get("runs")).get(0)).get("results")).get(0));
        assertEquals("note", result.get("level"));
        assertEquals("al", object(object(object(array(result.get("locations")).get(0)).get("physicalLocation"))
                .get("artifactLocation")).get("uri"));
    }
}
