package io.github.msrsafe.cli;

import io.github.msrsafe.Driver;

/** How the command names drivers. */
final class Drivers {

    private Drivers() {}

    static String label(Driver driver) {
        return switch (driver) {
            case MSR_SAFE -> "msr_safe";
            case STOCK_MSR -> "msr (stock driver)";
            case SIMULATED -> "simulated msr_safe";
        };
    }
}
