package io.github.msrsafe.save;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

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
