package io.github.msrsafe.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Where a serial-vs-batch benchmark sends its MSR accesses; the value of the "backend" @Param. */
enum Backend {
    /** The library's simulated msr_safe: pure Java, no system calls. Always available. */
    SIM("sim"),
    /**
     * The native FFM path on a device root of sparse files: per-CPU access is a real
     * pread/pwrite system call, the batch ioctl goes to the C test double (compiled with gcc).
     */
    NATIVE("native"),
    /** This machine's /dev/cpu with msr_safe loaded: reads only, never writes. */
    REAL("real");

    static final String PARAMETER = "backend";
    static final Path REAL_ROOT = Path.of("/dev/cpu");

    private final String id;

    Backend(String id) {
        this.id = id;
    }

    String id() {
        return id;
    }

    static Backend byId(String id) {
        return Arrays.stream(values()).filter(b -> b.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown backend '" + id + "': use one of "
                        + Arrays.stream(values()).map(Backend::id).collect(Collectors.joining(", "))));
    }

    /** Why this backend cannot run here, or empty if it can. */
    Optional<String> unavailableReason() {
        return switch (this) {
            case SIM -> Optional.empty();
            case NATIVE -> NativeBuild.gccProblem();
            case REAL -> realDeviceProblem(REAL_ROOT);
        };
    }

    static Optional<String> realDeviceProblem(Path root) {
        Path batch = root.resolve("msr_batch");
        if (!Files.exists(batch)) {
            return Optional.of("no " + batch + " on this machine (the msr_safe module is not loaded)");
        }
        if (!Files.isReadable(batch)) {
            return Optional.of(batch + " is not readable by this user (msr_safe gives it to the msr-user group)");
        }
        if (!Files.isReadable(root.resolve("0").resolve("msr_safe"))) {
            return Optional.of(root.resolve("0").resolve("msr_safe") + " is missing or not readable by this user");
        }
        return Optional.empty();
    }
}
