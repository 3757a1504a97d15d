package io.github.msrsafe.cli;

import java.nio.file.Path;

/**
 * Where the command finds its MSRs, from {@code --device}: a device root directory
 * ({@code /dev/cpu} unless told otherwise) or the simulated device.
 *
 * @param root          the device root; null for the simulated device
 * @param simulatedCpus CPUs of the simulated device (0: its default); unused for a root
 * @param explicit      whether the user named the device (the default /dev/cpu was not)
 */
record DeviceChoice(Path root, int simulatedCpus, boolean explicit) {

    /** The word that selects the simulated device. */
    static final String SIMULATED = "sim";

    /** The most CPUs a simulated device may have here: enough for any test, small enough to build at once. */
    static final int MAX_SIMULATED_CPUS = 4096;

    /** /dev/cpu, not named by the user. */
    static final DeviceChoice DEFAULT = new DeviceChoice(Path.of(io.github.msrsafe.MsrSafe.DEFAULT_ROOT), 0, false);

    /**
     * Parses {@code --device}: {@code sim}, {@code sim:N} (N CPUs), or a directory.
     * A directory named "sim" is reached as {@code ./sim}.
     */
    static DeviceChoice parse(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw CliException.usage("--device is empty: give a directory such as /dev/cpu, or 'sim'");
        }
        if (trimmed.equals(SIMULATED)) {
            return new DeviceChoice(null, 0, true);
        }
        if (trimmed.startsWith(SIMULATED + ":")) {
            String count = trimmed.substring(SIMULATED.length() + 1);
            long cpus = Numbers.parseInRange(count, "simulated CPU count", 1, MAX_SIMULATED_CPUS);
            return new DeviceChoice(null, (int) cpus, true);
        }
        return new DeviceChoice(Path.of(trimmed), 0, true);
    }

    boolean simulated() {
        return root == null;
    }

    @Override
    public String toString() {
        return simulated() ? (simulatedCpus == 0 ? SIMULATED : SIMULATED + ":" + simulatedCpus) : root.toString();
    }
}
