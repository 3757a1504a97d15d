package io.github.msrsafe.save;

import static io.github.msrsafe.save.MsrStateTest.device;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.SimulatedDevice;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Save replaces its file by renaming a new one over the name. Over a device node, a pipe or a
 * socket that rename removes the node: run as root, {@code msrsafe save /dev/null} replaced the
 * system's /dev/null with a regular file of mode 0600. Such targets are refused before any
 * register is read, and the node is left as it was. (A Unix socket stands in for every node
 * that is not a regular file: the JDK can make one without privileges or tools.)
 */
class SaveTargetTest {

    @TempDir
    Path dir;

    @Test
    void aSocketOrDeviceNodeIsRefusedAndLeftInPlace() throws IOException {
        Path node = dir.resolve("node");
        try (ServerSocketChannel socket = bound(node)) {
            SimulatedDevice device = device(2);
            try (MsrSafe msr = device.open()) {
                for (SaveOptions options : List.of(SaveOptions.defaults(),
                        SaveOptions.defaults().withFormat(SnapshotFormat.TEXT))) {
                    IOException e = assertThrows(IOException.class, () -> MsrState.save(msr, node, options));
                    assertTrue(e.getMessage().contains("it is a device, a pipe or a socket, not a regular file"),
                            e.getMessage());
                    assertNotRegular(node);
                }
                SaveResult captured = MsrState.capture(msr, msr.allowlist());
                assertThrows(IOException.class, () -> captured.snapshot().writeRaw(node));
                assertThrows(IOException.class, () -> captured.snapshot().writeText(node));
                assertNotRegular(node);
            }
            assertEquals(List.of(node), files(), "no file or temporary file was written");
        }
    }

    @Test
    void aRawFileWhoseRecordNameIsASocketIsNotWrittenEither() throws IOException {
        Path file = dir.resolve("state.msr");
        Path record = MsrSnapshot.rawRecordFile(file);
        try (ServerSocketChannel socket = bound(record)) {
            SimulatedDevice device = device(2);
            try (MsrSafe msr = device.open()) {
                IOException e = assertThrows(IOException.class, () -> MsrState.save(msr, file));
                assertTrue(e.getMessage().contains(record.toString()), e.getMessage());
                SaveResult captured = MsrState.capture(msr, msr.allowlist());
                assertThrows(IOException.class, () -> captured.snapshot().writeRaw(file));
            }
            assertFalse(Files.exists(file), "the raw file is not written without its record");
            assertNotRegular(record);
            assertEquals(List.of(record), files());
        }
    }

    @Test
    void aSymbolicLinkIsReplacedAndWhatItPointsToIsLeftAlone() throws IOException {
        Path node = dir.resolve("node");
        Path link = Files.createSymbolicLink(dir.resolve("state.txt"), node);
        try (ServerSocketChannel socket = bound(node)) {
            SimulatedDevice device = device(2);
            try (MsrSafe msr = device.open()) {
                MsrState.save(msr, link, SaveOptions.defaults().withFormat(SnapshotFormat.TEXT));
            }
            assertTrue(Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS), "the link became the saved file");
            assertNotRegular(node);
        }
    }

    private static ServerSocketChannel bound(Path path) throws IOException {
        ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        socket.bind(UnixDomainSocketAddress.of(path));
        return socket;
    }

    private static void assertNotRegular(Path node) throws IOException {
        assertTrue(Files.readAttributes(node, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther(),
                node + " is still the node it was");
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }
}
