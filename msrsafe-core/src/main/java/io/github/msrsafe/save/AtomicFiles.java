package io.github.msrsafe.save;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Replaces a file so that readers see either the old content or the new, never
 * a mix, and a failure leaves the old file as it was: the bytes go to a
 * temporary file in the same directory (same file system, so the rename is
 * atomic), are forced to disk, and the temporary file is renamed over the target.
 */
final class AtomicFiles {
    private AtomicFiles() {}

    static void write(Path target, byte[] content) throws IOException {
        Pending pending = prepare(target, content);
        try {
            pending.commit();
        } finally {
            pending.discard();
        }
    }

    /**
     * Refuses a target that exists and is neither a regular file nor a symbolic link (which the
     * rename replaces, leaving what it points to alone). Renaming a new file over a device node,
     * a pipe or a socket removes that node: run as root, saving to /dev/null would replace the
     * system's /dev/null with a regular file.
     *
     * @throws FileSystemException naming the target, with the reason, if it is a directory, a
     *                             device, a pipe or a socket
     */
    static void requireReplaceable(Path target) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            return;
        }
        if (attributes.isDirectory()) {
            throw new FileSystemException(target.toString(), null, "it is a directory; name a file to save to");
        }
        if (attributes.isOther()) {
            throw new FileSystemException(target.toString(), null, "it is a device, a pipe or a socket, not a"
                    + " regular file; saving renames a new file over the one it names, which would remove that node:"
                    + " name a regular file");
        }
    }

    /**
     * Writes {@code content} to a temporary file beside {@code target} and forces it to disk;
     * {@link Pending#commit()} renames it over the target. Two files are replaced together
     * by preparing both before committing either.
     */
    static Pending prepare(Path target, byte[] content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        if (directory == null || absolute.getFileName() == null) {
            throw new IOException(target + " names a directory, not a file");
        }
        requireReplaceable(absolute);
        Path temporary = Files.createTempFile(directory, "." + absolute.getFileName() + ".", ".tmp");
        Pending pending = new Pending(absolute, temporary);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            return pending;
        } catch (IOException | RuntimeException | Error e) {
            try {
                pending.discard();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** A temporary file, written and forced, waiting to be renamed over its target. */
    static final class Pending {
        private final Path target;
        private final Path temporary;
        private boolean moved;

        private Pending(Path target, Path temporary) {
            this.target = target;
            this.temporary = temporary;
        }

        /** Renames the temporary file over the target, atomically. */
        void commit() throws IOException {
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically: the file system of "
                        + target.getParent() + " does not support an atomic rename", e);
            }
            moved = true;
        }

        /** Removes the temporary file unless it was committed. */
        void discard() throws IOException {
            if (!moved) {
                Files.deleteIfExists(temporary);
            }
        }
    }
}
