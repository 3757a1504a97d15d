package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.msrsafe.internal.nativeio.NativeTestSupport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The race of issue 11: threads write a sentinel through a handle (per-CPU writes and
 * batches, on sparse files standing in for the per-CPU nodes) while another thread closes
 * the handle and at once opens new files, which get the descriptor numbers close() freed.
 * A call that read its descriptor before the close and wrote after it would put the
 * sentinel into one of those files; no byte of it may land anywhere but in the device's
 * own files, and every call after close() must be a clean IllegalStateException.
 */
class CloseRaceTest {

    /** Bytes no sparse file or new file holds by chance: 8 distinct bytes, little-endian in the file. */
    private static final long SENTINEL = 0x5E47_1E5E_B00B_1E5AL;
    private static final long MSR = 0x200;
    private static final int CPUS = 4;
    private static final int WRITERS = 3;
    private static final int NEW_FILES_PER_TRIAL = 12;
    private static final int MAX_TRIALS = 1_500;
    private static final long BUDGET_NANOS = 4_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void aSentinelWrittenWhileTheHandleClosesLandsOnlyInTheDevicesFiles() throws Exception {
        race("msr_safe");
    }

    @Test
    void theSameThroughTheStockMsrDriver() throws Exception {
        race("msr");
    }

    private void race(String nodeName) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        for (int cpu = 0; cpu < CPUS; cpu++) {
            NativeTestSupport.sparseNode(root, cpu, nodeName);
        }
        Path others = Files.createDirectories(dir.resolve("others"));
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        List<RuntimeException> closeFailures = new ArrayList<>();
        long start = System.nanoTime();
        int trials = 0;
        while (trials < MAX_TRIALS && System.nanoTime() - start < BUDGET_NANOS) {
            MsrSafe msr = MsrSafe.open(root);
            for (int cpu = 0; cpu < CPUS; cpu++) {
                msr.read(cpu, MSR); // every per-CPU descriptor open before the race
            }
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch running = new CountDownLatch(WRITERS);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                boolean batches = w % 2 == 1;
                Thread writer = Thread.ofPlatform().start(() -> write(msr, batches, running, stop, unexpected));
                writers.add(writer);
            }
            running.await();
            Thread.onSpinWait();
            try {
                msr.close();
            } catch (RuntimeException closeFailed) {
                closeFailures.add(closeFailed);
            }
            List<FileChannel> opened = new ArrayList<>();
            try {
                for (int i = 0; i < NEW_FILES_PER_TRIAL; i++) {
                    opened.add(FileChannel.open(others.resolve(trials + "-" + i), StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.READ, StandardOpenOption.WRITE));
                }
            } finally {
                stop.set(true);
                for (Thread writer : writers) {
                    writer.join();
                }
                for (FileChannel channel : opened) {
                    channel.close();
                }
            }
            trials++;
        }
        List<String> hit = filesHoldingTheSentinel(others);
        assertTrue(hit.isEmpty(), "the sentinel landed in " + hit.size() + " file(s) opened after close() in "
                + trials + " trials: " + hit);
        if (!closeFailures.isEmpty()) {
            fail("close() threw " + closeFailures.size() + " times in " + trials + " trials, first: "
                    + closeFailures.getFirst(), closeFailures.getFirst());
        }
        if (!unexpected.isEmpty()) {
            fail("calls racing close() failed other than with IllegalStateException (" + unexpected.size()
                    + " times in " + trials + " trials), first: " + unexpected.peek(), unexpected.peek());
        }
        assertTrue(trials > 50, "only " + trials + " trials ran");
        // The device's own files got it.
        assertEquals(SENTINEL, NativeTestSupport.peek(root.resolve("0").resolve(nodeName), MSR));
    }

    /** Writes the sentinel until stopped or until the handle is closed under it. */
    private static void write(MsrSafe msr, boolean batches, CountDownLatch running, AtomicBoolean stop,
                              ConcurrentLinkedQueue<Throwable> unexpected) {
        running.countDown();
        MsrBatch batch = null;
        try {
            if (batches) {
                batch = msr.newBatch();
                for (int cpu = 0; cpu < CPUS; cpu++) {
                    batch.addWrite(cpu, MSR, SENTINEL);
                }
            }
            for (int i = 0; !stop.get(); i++) {
                if (batch != null) {
                    batch.execute();
                } else {
                    msr.write(i % CPUS, MSR, SENTINEL);
                }
            }
        } catch (IllegalStateException closed) {
            // The handle (or the batch with it) was closed: the one failure allowed.
        } catch (Throwable other) {
            unexpected.add(other);
        } finally {
            if (batch != null) {
                batch.close();
            }
        }
    }

    private static List<String> filesHoldingTheSentinel(Path others) throws IOException {
        byte[] pattern = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(SENTINEL).array();
        List<String> hit = new ArrayList<>();
        try (Stream<Path> files = Files.list(others)) {
            for (Path file : files.toList()) {
                byte[] content = Files.readAllBytes(file);
                for (int at = 0; at + pattern.length <= content.length; at++) {
                    if (java.util.Arrays.equals(content, at, at + pattern.length, pattern, 0, pattern.length)) {
                        hit.add(file.getFileName() + " at offset 0x" + Integer.toHexString(at));
                        break;
                    }
                }
            }
        }
        return hit;
    }
}
