package io.github.msrsafe.internal.sim;

import io.github.msrsafe.internal.abi.BatchBuffer;
import static io.github.msrsafe.internal.sim.SimFixture.MISC;
import static io.github.msrsafe.internal.sim.SimFixture.PERF_CTL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.Errno;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.internal.sys.BatchDevice;
import io.github.msrsafe.internal.sys.DeviceNode;
import io.github.msrsafe.internal.sys.OpenFile;
import io.github.msrsafe.internal.sys.OpenFlags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A batch sees one allowlist and one set of online CPUs from validation to the end of execution. */
class SimConcurrencyTest {

    private static final int BATCHES_PER_THREAD = 3_000;

    @Test
    void aBatchNeverMixesTwoAllowlists() throws Exception {
        SimFixture sim = new SimFixture();
        Allowlist wide = Allowlist.of(new AllowlistEntry(PERF_CTL, 0xFFFF), new AllowlistEntry(MISC, -1L));
        Allowlist narrow = Allowlist.of(new AllowlistEntry(MISC, 0xF), new AllowlistEntry(PERF_CTL, 0xFF));
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<?> installer = pool.submit(() -> {
                for (int i = 0; !done.get(); i++) {
                    sim.kernel.installAllowlist(i % 2 == 0 ? narrow : wide);
                }
            });
            List<Future<Integer>> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                readers.add(pool.submit(batchLoop(sim, batch -> {
                    long perfCtlMask = batch.wmask(0);
                    long miscMask = batch.wmask(1);
                    assertTrue(perfCtlMask == 0xFFFF && miscMask == -1L || perfCtlMask == 0xFF && miscMask == 0xF,
                            () -> "masks from two lists: " + Long.toHexString(perfCtlMask) + ", " + Long.toHexString(miscMask));
                })));
            }
            int checked = 0;
            for (Future<Integer> reader : readers) {
                checked += reader.get();
            }
            done.set(true);
            installer.get();
            assertEquals(2 * BATCHES_PER_THREAD, checked);
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
    }

    @Test
    void aBatchEitherFailsValidationOrRunsCompletely() throws Exception {
        SimFixture sim = new SimFixture();
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<?> toggler = pool.submit(() -> {
                for (boolean up = false; !done.get(); up = !up) {
                    sim.kernel.setOnline(1, up);
                }
            });
            List<Future<Integer>> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                readers.add(pool.submit(batchLoop(sim, batch -> {
                    if (batch.result == 0) {
                        assertEquals(0x1C00, batch.data(0));
                        assertEquals(0x1, batch.data(1));
                    } else {
                        assertEquals(-Errno.ENXIO.number(), batch.result);
                        assertEquals(BatchBuffer.UNTOUCHED, batch.data(0), "rejected batches do not run");
                    }
                })));
            }
            for (Future<Integer> reader : readers) {
                reader.get();
            }
            done.set(true);
            toggler.get();
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
    }

    /** A checked batch: the buffer plus its ioctl result. */
    static final class Ran {
        final BatchBuffer buffer;
        final int result;

        Ran(BatchBuffer buffer, int result) {
            this.buffer = buffer;
            this.result = result;
        }

        long wmask(int i) {
            return buffer.wmask(i);
        }

        long data(int i) {
            return buffer.data(i);
        }
    }

    interface Check {
        void accept(Ran batch);
    }

    /** Reads PERF_CTL on CPU 0 and MISC on CPU 1, again and again, checking each outcome. */
    private static Callable<Integer> batchLoop(SimFixture sim, Check check) {
        return () -> {
            int checked = 0;
            try (BatchDevice device = sim.kernel.openBatch(OpenFlags.O_RDONLY)) {
                for (int i = 0; i < BATCHES_PER_THREAD; i++) {
                    try (BatchBuffer batch = new BatchBuffer(2)) {
                        batch.read(0, 0, PERF_CTL).read(1, 1, MISC);
                        check.accept(new Ran(batch, batch.run(device)));
                        checked++;
                    }
                }
            }
            return checked;
        };
    }
}
