package io.github.msrsafe.cli;

import io.github.msrsafe.Driver;
import io.github.msrsafe.MsrSafe;

/** How the command names drivers and says how batches run. */
final class Drivers {

    private Drivers() {}

    static String label(Driver driver) {
        return switch (driver) {
            case MSR_SAFE -> "msr_safe";
            case STOCK_MSR -> "msr (stock driver)";
            case SIMULATED -> "simulated msr_safe";
        };
    }

    /**
     * How {@code msr} runs batches, for {@code cpus} and {@code version}: as the batch ioctl, or
     * emulated by per-CPU reads and writes (the stock msr driver; msr_safe without a msr_batch
     * that answers the ioctl), which run every op with no validation pass first.
     */
    static String batches(MsrSafe msr) {
        if (!msr.batchEmulated()) {
            return "batches: the msr_batch ioctl";
        }
        return "batches: emulated by per-CPU calls, one pread or pwrite per op, no validation pass ("
                + (msr.driver() == Driver.STOCK_MSR ? "the stock msr driver has no msr_batch"
                        : "no msr_batch device that answers the batch ioctl")
                + ")";
    }
}
