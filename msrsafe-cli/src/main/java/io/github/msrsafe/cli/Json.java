package io.github.msrsafe.cli;

import java.util.List;
import java.util.Map;

/**
 * Writes the small JSON documents of {@code --json}: maps (in insertion order), lists,
 * strings, numbers, booleans and null, indented by two spaces. 64-bit register values
 * go out as strings ("0x..."), because many JSON readers hold numbers as doubles.
 */
final class Json {

    private Json() {}

    /** {@code value} as indented JSON text, without a final newline. */
    static String write(Object value) {
        StringBuilder text = new StringBuilder();
        write(value, text, 0);
        return text.toString();
    }

    private static void write(Object value, StringBuilder text, int depth) {
        switch (value) {
            case null -> text.append("null");
            case String s -> quote(s, text);
            case Boolean b -> text.append(b);
            case Integer i -> text.append(i);
            case Long l -> text.append(l);
            case Double d -> text.append(d);
            case Map<?, ?> map -> {
                if (map.isEmpty()) {
                    text.append("{}");
                    return;
                }
                text.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    text.append(first ? "\n" : ",\n");
                    first = false;
                    indent(text, depth + 1);
                    quote(String.valueOf(entry.getKey()), text);
                    text.append(": ");
                    write(entry.getValue(), text, depth + 1);
                }
                text.append('\n');
                indent(text, depth);
                text.append('}');
            }
            case List<?> list -> {
                if (list.isEmpty()) {
                    text.append("[]");
                    return;
                }
                text.append('[');
                boolean first = true;
                for (Object element : list) {
                    text.append(first ? "\n" : ",\n");
                    first = false;
                    indent(text, depth + 1);
                    write(element, text, depth + 1);
                }
                text.append('\n');
                indent(text, depth);
                text.append(']');
            }
            default -> throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }

    private static void indent(StringBuilder text, int depth) {
        text.append("  ".repeat(depth));
    }

    private static void quote(String s, StringBuilder text) {
        text.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    if (c < 0x20) {
                        text.append(String.format("\\u%04x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        text.append('"');
    }
}
