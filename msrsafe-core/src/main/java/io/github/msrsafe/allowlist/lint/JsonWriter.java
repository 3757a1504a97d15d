package io.github.msrsafe.allowlist.lint;

import java.util.Arrays;

/**
 * A small pretty-printing JSON writer (the core has no dependencies). Output
 * is pure ASCII: every non-ASCII or control character is written as a
 * {@code \\uXXXX} escape, so any Java string, lone surrogates included, gives
 * valid JSON.
 */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder(1024);
    /** Per open container: true while it has no element yet. */
    private boolean[] empty = new boolean[16];
    private int depth;
    private boolean afterName;

    JsonWriter beginObject() {
        return open('{');
    }

    JsonWriter endObject() {
        return close('}');
    }

    JsonWriter beginArray() {
        return open('[');
    }

    JsonWriter endArray() {
        return close(']');
    }

    JsonWriter name(String name) {
        separate();
        string(name);
        out.append(": ");
        afterName = true;
        return this;
    }

    JsonWriter value(String value) {
        separate();
        string(value);
        return this;
    }

    JsonWriter value(long value) {
        separate();
        out.append(value);
        return this;
    }

    JsonWriter value(boolean value) {
        separate();
        out.append(value);
        return this;
    }

    /** {@code "name": "value"}. */
    JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    /** {@code "name": value}. */
    JsonWriter field(String name, long value) {
        return name(name).value(value);
    }

    /** The text, ending in a newline; IllegalStateException if a container is still open. */
    String finish() {
        if (depth != 0) {
            throw new IllegalStateException("JSON has " + depth + " unclosed containers");
        }
        return out.append('\n').toString();
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
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
