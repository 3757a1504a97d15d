package io.github.msrsafe.internal.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Compiles the C sources in src/test/c with gcc (or the compiler named by the
 * system property msrsafe.test.cc), and builds sparse stand-ins for per-CPU
 * MSR files. Without the compiler the native tests are skipped, with the
 * reason shown.
 */
public final class NativeTestSupport {

    /**
     * The tag of tests that need LibC's ioctl bound to src/test/c/ioctl_double.c. They run in
     * a JVM of their own (the pom's ioctl-double execution), which sets LibC's test-only
     * property to the library {@link #ioctlDouble()} builds; every other test sees the C
     * library's ioctl.
     */
    public static final String IOCTL_DOUBLE = "ioctl-double";

    /** Past every 32-bit MSR address, so pread/pwrite at any MSR stays inside the file. */
    static final long SPARSE_NODE_LENGTH = (1L << 32) + 16;

    private static final String CC = System.getProperty("msrsafe.test.cc", "gcc");
    private static final Map<String, Path> BUILT = new HashMap<>();
    private static String gccMissing;   // why gcc cannot be used; null when it can
    private static boolean gccChecked;

    private NativeTestSupport() {}

    /** The module directory: surefire's basedir, else the working directory Maven uses. */
    static Path moduleDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    /** Where compiled test programs go: target/native-test under Maven. */
    static Path outputDir() throws IOException {
        String configured = System.getProperty("msrsafe.test.native.dir");
        Path dir = configured != null ? Path.of(configured) : moduleDir().resolve("target/native-test");
        return Files.createDirectories(dir);
    }

    static Path headersDir() {
        String configured = System.getProperty("msrsafe.test.headers");
        return configured != null ? Path.of(configured) : moduleDir().resolve("../native-headers").normalize();
    }

    static Path cSource(String name) {
        return moduleDir().resolve("src/test/c").resolve(name);
    }

    /** The C compiler the tests use: gcc, or the one named by msrsafe.test.cc. */
    static String compiler() {
        return CC;
    }

    /** Skips the calling test, with the reason, when gcc cannot run. */
    public static void assumeGcc() {
        Assumptions.assumeTrue(gccAvailable(), () -> "gcc not found: " + gccMissing);
    }

    /**
     * Whether gcc runs; for {@code @BeforeAll} methods, which should return
     * quietly and leave the skipping to {@link #assumeGcc()} in
     * {@code @BeforeEach}, so that every test shows as skipped with the reason.
     */
    public static synchronized boolean gccAvailable() {
        if (!gccChecked) {
            gccChecked = true;
            try {
                Process gcc = new ProcessBuilder(CC, "--version").redirectErrorStream(true).start();
                gcc.getInputStream().readAllBytes();
                if (!gcc.waitFor(30, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
                    gccMissing = CC + " --version did not succeed";
                }
            } catch (IOException e) {
                gccMissing = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                gccMissing = "interrupted while running " + CC + " --version";
            }
            if (gccMissing != null) {
                System.err.println("msrsafe native tests that need C are skipped: gcc not found: " + gccMissing);
            }
        }
        return gccMissing == null;
    }

    /** Whether this JVM binds LibC's ioctl to a library (the ioctl-double execution sets the property). */
    public static boolean ioctlDoubleBound() {
        return System.getProperty(LibC.IOCTL_LIBRARY_PROPERTY) != null;
    }

    /**
     * Builds src/test/c/ioctl_double.c where LibC's test-only property says, before anything
     * in this JVM has used LibC (it reads the property once): call it first in every test
     * tagged {@link #IOCTL_DOUBLE}. Skips the test without gcc, or outside that execution.
     */
    public static Path ioctlDouble() throws IOException {
        String bound = System.getProperty(LibC.IOCTL_LIBRARY_PROPERTY);
        Assumptions.assumeTrue(bound != null, "LibC's ioctl is bound to the double only in the ioctl-double run"
                + " (./mvnw verify runs it; -D" + LibC.IOCTL_LIBRARY_PROPERTY + " names the library)");
        Path library = sharedLibrary("ioctl_double.c");
        assertEquals(Path.of(bound).toAbsolutePath().normalize(), library.toAbsolutePath().normalize(),
                "the library LibC binds is the one built here");
        return library;
    }

    /** Compiles src/test/c/{@code source} into an executable, once per test run. */
    static Path executable(String source) throws IOException {
        return build(source, source.replaceFirst("\\.c$", ""), List.of());
    }

    /** Compiles src/test/c/{@code source} into a shared library, once per test run. */
    public static Path sharedLibrary(String source) throws IOException {
        return build(source, "lib" + source.replaceFirst("\\.c$", ".so"), List.of("-shared", "-fPIC"));
    }

    private static synchronized Path build(String source, String output, List<String> kindFlags) throws IOException {
        assumeGcc();
        Path built = BUILT.get(output);
        if (built != null) {
            return built;
        }
        Path target = outputDir().resolve(output);
        List<String> command = new ArrayList<>(List.of(CC, "-std=gnu11", "-O1", "-Wall", "-Wextra"));
        command.addAll(kindFlags);
        command.addAll(List.of("-I", headersDir().toString(), "-o", target.toString(), cSource(source).toString()));
        Result result = run(command);
        if (result.exitCode() != 0) {
            fail("compiling " + source + " failed (" + String.join(" ", command) + "):\n" + result.output());
        }
        BUILT.put(output, target);
        return target;
    }

    record Result(int exitCode, String output) {}

    /** Runs {@code command}, stdout and stderr together. */
    static Result run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("timed out: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted: " + command);
        }
        return new Result(process.exitValue(), output);
    }

    // ---- sparse per-CPU files: offset = MSR address, 8 little-endian bytes per register

    /** Creates root/cpu/name as a sparse file as long as the MSR address space. */
    public static Path sparseNode(Path root, int cpu, String name) throws IOException {
        Path node = Files.createDirectories(root.resolve(Integer.toString(cpu))).resolve(name);
        try (RandomAccessFile file = new RandomAccessFile(node.toFile(), "rw")) {
            file.setLength(SPARSE_NODE_LENGTH);
        }
        return node;
    }

    public static void poke(Path node, long msr, long value) throws IOException {
        try (FileChannel channel = FileChannel.open(node, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
            assertEquals(Long.BYTES, channel.write(bytes, msr));
        }
    }

    public static long peek(Path node, long msr) throws IOException {
        try (FileChannel channel = FileChannel.open(node, StandardOpenOption.READ)) {
            ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(Long.BYTES, channel.read(bytes, msr));
            return bytes.getLong(0);
        }
    }
}
