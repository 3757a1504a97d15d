package io.github.msrsafe.save;

import io.github.msrsafe.save.SnapshotException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads saved-state files with a bound decided before anything is read: a state file is a
 * regular file of known size, so a device (/dev/zero), a pipe or a directory is refused
 * outright, and a file larger than its format allows is refused by its size.
 */
final class StateFiles {

    private StateFiles() {}

    /**
     * The attributes of {@code file}, refused unless it is a regular file.
     *
     * @param what names the file in messages, e.g. "a saved state"
     * @throws SnapshotException (MALFORMED) if it is a directory, a device, a pipe or a socket
     * @throws java.nio.file.NoSuchFileException if there is no such file
     */
    static BasicFileAttributes requireRegular(Path file, String what) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            String kind = attributes.isDirectory() ? "a directory" : "a device, a pipe or a socket";
            throw new SnapshotException(Problem.MALFORMED, file, "this is " + kind + ", not a regular file; " + what
                    + " is a regular file (name the file 'msrsafe save' wrote). Nothing was restored.");
        }
        return attributes;
    }

    /**
     * The bytes of a regular file of at most {@code max} bytes.
     *
     * @throws SnapshotException (MALFORMED) if it is not a regular file or is larger than {@code max}
     */
    static byte[] readRegular(Path file, long max, String what) throws IOException {
        long size = requireRegular(file, what).size();
        if (size > max) {
            throw tooLarge(file, size, max, what);
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) max + 1); // the file may have grown since its size was read
        }
        if (bytes.length > max) {
            throw tooLarge(file, bytes.length, max, what);
        }
        return bytes;
    }

    private static SnapshotException tooLarge(Path file, long size, long max, String what) {
        return new SnapshotException(Problem.MALFORMED, file, "this file has " + size + " bytes; " + what
                + " is at most " + max + " bytes, so it is not one (or was appended to). Nothing was restored.");
    }
}
