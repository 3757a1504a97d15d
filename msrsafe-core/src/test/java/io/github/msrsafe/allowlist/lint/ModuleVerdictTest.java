package io.github.msrsafe.allowlist.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.Errno;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The module's verdict per file: in the report, in its JSON, and consistent with the findings. */
class ModuleVerdictTest {

    @Test
    void aGoodFileIsAccepted() {
        ModuleVerdict verdict = ModuleVerdict.of("0x10 0\n".getBytes(StandardCharsets.US_ASCII), "good");
        assertEquals(new ModuleVerdict("good", Optional.empty(), 0, 0, "", true), verdict);
        assertTrue(verdict.accepted());
        // At most 2 bytes: the module clears the allowlist; that is accepting the write.
        assertTrue(ModuleVerdict.of("\n".getBytes(StandardCharsets.US_ASCII), "clears").accepted());
    }

    @Test
    void aDuplicateIsTheModulesOneRejectionAndEmptiesTheLiveList() {
        ModuleVerdict verdict = ModuleVerdict.of("0x10 0\n0x11 0\n16 0\n".getBytes(StandardCharsets.US_ASCII), "dup");
        assertEquals(Optional.of(Errno.ENOTUNIQ), verdict.errno());
        assertEquals(3, verdict.line());
        assertEquals(1, verdict.column());
        assertFalse(verdict.keepsPreviousAllowlist());
    }

    @Test
    void theLinterListsEveryProblemAndTheVerdictTheFirst(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("al_bad");
        Files.writeString(bad, "0x10 zz\n0x12 0x\n0x13 0\n", StandardCharsets.US_ASCII);
        Path good = dir.resolve("al_good");
        Files.writeString(good, "0x00000010 0x0000000000000000\n", StandardCharsets.US_ASCII);
        LintReport report = AllowlistLinter.withBuiltInCatalog().lint(List.of(bad, good));
        assertEquals(2, report.count(Severity.ERROR), report.toText());
        assertEquals(2, report.verdicts().size());
        ModuleVerdict first = report.verdicts().get(0);
        assertEquals(bad.toString(), first.file());
        assertEquals(Optional.of(Errno.EINVAL), first.errno());
        assertEquals(1, first.line());
        assertEquals(6, first.column());
        assertTrue(report.verdicts().get(1).accepted());

        String json = report.toJson();
        assertTrue(json.contains("\"verdicts\": ["), json);
        assertTrue(json.contains("\"file\": \"" + bad + "\",\n      \"accepted\": false,\n      \"errno\": \"EINVAL\",\n"
                + "      \"line\": 1,\n      \"column\": 6,"), json);
        assertTrue(json.contains("\"file\": \"" + good + "\",\n      \"accepted\": true\n"), json);
    }
}
