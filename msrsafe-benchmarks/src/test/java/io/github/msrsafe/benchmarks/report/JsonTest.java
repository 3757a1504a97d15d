package io.github.msrsafe.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesNestedValuesInFileOrder() {
        Object value = Json.parse(" {\"b\": [1, -2.5e3, true, false, null], \"a\": {\"x\": \"y\"}, \"c\": []} ");
        Map<?, ?> object = (Map<?, ?>) value;
        assertEquals(List.of("b", "a", "c"), List.copyOf(object.keySet()));
        List<?> array = (List<?>) object.get("b");
        assertEquals(1.0, array.get(0));
        assertEquals(-2500.0, array.get(1));
        assertEquals(Boolean.TRUE, array.get(2));
        assertEquals(Boolean.FALSE, array.get(3));
        assertNull(array.get(4));
        assertEquals(Map.of("x", "y"), object.get("a"));
        assertEquals(List.of(), object.get("c"));
    }

    @Test
    void decodesEscapes() {
        assertEquals("a\"b\\c/d\n\t\u00e9", Json.parse("\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\""));
    }

    @Test
    void keepsJmhNaNStringsAsStrings() {
        assertEquals("NaN", Json.parse("\"NaN\""));
    }

    @Test
    void rejectsMalformedInputWithItsOffset() {
        IllegalArgumentException missingComma = assertThrows(IllegalArgumentException.class,
                () -> Json.parse("[1 2]"));
        assertTrue(missingComma.getMessage().contains("offset 3"), missingComma.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\" 1}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"unterminated"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1] trailing"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("tru"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse(""));
    }
}
