package io.github.msrsafe.realdevice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.msrsafe.CpuRanges;
import io.github.msrsafe.MsrSafe;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The real-device suite: the library against the msr-safe module loaded on this node. Opt-in
 * ({@code ./mvnw -B -Preal-device -pl msrsafe-core verify}, which sets
 * {@code msrsafe.realdevice=true}); without the profile, or without {@code /dev/cpu/msr_batch},
 * it is skipped and says why. The steps that change the node (install and restore the
 * allowlist, write under a partial mask, take a CPU offline and back) also need root and
 * {@code -Dmsrsafe.realdevice.mutate=true}. It prints a transcript and writes it to
 * {@code target/real-device-transcript.txt}. docs/deployment.md tells an administrator how to run it.
 */
class RealDeviceSuiteTest {

    static final String ENABLED = "msrsafe.realdevice";
    static final String MUTATE = "msrsafe.realdevice.mutate";
    static final String ROOT = "msrsafe.realdevice.root";
    private static final Path SYSFS_CPU = Path.of("/sys/devices/system/cpu");

    @Test
    void theLibraryWorksWithTheModuleOnThisNode() throws Exception {
        Path root = Path.of(System.getProperty(ROOT, MsrSafe.DEFAULT_ROOT));
        Optional<String> skip = skipReason(Boolean.getBoolean(ENABLED), root);
        skip.ifPresent(reason -> System.out.println("real-device suite skipped: " + reason));
        assumeTrue(skip.isEmpty(), skip.orElse(""));

        boolean mutateAsked = Boolean.getBoolean(MUTATE);
        boolean isRoot = uid() == 0;
        String whyNot = !mutateAsked ? "not asked for: add -D" + MUTATE + "=true (as root)"
                : !isRoot ? "-D" + MUTATE + "=true needs root" : "";
        StringWriter text = new StringWriter();
        PrintWriter transcript = new PrintWriter(new Tee(text), true);
        transcript.println(header(root));
        // The kernel's online list describes /dev/cpu; another root is compared with nothing.
        Optional<List<Integer>> online = root.equals(Path.of(MsrSafe.DEFAULT_ROOT)) ? kernelOnlineCpus() : Optional.empty();
        NodeSuite suite = new NodeSuite(new NodeSuite.Settings(() -> MsrSafe.open(root), online,
                mutateAsked && isRoot, whyNot, new SysfsHotplug(root)), transcript);
        List<NodeSuite.Step> steps = suite.run();
        Path file = Path.of("target", "real-device-transcript.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text.toString());
        System.out.println("transcript written to " + file.toAbsolutePath());
        assertEquals(List.of(), steps.stream().filter(s -> s.result() == NodeSuite.Result.FAIL)
                .map(NodeSuite.Step::line).toList(), "failed steps (transcript: " + file.toAbsolutePath() + ")");
    }

    /** Why the suite does not run here, if it does not. */
    static Optional<String> skipReason(boolean enabled, Path root) {
        if (!enabled) {
            return Optional.of("the real-device suite is opt-in: run ./mvnw -B -Preal-device -pl msrsafe-core verify"
                    + " on a node with msr-safe loaded (docs/deployment.md)");
        }
        if (!Files.exists(root.resolve("msr_batch"))) {
            return Optional.of("no " + root.resolve("msr_batch") + ": the msr-safe module is not loaded on this"
                    + " machine (lsmod | grep msr_safe; insmod msr-safe.ko), so there is nothing to test against");
        }
        return Optional.empty();
    }

    private static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    private static Optional<List<Integer>> kernelOnlineCpus() {
        try {
            return Optional.of(CpuRanges.parse(Files.readString(SYSFS_CPU.resolve("online")).strip()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String header(Path root) {
        return String.join(System.lineSeparator(),
                "msrsafe real-device suite, " + Instant.now(),
                "library: msrsafe-core " + System.getProperty("msrsafe.version", "(version unknown)") + " on Java "
                        + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
                "node: Linux " + firstLine(Path.of("/proc/sys/kernel/osrelease")) + ", " + cpuModel() + ", uid " + uid(),
                "root: " + root);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown processor");
        } catch (IOException e) {
            return "unknown processor";
        }
    }

    private static String firstLine(Path file) {
        try {
            return Files.readAllLines(file).getFirst().strip();
        } catch (IOException | RuntimeException e) {
            return "(unknown)";
        }
    }

    /** /sys/devices/system/cpu/cpuN/online, waiting for the device node to follow. */
    static final class SysfsHotplug implements NodeSuite.Hotplug {
        private final Path root;

        SysfsHotplug(Path root) {
            this.root = root;
        }

        @Override
        public Optional<String> unavailable(int cpu) {
            Path online = SYSFS_CPU.resolve("cpu" + cpu).resolve("online");
            return Files.isWritable(online) ? Optional.empty() : Optional.of(online + " is missing or not writable");
        }

        @Override
        public void setOnline(int cpu, boolean online) throws IOException {
            Files.writeString(SYSFS_CPU.resolve("cpu" + cpu).resolve("online"), online ? "1\n" : "0\n");
            Path node = root.resolve(String.valueOf(cpu)).resolve("msr_safe");
            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            while (Files.exists(node) != online) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IOException(node + (online ? " did not appear" : " did not go away") + " within 10 s");
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted waiting for " + node, e);
                }
            }
        }
    }

    /** Prints to standard output and keeps a copy. */
    private static final class Tee extends OutputStream {
        private final StringWriter copy;

        Tee(StringWriter copy) {
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            System.out.write(b);
            copy.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            System.out.write(bytes, offset, length);
            copy.write(new String(bytes, offset, length, StandardCharsets.UTF_8));
        }

        @Override
        public void flush() {
            System.out.flush();
        }
    }
}
