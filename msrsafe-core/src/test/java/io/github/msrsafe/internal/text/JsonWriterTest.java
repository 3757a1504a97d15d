package io.github.msrsafe.internal.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

    @Test
    void treesEscapeAndNest() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("a", "q\"\\\n\u0001");
        document.put("b", Arrays.asList(1, true, null));
        document.put("c", Map.of());
        assertEquals("{\n  \"a\": \"q\\\"\\\\\\n\\u0001\",\n  \"b\": [\n    1,\n    true,\n    null\n  ],\n  \"c\": {}\n}",
                JsonWriter.write(document));
    }

    @Test
    void elementsWriteTheSameTextAsTheTree() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("name", "x");
        tree.put("values", List.of(1L, -2L));
        tree.put("empty", List.of());
        String elements = new JsonWriter().beginObject().field("name", "x")
                .name("values").beginArray().value(1).value(-2).endArray()
                .name("empty").beginArray().endArray()
                .endObject().text();
        assertEquals(JsonWriter.write(tree), elements);
    }

    @Test
    void outputIsAsciiWithShortEscapesWhereJsonHasThem() {
        assertEquals("\"\\b\\f\\t\\r \\u00e9 \\u2028 \\ud800 \\u007f\"",
                JsonWriter.write("\b\f\t\r \u00e9 \u2028 \ud800 \u007f"));
    }

    @Test
    void numbersJsonCannotWriteAreNull() {
        assertEquals("[\n  0.5,\n  null,\n  null,\n  null\n]", JsonWriter.write(
                List.of(0.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)));
    }

    @Test
    void misuseIsRefused() {
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> JsonWriter.write(List.of(new Object())));
        assertEquals("no JSON form for java.lang.Object", type.getMessage());
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginArray().text());
        assertThrows(IllegalStateException.class, () -> new JsonWriter().endObject());
    }

    @Test
    void deepNestingGrowsTheStack() {
        Object tree = "leaf";
        for (int i = 0; i < 40; i++) {
            tree = List.of(tree);
        }
        String text = JsonWriter.write(tree);
        assertEquals(40, text.chars().filter(c -> c == '[').count());
        assertEquals(40, text.chars().filter(c -> c == ']').count());
    }
}
