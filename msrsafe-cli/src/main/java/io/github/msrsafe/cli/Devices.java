package io.github.msrsafe.cli;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;

/** Opens the simulated device for {@code --device sim}. */
final class Devices {

    private Devices() {}

    /** A fresh simulated device with {@code cpus} CPUs (0: the simulator's default), its standard allowlist installed. */
    static MsrSafe simulated(int cpus) throws MsrSafeException {
        throw new CliException(ExitCode.DEVICE_ERROR, "the simulated device is not merged yet (branch sim)");
    }
}
