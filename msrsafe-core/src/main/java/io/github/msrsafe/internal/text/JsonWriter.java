package io.github.msrsafe.internal.text;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON indented by two spaces: element by element ({@link #beginObject()},
 * {@link #name(String)}, {@link #value(String)}, ...) or a whole tree of maps and lists at
 * once ({@link #write(Object)}). The output is pure ASCII: every control or non-ASCII
 * character is written as a {@code \\uXXXX} escape, so any Java string, lone surrogates
 * included, gives valid JSON. Not thread-safe; one writer makes one document.
 */
public final class JsonWriter {

    private static final HexFormat HEX_DIGITS = HexFormat.of();

    private final StringBuilder out = new StringBuilder(1024);
    /** Per open container: true while it has no element yet. */
    private boolean[] empty = new boolean[16];
    private int depth;
    private boolean afterName;

    /** A writer with nothing written yet. */
    public JsonWriter() {}

    /**
     * {@return {@code tree} as indented JSON text, without a final newline}
     *
     * @param tree a value {@link #tree(Object)} accepts
     * @throws IllegalArgumentException if the tree holds a value JSON has no form for
     */
    public static String write(Object tree) {
        return new JsonWriter().tree(tree).text();
    }

    /**
     * Opens an object.
     *
     * @return this writer
     */
    public JsonWriter beginObject() {
        return open('{');
    }

    /**
     * Closes the innermost object.
     *
     * @return this writer
     */
    public JsonWriter endObject() {
        return close('}');
    }

    /**
     * Opens an array.
     *
     * @return this writer
     */
    public JsonWriter beginArray() {
        return open('[');
    }

    /**
     * Closes the innermost array.
     *
     * @return this writer
     */
    public JsonWriter endArray() {
        return close(']');
    }

    /**
     * Writes a member's name; its value comes next.
     *
     * @param name the name
     * @return this writer
     */
    public JsonWriter name(String name) {
        separate();
        string(name);
        out.append(": ");
        afterName = true;
        return this;
    }

    /**
     * Writes a string, or {@code null} if {@code value} is null.
     *
     * @param value the string, or null
     * @return this writer
     */
    public JsonWriter value(String value) {
        separate();
        if (value == null) {
            out.append("null");
        } else {
            string(value);
        }
        return this;
    }

    /**
     * Writes a number.
     *
     * @param value the number
     * @return this writer
     */
    public JsonWriter value(long value) {
        separate();
        out.append(value);
        return this;
    }

    /**
     * Writes a number; NaN and the infinities, which JSON has no form for, as {@code null}
     * (as JavaScript's {@code JSON.stringify} does).
     *
     * @param value the number
     * @return this writer
     */
    public JsonWriter value(double value) {
        separate();
        if (Double.isFinite(value)) {
            out.append(value);
        } else {
            out.append("null");
        }
        return this;
    }

    /**
     * Writes {@code true} or {@code false}.
     *
     * @param value the truth value
     * @return this writer
     */
    public JsonWriter value(boolean value) {
        separate();
        out.append(value);
        return this;
    }

    /**
     * Writes {@code "name": "value"}.
     *
     * @param name  the member's name
     * @param value its string value, or null
     * @return this writer
     */
    public JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    /**
     * Writes {@code "name": value}.
     *
     * @param name  the member's name
     * @param value its number
     * @return this writer
     */
    public JsonWriter field(String name, long value) {
        return name(name).value(value);
    }

    /**
     * Writes a whole value: a {@link Map} (an object, in the map's
     * order, keys written with {@code String.valueOf}), a {@link List} (an array), a String,
     * Boolean, Integer, Long or Double, or null.
     *
     * @param tree the value
     * @return this writer
     * @throws IllegalArgumentException if the tree holds any other type
     */
    public JsonWriter tree(Object tree) {
        switch (tree) {
            case null -> value((String) null);
            case String s -> value(s);
            case Boolean b -> value(b.booleanValue());
            case Integer i -> value(i.longValue());
            case Long l -> value(l.longValue());
            case Double d -> value(d.doubleValue());
            case Map<?, ?> map -> {
                beginObject();
                map.forEach((key, member) -> name(String.valueOf(key)).tree(member));
                endObject();
            }
            case List<?> list -> {
                beginArray();
                list.forEach(this::tree);
                endArray();
            }
            default -> throw new IllegalArgumentException("no JSON form for " + tree.getClass().getName());
        }
        return this;
    }

    /**
     * {@return the document written, without a final newline}
     *
     * @throws IllegalStateException if an object or array is still open
     */
    public String text() {
        if (depth != 0) {
            throw new IllegalStateException("JSON has " + depth + " unclosed containers");
        }
        return out.toString();
    }

    private JsonWriter open(char bracket) {
        separate();
        out.append(bracket);
        depth++;
        if (depth == empty.length) {
            empty = Arrays.copyOf(empty, depth * 2);
        }
        empty[depth] = true;
        return this;
    }

    private JsonWriter close(char bracket) {
        if (depth == 0) {
            throw new IllegalStateException("no container to close with " + bracket);
        }
        boolean wasEmpty = empty[depth];
        depth--;
        if (!wasEmpty) {
            newline();
        }
        out.append(bracket);
        return this;
    }

    /** Before a value or name: the comma and line break, unless right after a name. */
    private void separate() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (depth > 0) {
            if (!empty[depth]) {
                out.append(',');
            }
            empty[depth] = false;
            newline();
        }
    }

    private void newline() {
        out.append('\n');
        out.repeat("  ", depth);
    }

    private void string(String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c >= 0x7F) {
                        out.append("\\u").append(HEX_DIGITS.toHexDigits(c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
