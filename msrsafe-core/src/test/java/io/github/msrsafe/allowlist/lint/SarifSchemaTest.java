package io.github.msrsafe.allowlist.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The linter's SARIF against the SARIF 2.1.0 JSON schema (src/test/resources/sarif, with
 * its origin and license), and what code-scanning services need beyond the schema: rules
 * with help and a helpUri, locations relative to the repository's root through
 * originalUriBaseIds, and the module's verdict per file.
 */
class SarifSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path repository;

    private static JsonSchema schema() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("src", "test", "resources", "sarif", "sarif-2.1.0.json"))) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
    }

    /** A repository with a good allowlist, a bad one, a file outside it and a path that is missing. */
    private LintReport report(Path outside) throws IOException {
        Path allowlists = Files.createDirectories(repository.resolve("allowlists"));
        Files.writeString(allowlists.resolve("al_06_55"), "0x00000010 0x0000000000000000\n", StandardCharsets.US_ASCII);
        Files.writeString(allowlists.resolve("al_bad"), "0x10 0\n0x10 0\nzz 0\n0x3A 0x1", StandardCharsets.US_ASCII);
        Files.writeString(outside, "0x10 0 0x10\n", StandardCharsets.US_ASCII);
        return AllowlistLinter.withBuiltInCatalog().lint(List.of(allowlists, outside, repository.resolve("missing")));
    }

    @Test
    void sarifValidatesAgainstTheSchema(@TempDir Path elsewhere) throws IOException {
        LintReport report = report(elsewhere.resolve("al_outside"));
        assertTrue(report.findings().size() > 3 && !report.problems().isEmpty(), report.toText());
        JsonNode sarif = JSON.readTree(report.toSarif(repository));
        Set<ValidationMessage> errors = schema().validate(sarif);
        assertEquals(Set.of(), errors, "SARIF 2.1.0 schema");
        // The schema is strict (additionalProperties: false): a misspelt property does not pass.
        ((com.fasterxml.jackson.databind.node.ObjectNode) sarif.get("runs").get(0)).put("originalUriBaseId", "typo");
        assertFalse(schema().validate(sarif).isEmpty(), "the schema check catches a stray property");
    }

    @Test
    void everyRuleHasHelpAndAHelpUri() throws IOException {
        JsonNode rules = JSON.readTree(new LintReport(List.of(), List.of(), List.of()).toSarif(repository))
                .get("runs").get(0).get("tool").get("driver").get("rules");
        assertEquals(Rule.values().length, rules.size());
        for (JsonNode rule : rules) {
            String id = rule.get("id").asText();
            assertEquals(LintReport.RULES_HELP_URI, rule.path("helpUri").asText(), id);
            assertTrue(rule.path("help").path("text").asText().contains(id), id + ": " + rule.path("help"));
            assertTrue(rule.path("help").path("markdown").asText().contains("`" + id + "`"), id);
        }
    }

    @Test
    void locationsAreRelativeToTheRepository(@TempDir Path elsewhere) throws IOException {
        Path outside = elsewhere.resolve("al_outside");
        JsonNode run = JSON.readTree(report(outside).toSarif(repository)).get("runs").get(0);
        String root = run.get("originalUriBaseIds").get(LintReport.SOURCE_ROOT).get("uri").asText();
        String expected = repository.toUri().toString();
        assertEquals(expected.endsWith("/") ? expected : expected + "/", root);
        boolean sawRelative = false;
        for (JsonNode result : run.get("results")) {
            JsonNode location = result.get("locations").get(0).get("physicalLocation").get("artifactLocation");
            String uri = location.get("uri").asText();
            if (uri.startsWith("allowlists/")) {
                assertEquals(LintReport.SOURCE_ROOT, location.get("uriBaseId").asText(), uri);
                assertEquals(uri, run.get("artifacts").get(location.get("index").asInt()).get("location").get("uri").asText());
                sawRelative = true;
            } else {
                assertEquals(outside.toUri().toString(), uri, "a file outside the repository keeps its absolute URI");
                assertTrue(location.path("uriBaseId").isMissingNode(), uri);
            }
        }
        assertTrue(sawRelative, run.toString());
    }

    @Test
    void artifactsCarryTheModulesVerdict(@TempDir Path elsewhere) throws IOException {
        JsonNode artifacts = JSON.readTree(report(elsewhere.resolve("al_outside")).toSarif(repository)).get("runs").get(0)
                .get("artifacts");
        JsonNode good = null;
        JsonNode bad = null;
        for (JsonNode artifact : artifacts) {
            String uri = artifact.get("location").get("uri").asText();
            if (uri.equals("allowlists/al_06_55")) {
                good = artifact;
            } else if (uri.equals("allowlists/al_bad")) {
                bad = artifact;
            }
        }
        assertTrue(good.get("properties").get("moduleAccepts").asBoolean(), artifacts.toString());
        assertFalse(bad.get("properties").get("moduleAccepts").asBoolean(), artifacts.toString());
        // The one error the module stops at, as the parser (which is exact about the module) finds it.
        String expected;
        try {
            io.github.msrsafe.allowlist.Allowlist.parse(Files.readAllBytes(repository.resolve("allowlists/al_bad")));
            throw new AssertionError("the parser accepted al_bad");
        } catch (io.github.msrsafe.allowlist.AllowlistException e) {
            expected = e.errno().name();
        }
        assertEquals(expected, bad.get("properties").get("moduleErrno").asText(), artifacts.toString());
        assertTrue(bad.get("properties").get("moduleLine").asInt() > 0, bad.toString());
    }
}
