package io.github.msrsafe.internal.allowlist;

import java.util.Arrays;

/**
 * Byte offsets to 1-based line and column (in bytes). Lines end at {@code '\n'}
 * only, as in an editor; the kernel itself has no notion of lines.
 */
public final class LineMap {
    private final int[] lineStarts;
    private final int lineCount;

    public LineMap(byte[] text) {
        this(text, text.length);
    }

    /** The lines of the first {@code length} bytes of {@code text}. */
    public LineMap(byte[] text, int length) {
        int[] starts = new int[16];
        int count = 1;
        for (int at = 0; at < length; at++) {
            if (text[at] == '\n') {
                if (count == starts.length) {
                    starts = Arrays.copyOf(starts, count * 2);
                }
                starts[count++] = at + 1;
            }
        }
        this.lineStarts = starts;
        this.lineCount = count;
    }

    /** The 1-based line of {@code offset}. */
    public int line(int offset) {
        int found = Arrays.binarySearch(lineStarts, 0, lineCount, offset);
        return found >= 0 ? found + 1 : -found - 1;
    }

    /** The 1-based column (in bytes) of {@code offset}. */
    public int column(int offset) {
        return offset - lineStarts[line(offset) - 1] + 1;
    }

    /** The offset where 1-based {@code line} starts. */
    public int lineStart(int line) {
        return lineStarts[line - 1];
    }

    /** How many lines there are (a text ending in '\n' has an empty last line). */
    public int lineCount() {
        return lineCount;
    }
}
