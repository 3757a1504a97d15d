package io.github.msrsafe.internal.allowlist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads allowlist files with a bound: the module takes at most {@link Verdicts#MAX_WRITE_BYTES}
 * in one write, so one byte more decides E2BIG and nothing beyond it is read. A huge file, a
 * device such as /dev/zero or a pipe that never ends costs the same as a file just too large.
 */
public final class AllowlistFiles {

    private AllowlistFiles() {}

    /**
     * What a bounded read found.
     *
     * @param bytes the first {@code MAX_WRITE_BYTES + 1} bytes at most
     * @param size  the file's whole size; when {@code bytes} is at the bound, the size of a
     *              regular file, or -1 for a device or pipe whose size is unknown
     */
    public record Text(byte[] bytes, long size) {
        /** {@return whether the text is larger than the module accepts (E2BIG)} */
        public boolean tooLarge() {
            return bytes.length > Verdicts.MAX_WRITE_BYTES;
        }
    }

    /**
     * Reads at most {@code MAX_WRITE_BYTES + 1} bytes of {@code file}.
     *
     * @param file the file
     * @return the bytes and the size
     * @throws IOException if it cannot be read
     */
    public static Text read(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(Verdicts.MAX_WRITE_BYTES + 1);
        }
        if (bytes.length <= Verdicts.MAX_WRITE_BYTES) {
            return new Text(bytes, bytes.length);
        }
        return new Text(bytes, Files.isRegularFile(file) ? Math.max(Files.size(file), bytes.length) : -1);
    }
}
