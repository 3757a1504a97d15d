package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModuleVersionTest {

    @Test
    void parsesTheVersionFileIncludingItsNulTerminator() {
        ModuleVersion version = ModuleVersion.parse("1.8.0\0");
        assertEquals(new ModuleVersion(1, 8, 0), version);
        assertEquals(0x00010800, version.u32());
        assertEquals("1.8.0", version.toString());
    }

    @Test
    void toleratesATrailingNewline() {
        assertEquals(new ModuleVersion(1, 7, 2), ModuleVersion.parse("1.7.2\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.8", "1.8.0.1", "a.b.c", "1..0", "1.8.x", "1.300.0"})
    void rejectsWhatIsNotAVersion(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModuleVersion.parse(text));
        assertTrue(e.getMessage().contains("version"), e.getMessage());
    }

    @Test
    void compatibilityCoversThe1xSeriesFromTheFirstVersionFile() {
        assertTrue(new ModuleVersion(1, 8, 0).isCompatible());
        assertTrue(new ModuleVersion(1, 6, 0).isCompatible());
        assertFalse(new ModuleVersion(1, 5, 9).isCompatible());
        assertTrue(new ModuleVersion(2, 0, 0).isCompatible());
        assertTrue(new ModuleVersion(2, 0, 4).isCompatible());
        assertFalse(new ModuleVersion(3, 0, 0).isCompatible());
        assertFalse(new ModuleVersion(0, 9, 0).isCompatible());
    }

    @Property
    void u32OrdersLikeTheVersion(@ForAll @IntRange(max = 300) int major, @ForAll @IntRange(max = 255) int minor,
                                 @ForAll @IntRange(max = 255) int patch) {
        ModuleVersion version = new ModuleVersion(major, minor, patch);
        assertEquals(version, ModuleVersion.parse(version.toString()));
        assertEquals(major, version.u32() >>> 16);
        assertEquals(minor, (version.u32() >>> 8) & 0xFF);
        assertEquals(patch, version.u32() & 0xFF);
    }
}
