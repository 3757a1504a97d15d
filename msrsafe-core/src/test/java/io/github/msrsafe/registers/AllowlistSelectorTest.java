package io.github.msrsafe.registers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.registers.AllowlistSelector.Candidate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AllowlistSelectorTest {

    private static final CpuIdentity SKYLAKE_SP = new CpuIdentity(CpuIdentity.INTEL, 0x6, 0x55);
    private static final CpuIdentity SAPPHIRE_RAPIDS = new CpuIdentity(CpuIdentity.INTEL, 0x6, 0x8F);
    private static final CpuIdentity ALDER_LAKE = new CpuIdentity(CpuIdentity.INTEL, 0x6, 0x9A);
    private static final CpuIdentity ZEN3 = new CpuIdentity(CpuIdentity.AMD, 0x19, 0x1);

    @ParameterizedTest
    @CsvSource({"6, 0x55, al_06_55", "6, 0x6A, al_06_6A", "6, 0x8F, al_06_8F", "0x19, 0x1, al_19_1",
            "0x19, 0x11, al_19_11", "0x17, 0x31, al_17_31", "6, 0x0, al_06_0"})
    void canonicalNameIsTwoFamilyDigitsUnderscoreModelInUpperCaseHex(String family, String model, String name) {
        assertEquals(name, AllowlistSelector.fileName(new CpuIdentity("x", Integer.decode(family), Integer.decode(model))));
    }

    @ParameterizedTest
    @CsvSource({
            "al_06_55, 0x6, 0x55, true", "al_0655, 0x6, 0x55, false", "al_068f, 0x6, 0x8F, false",
            "al_068F, 0x6, 0x8F, false", "al_06_8f, 0x6, 0x8F, false", "al_19_1, 0x19, 0x1, true",
            "al_191, 0x19, 0x1, false", "al_19_01, 0x19, 0x1, false", "al_1911, 0x19, 0x11, false",
    })
    void acceptsTheReadmeSpellingAndOtherCases(String name, String family, String model, boolean canonical) {
        Candidate candidate = AllowlistSelector.candidate(Path.of("/dir", name)).orElseThrow();
        assertEquals(Integer.decode(family), candidate.family());
        assertEquals(Integer.decode(model), candidate.model());
        assertEquals(canonical, candidate.canonical());
        assertEquals(Path.of("/dir", name), candidate.file());
    }

    @ParameterizedTest
    @ValueSource(strings = {"al_06_55.orig", "al_6_55", "al_06_555", "al_06_", "al_06_5x", "AL_06_55", "README.md",
            "al_06__55", "xal_06_55", "al-06-55"})
    void otherNamesAreNotAllowlists(String name) {
        assertEquals(Optional.empty(), AllowlistSelector.candidate(Path.of(name)));
    }

    @Property(tries = 300)
    void everyNameTheRuleProducesReadsBackToItsProcessor(@ForAll @IntRange(max = 0xFF) int family,
                                                         @ForAll @IntRange(max = 0xFF) int model) {
        CpuIdentity cpu = new CpuIdentity(CpuIdentity.INTEL, family, model);
        Candidate canonical = AllowlistSelector.candidate(Path.of(AllowlistSelector.fileName(cpu))).orElseThrow();
        assertTrue(canonical.fits(cpu) && canonical.canonical());
        // The README's printf 'al_%.2x%x' spelling names the same processor.
        Candidate readme = AllowlistSelector.candidate(Path.of("al_%02x%x".formatted(family, model))).orElseThrow();
        assertTrue(readme.fits(cpu));
    }

    @Test
    void prefersTheCanonicalSpellingAndIgnoresDirectoriesAndOtherFiles(@TempDir Path dir) throws IOException {
        for (String name : List.of("al_0655", "al_06_55", "al_191", "README.md", "al_06_55.orig")) {
            Files.writeString(dir.resolve(name), "0x00000010 0x0000000000000000\n");
        }
        Files.createDirectory(dir.resolve("al_06_8F"));

        assertEquals(Optional.of(dir.resolve("al_06_55")), AllowlistSelector.select(dir, SKYLAKE_SP));
        assertEquals(Optional.of(dir.resolve("al_191")), AllowlistSelector.select(dir, ZEN3));
        assertEquals(Optional.empty(), AllowlistSelector.select(dir, SAPPHIRE_RAPIDS), "a directory is not an allowlist");
        assertEquals(List.of("al_06_55", "al_0655", "al_191"),
                AllowlistSelector.candidates(dir).stream().map(c -> c.file().getFileName().toString()).toList());
    }

    @Test
    void theReadmeSpellingAloneIsFound(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("al_068f"), "0x00000010 0x0000000000000000\n");
        assertEquals(dir.resolve("al_068f"), AllowlistSelector.require(dir, SAPPHIRE_RAPIDS));
        assertFalse(AllowlistSelector.select(dir, SKYLAKE_SP).isPresent());
    }

    @Test
    void aMissingAllowlistSaysWhatWasWantedAndWhatIsThere(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("al_06_55"), "");
        Files.writeString(dir.resolve("al_19_1"), "");
        var error = assertThrows(NoSuchFileException.class, () -> AllowlistSelector.require(dir, ALDER_LAKE));
        assertEquals(dir.resolve("al_06_9A").toString(), error.getFile());
        assertEquals("no allowlist for family 0x6 model 0x9A (GenuineIntel) in " + dir + ": looked for al_06_9A; "
                + "available: al_06_55 (family 0x6 model 0x55), al_19_1 (family 0x19 model 0x1)", error.getReason());
        assertTrue(error.getMessage().contains("no allowlist for family 0x6 model 0x9A"), error.getMessage());
    }

    @Test
    void anEmptyOrAbsentDirectoryIsReported(@TempDir Path dir) {
        var empty = assertThrows(NoSuchFileException.class, () -> AllowlistSelector.require(dir, ALDER_LAKE));
        assertTrue(empty.getReason().endsWith("available: none (no file named al_<family>_<model>)"), empty.getReason());
        assertThrows(NoSuchFileException.class, () -> AllowlistSelector.select(dir.resolve("absent"), ALDER_LAKE));
    }

    @Test
    void theProjectsAllowlistsCoverEveryCatalogProcessor() throws IOException {
        Path allowlists = CuratedAllowlistsTest.allowlistsDirectory();
        for (CpuIdentity cpu : RegisterCatalog.builtIn().cpus()) {
            Path selected = AllowlistSelector.require(allowlists, cpu);
            assertEquals(AllowlistSelector.fileName(cpu), selected.getFileName().toString(), cpu::toString);
        }
    }
}
