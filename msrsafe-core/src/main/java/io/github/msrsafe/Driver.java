package io.github.msrsafe;

/** Which kernel driver (or stand-in) an {@link MsrSafe} handle talks to. */
public enum Driver {
    /** LLNL's msr_safe: /dev/cpu/N/msr_safe, /dev/cpu/msr_batch, an allowlist. */
    MSR_SAFE,
    /**
     * The stock Linux msr driver: /dev/cpu/N/msr, no allowlist, needs CAP_SYS_RAWIO.
     * Batches run as one pread/pwrite per op.
     */
    STOCK_MSR,
    /** The in-process {@link SimulatedDevice}, following the msr_safe contract. */
    SIMULATED
}
