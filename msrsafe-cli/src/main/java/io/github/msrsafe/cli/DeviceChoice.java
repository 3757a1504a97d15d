package io.github.msrsafe.cli;

import io.github.msrsafe.ModuleVersion;
import io.github.msrsafe.MsrSafe;
import java.nio.file.Path;

/**
 * Where the command finds its MSRs, from {@code --device}: a device root directory
 * ({@code /dev/cpu} unless told otherwise) or the simulated device.
 *
 * @param root             the device root; null for the simulated device
 * @param simulatedCpus    CPUs of the simulated device (0: its default); unused for a root
 * @param simulatedVersion the msr-safe version the simulated device plays (null: its default, 1.8.0);
 *                         unused for a root
 * @param explicit         whether the user named the device (the default /dev/cpu was not)
 */
record DeviceChoice(Path root, int simulatedCpus, ModuleVersion simulatedVersion, boolean explicit) {

    /** The word that selects the simulated device. */
    static final String SIMULATED = "sim";

    /** The most CPUs a simulated device may have here: enough for any test, small enough to build at once. */
    static final int MAX_SIMULATED_CPUS = 4096;

    /** /dev/cpu, not named by the user. */
    static final DeviceChoice DEFAULT = new DeviceChoice(Path.of(MsrSafe.DEFAULT_ROOT), 0, null, false);

    /**
     * Parses {@code --device}: {@code sim}, {@code sim:CPUS}, {@code sim:VERSION},
     * {@code sim:CPUS:VERSION}, or a directory. VERSION is MAJOR.MINOR[.PATCH] of msr-safe 1.x or
     * 2.x (a part with a dot is a version, one without a CPU count). A directory named "sim"
     * is reached as {@code ./sim}.
     */
    static DeviceChoice parse(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw CliException.usage("--device is empty: give a directory such as /dev/cpu, or 'sim'");
        }
        if (trimmed.equals(SIMULATED)) {
            return new DeviceChoice(null, 0, null, true);
        }
        if (!trimmed.startsWith(SIMULATED + ":")) {
            return new DeviceChoice(Path.of(trimmed), 0, null, true);
        }
        String[] parts = trimmed.substring(SIMULATED.length() + 1).split(":", -1);
        if (parts.length > 2) {
            throw CliException.usage("--device " + trimmed + ": give at most a CPU count and a version,"
                    + " as sim:CPUS:VERSION (e.g. sim:8:2.0.4)");
        }
        int cpus = 0;
        ModuleVersion version = null;
        for (String part : parts) {
            if (part.contains(".")) {
                if (version != null) {
                    throw CliException.usage("--device " + trimmed + " names two versions");
                }
                version = simulatedVersion(part, trimmed);
            } else {
                if (cpus != 0) {
                    throw CliException.usage("--device " + trimmed + " names two CPU counts");
                }
                cpus = (int) Numbers.parseInRange(part, "simulated CPU count", 1, MAX_SIMULATED_CPUS);
            }
        }
        return new DeviceChoice(null, cpus, version, true);
    }

    /** MAJOR.MINOR or MAJOR.MINOR.PATCH, of a major the simulated device plays (1 or 2). */
    private static ModuleVersion simulatedVersion(String part, String device) {
        String[] numbers = part.split("\\.", -1);
        ModuleVersion version = null;
        if (numbers.length == 2 || numbers.length == 3) {
            try {
                version = new ModuleVersion(Integer.parseInt(numbers[0]), Integer.parseInt(numbers[1]),
                        numbers.length == 3 ? Integer.parseInt(numbers[2]) : 0);
            } catch (IllegalArgumentException notAVersion) { // NumberFormatException, or a part out of range
                version = null;
            }
        }
        if (version == null) {
            throw CliException.usage("--device " + device + ": '" + part
                    + "' is not a module version MAJOR.MINOR[.PATCH] such as 2.0.4");
        }
        if (version.major() != 1 && version.major() != 2) {
            throw CliException.usage("--device " + device + ": the simulated device plays msr-safe 1.x or 2.x, not "
                    + version);
        }
        return version;
    }

    boolean simulated() {
        return root == null;
    }

    @Override
    public String toString() {
        if (!simulated()) {
            return root.toString();
        }
        return SIMULATED + (simulatedCpus == 0 ? "" : ":" + simulatedCpus)
                + (simulatedVersion == null ? "" : ":" + simulatedVersion);
    }
}
