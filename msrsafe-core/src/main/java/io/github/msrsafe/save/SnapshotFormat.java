package io.github.msrsafe.save;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The file formats of saved MSR state. */
public enum SnapshotFormat {
    /**
     * msrsave's raw file: little-endian u64 slots, CPU-major, nothing else. Interchangeable
     * with the msrsave tool that ships with msr-safe, in both directions.
     */
    RAW,
    /**
     * A self-describing text file (CPU, address, mask, value per line, with the time and the
     * allowlist's fingerprint) that restore refuses to apply under a different allowlist.
     */
    TEXT,
    /** For reading only: {@link #TEXT} if the file starts with the text format's header, else {@link #RAW}. */
    AUTO;

    /**
     * {@return the format named {@code name}: "raw" (or "msrsave"), "text" or "auto", in any case}
     *
     * @param name the name
     * @throws IllegalArgumentException naming the value for anything else
     */
    public static SnapshotFormat parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "raw", "msrsave" -> RAW;
            case "text" -> TEXT;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException("unknown snapshot format '" + name
                    + "': use raw (msrsave's), text or auto");
        };
    }

    /**
     * The format of an existing file: TEXT if, after any comment ({@code #}) and blank lines
     * at its start, its first line is the text format's {@code msrsafe-snapshot} line; else
     * RAW. A raw file is register values, which would have to spell out those lines in ASCII
     * to be taken for text; pass the format explicitly to rule even that out.
     *
     * @param file the file
     * @return TEXT or RAW
     * @throws SnapshotException if it is not a regular file (a device or a pipe would block or never end)
     * @throws IOException if the file cannot be read
     */
    public static SnapshotFormat detect(Path file) throws IOException {
        StateFiles.requireRegular(file, "a saved state");
        byte[] start = new byte[8192];
        int length;
        try (InputStream in = Files.newInputStream(file)) {
            length = in.readNBytes(start, 0, start.length);
        }
        String head = new String(start, 0, length, StandardCharsets.ISO_8859_1);
        for (String line : head.split("\n", -1)) {
            String content = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (content.isBlank() || content.startsWith("#")) {
                continue;
            }
            return content.equals(TextSnapshot.MAGIC) ? TEXT : RAW;
        }
        return RAW;
    }
}
