package io.github.msrsafe;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.internal.nativeio.NativeTestSupport;
import io.github.msrsafe.telemetry.Sampler;
import io.github.msrsafe.telemetry.Signal;
import io.github.msrsafe.telemetry.Vendor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing a handle, a batch or a sampler while another thread is inside a call on it
 * (issue 11): close() neither waits nor throws, the call in flight finishes on memory and
 * descriptors that stay valid, everything is freed once it returns, a second close is
 * harmless, and a call that starts after close() is an IllegalStateException. The calls
 * are held in flight deterministically: a simulated device whose clock blocks, and a FIFO
 * standing in for msr_allowlist, whose read(2) blocks in the kernel.
 */
class CloseWhileInUseTest {

    private static final long TIMEOUT_SECONDS = 30;

    @TempDir
    Path dir;

    /** A clock that, once armed, blocks the next thread that reads it until released. */
    static final class BlockingClock implements LongSupplier {
        private final AtomicLong nanos = new AtomicLong();
        private volatile boolean armed;
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        @Override
        public long getAsLong() {
            if (armed) {
                armed = false;
                entered.countDown();
                try {
                    release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return nanos.addAndGet(1_000_000);
        }

        void arm() {
            armed = true;
        }

        void awaitBlocked() throws InterruptedException {
            assertTrue(entered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the call never reached the device");
        }

        void release() {
            release.countDown();
        }
    }

    private static SimulatedDevice device(LongSupplier clock) {
        return SimulatedDevice.builder().cpus(2).registers(SimulatedDevice.standardRegisters())
                .allowlist(SimulatedDevice.standardAllowlist()).clock(clock).build();
    }

    /** {@code batch.execute()} on another thread. */
    private static CompletableFuture<BatchOutcome> executeElsewhere(MsrBatch batch) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return batch.execute();
            } catch (MsrSafeException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static <T> T result(CompletableFuture<T> call) throws Exception {
        try {
            return call.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    @Test
    void closingAHandleDuringAReadNeitherThrowsNorFreesWhatTheReadUses() throws Exception {
        BlockingClock clock = new BlockingClock();
        MsrSafe msr = device(clock).open();
        msr.read(0, 0x10); // the per-CPU file and this thread's buffer exist
        clock.arm();
        CompletableFuture<Long> read = CompletableFuture.supplyAsync(() -> {
            try {
                return msr.read(1, 0x10);
            } catch (MsrSafeException e) {
                throw new IllegalStateException(e);
            }
        });
        clock.awaitBlocked();
        assertDoesNotThrow(msr::close);
        assertFalse(msr.isReleased(), "a read is still in flight");
        assertThrows(IllegalStateException.class, () -> msr.read(0, 0x10), "a call after close()");
        clock.release();
        assertTrue(result(read) > 0, "the read in flight finished with its value");
        assertTrue(msr.isReleased(), "the last call out freed the handle");
        assertDoesNotThrow(msr::close, "a second close");
    }

    @Test
    void closingABatchFromAnotherThreadWhileItExecutes() throws Exception {
        BlockingClock clock = new BlockingClock();
        try (MsrSafe msr = device(clock).open()) {
            MsrBatch batch = msr.newBatch();
            batch.addRead(0, 0x10);
            batch.addRead(1, 0xE7);
            clock.arm();
            CompletableFuture<BatchOutcome> execute = executeElsewhere(batch);
            clock.awaitBlocked();
            assertDoesNotThrow(batch::close);
            assertFalse(batch.isReleased(), "the ops are the module's until the ioctl returns");
            clock.release();
            assertEquals(BatchOutcome.SUCCEEDED, result(execute));
            assertTrue(batch.isReleased());
            assertThrows(IllegalStateException.class, batch::execute);
            assertThrows(IllegalStateException.class, () -> batch.value(0));
            assertThrows(IllegalStateException.class, () -> batch.addRead(0, 0x10));
            assertDoesNotThrow(batch::close, "a second close");
            assertTrue(msr.read(0, 0x10) > 0, "the handle is untouched");
        }
    }

    @Test
    void closingTheHandleUnderAnExecutingBatchFreesBothWhenItReturns() throws Exception {
        BlockingClock clock = new BlockingClock();
        MsrSafe msr = device(clock).open();
        MsrBatch batch = msr.newBatch();
        MsrBatch idle = msr.newBatch();
        idle.addRead(0, 0x10);
        batch.addWrite(0, 0x199, 0x1A00);
        batch.addRead(0, 0x199);
        clock.arm();
        CompletableFuture<BatchOutcome> execute = executeElsewhere(batch);
        clock.awaitBlocked();
        assertDoesNotThrow(msr::close);
        assertFalse(msr.isReleased());
        assertThrows(IllegalStateException.class, idle::execute, "a batch of a closed handle");
        clock.release();
        assertEquals(BatchOutcome.SUCCEEDED, result(execute), "the batch in flight ran to its end");
        assertTrue(msr.isReleased());
        assertTrue(idle.isReleased(), "the handle closes the batches it made");
        assertTrue(batch.isReleased(), "the running one too, once it returned");
        assertThrows(IllegalStateException.class, () -> batch.value(1));
        batch.close();
    }

    @Test
    void callsAfterCloseAreIllegalStateAndASecondCloseIsHarmless() throws Exception {
        MsrSafe msr = SimulatedDevice.standard().open();
        MsrBatch batch = msr.newBatch();
        batch.addRead(0, 0x10);
        msr.close();
        msr.close();
        assertTrue(msr.isReleased());
        assertThrows(IllegalStateException.class, () -> msr.read(0, 0x10));
        assertThrows(IllegalStateException.class, () -> msr.write(0, 0x199, 1));
        assertThrows(IllegalStateException.class, msr::newBatch);
        assertThrows(IllegalStateException.class, msr::allowlist);
        assertThrows(IllegalStateException.class, () -> msr.installAllowlist(Allowlist.EMPTY));
        assertThrows(IllegalStateException.class, msr::batchEmulated);
        assertThrows(IllegalStateException.class, batch::execute);
        assertThrows(IllegalStateException.class, () -> batch.addRead(0, 0x10));
        assertTrue(batch.isReleased(), "closing the handle freed its batch");
        batch.close();
    }

    @Test
    void closingASamplerDuringASampleNeitherThrowsNorLeaks() throws Exception {
        BlockingClock clock = new BlockingClock();
        try (MsrSafe msr = device(clock).open()) {
            Sampler sampler = Sampler.builder(msr).vendor(Vendor.INTEL).signals(Signal.BUSY_PERCENT).open();
            sampler.sample();
            clock.arm();
            CompletableFuture<Object> sample = CompletableFuture.supplyAsync(() -> {
                try {
                    return sampler.sample();
                } catch (MsrSafeException e) {
                    throw new IllegalStateException(e);
                } catch (IllegalStateException closed) {
                    return closed;
                }
            });
            clock.awaitBlocked();
            assertDoesNotThrow(sampler::close);
            clock.release();
            Object outcome = result(sample);
            assertTrue(!(outcome instanceof IllegalStateException e) || e.getMessage().contains("closed"),
                    "the sample either finished or was refused as closed: " + outcome);
            assertThrows(IllegalStateException.class, sampler::sample);
            assertDoesNotThrow(sampler::close);
            assertTrue(msr.read(0, 0x10) > 0, "the handle stays open");
        }
    }

    @Test
    void closingANativeHandleDuringABlockedReadKeepsItsDescriptorUntilTheReadReturns() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        NativeTestSupport.sparseNode(root, 0, "msr_safe");
        Path fifo = root.resolve("msr_allowlist");
        mkfifo(fifo);
        MsrSafe msr = MsrSafe.open(root);
        // A writer holds the FIFO open, so the handle's open succeeds and its read(2) blocks in the kernel.
        try (FileChannel writer = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            CompletableFuture<Allowlist> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return msr.allowlist();
                } catch (MsrSafeException e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (PerCpuBatchTest.descriptorsUnder(fifo) < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(2, PerCpuBatchTest.descriptorsUnder(fifo), "the writer's and the reading handle's");
            Thread.sleep(50); // into read(2)
            assertDoesNotThrow(msr::close);
            assertEquals(2, PerCpuBatchTest.descriptorsUnder(fifo),
                    "the descriptor of the call in flight is not closed under it");
            assertFalse(msr.isReleased());
            writer.write(ByteBuffer.wrap("# Allowlist\n0x00000010 0x0000000000000000\n".getBytes(StandardCharsets.US_ASCII)));
            writer.close(); // end of file for the reader
            Allowlist allowlist = result(read);
            assertEquals(List.of(new AllowlistEntry(0x10, 0)), allowlist.entries());
        }
        assertTrue(msr.isReleased());
        assertEquals(0, PerCpuBatchTest.descriptorsUnder(root), "every descriptor closed, once");
        assertThrows(IllegalStateException.class, () -> msr.read(0, 0x10));
    }

    private static void mkfifo(Path path) throws IOException, InterruptedException {
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        } catch (IOException missing) {
            Assumptions.abort("mkfifo is not available: " + missing.getMessage());
            return;
        }
        String output = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(mkfifo.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, output);
    }
}
