package io.github.msrsafe.benchmarks;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.function.IntToLongFunction;
import java.util.stream.Stream;

/**
 * A temporary directory laid out like /dev/cpu under msr_safe: {@code N/msr_safe} for each
 * CPU, a sparse file holding each register's 8 bytes at the register's address (the
 * offset pread uses), plus {@code msr_batch}, {@code msr_allowlist} and
 * {@code msr_safe_version} ("1.8.0" unless told). Per-CPU reads and writes on it are real
 * pread/pwrite system calls; the batch ioctl goes, through the library's own ioctl
 * handle, to {@link BenchModule}.
 */
final class SparseDeviceRoot implements AutoCloseable {

    private final Path root;

    private SparseDeviceRoot(Path root) {
        this.root = root;
    }

    /**
     * Lays out {@code cpus} CPUs whose register m (at {@code address.applyAsLong(m)}) holds
     * {@code values[cpu * msrsPerCpu + m]}, little-endian as the kernel returns it.
     */
    static SparseDeviceRoot create(int cpus, int msrsPerCpu, IntToLongFunction address, long[] values)
            throws IOException {
        return create(cpus, msrsPerCpu, address, values, "1.8.0");
    }

    /** The same, with {@code msr_safe_version} saying {@code moduleVersion}, which picks the batch layout. */
    static SparseDeviceRoot create(int cpus, int msrsPerCpu, IntToLongFunction address, long[] values,
                                   String moduleVersion) throws IOException {
        Path root = Files.createTempDirectory("msrsafe-bench-root-");
        SparseDeviceRoot device = new SparseDeviceRoot(root);
        try {
            ByteBuffer register = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int cpu = 0; cpu < cpus; cpu++) {
                Path cpuDir = Files.createDirectory(root.resolve(Integer.toString(cpu)));
                try (FileChannel file = FileChannel.open(cpuDir.resolve("msr_safe"),
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    for (int m = 0; m < msrsPerCpu; m++) {
                        register.clear();
                        register.putLong(values[cpu * msrsPerCpu + m]).flip();
                        file.write(register, address.applyAsLong(m));
                    }
                }
            }
            Files.createFile(root.resolve("msr_batch"));
            Files.createFile(root.resolve("msr_allowlist"));
            Files.write(root.resolve("msr_safe_version"), (moduleVersion + "\0").getBytes(StandardCharsets.US_ASCII));
            return device;
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
    }

    Path path() {
        return root;
    }

    /**
     * A handle on this tree, opened as production opens one; its batch ioctl reaches the
     * bench module because {@link BenchModule} bound the library's ioctl to it.
     *
     * @throws IllegalStateException if the ioctl does not reach the bench module (the library
     *                               was used before BenchModule was loaded): a benchmark would
     *                               time the per-CPU emulation instead
     */
    MsrSafe open() throws MsrSafeException {
        BenchModule.load();
        MsrSafe msr = MsrSafe.open(root);
        if (msr.batchEmulated()) {
            msr.close();
            throw new IllegalStateException("the batch ioctl on " + root + "/msr_batch does not reach the bench module:"
                    + " the library's ioctl was bound before " + BenchModule.class.getSimpleName() + " was loaded");
        }
        return msr;
    }

    /** The per-CPU file of {@code cpu}. */
    Path cpuFile(int cpu) {
        return root.resolve(Integer.toString(cpu)).resolve("msr_safe");
    }

    /** Deletes the tree. */
    @Override
    public void close() {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }
}
