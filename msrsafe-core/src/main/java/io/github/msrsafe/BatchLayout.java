package io.github.msrsafe;

import io.github.msrsafe.internal.abi.BatchAbi;

/**
 * The batch op layout a handle speaks to its module, chosen once when the handle opens,
 * from the module's version (/dev/cpu/msr_safe_version): major version 2 gets
 * {@link #MSR_SAFE_2}; 1.x, a module without a version file, the stock msr driver and
 * the simulated device's default get {@link #MSR_SAFE_1}. Both layouts share one ioctl
 * number, and a module misreads the other layout without an error, so the library never
 * guesses: it uses the layout of the loaded module and tells the module which one it
 * sends.
 *
 * {@snippet lang=java :
 * BatchLayout layout = msr.batchLayout();
 * if (!layout.modulePolls()) {
 *     System.err.println("polling needs msr-safe 2.x; the module here uses " + layout);
 * }
 * }
 */
public enum BatchLayout {
    /** msr-safe 1.x: 32-byte ops, reads and writes only, 131,072 ops per ioctl. */
    MSR_SAFE_1(BatchAbi.V1),
    /**
     * msr-safe 2.x (the development line reporting 2.0.4): 88-byte ops, reads and writes,
     * polling and timestamps recorded by the module, 47,662 ops per ioctl.
     */
    MSR_SAFE_2(BatchAbi.V2);

    private final BatchAbi abi;

    BatchLayout(BatchAbi abi) {
        this.abi = abi;
    }

    static BatchLayout of(BatchAbi abi) {
        return abi == BatchAbi.V2 ? MSR_SAFE_2 : MSR_SAFE_1;
    }

    BatchAbi abi() {
        return abi;
    }

    /** {@return the size of one op in bytes: 32 or 88} */
    public int opSize() {
        return (int) abi.opSize();
    }

    /**
     * {@return the most ops one ioctl carries (131,072 or 47,662): 4 MiB of ops, the most the
     * module can allocate at once; {@link MsrBatch} splits larger batches}
     */
    public int maxOpsPerIoctl() {
        return abi.maxOpsPerIoctl();
    }

    /** {@return whether the module itself can poll a register until it changes (2.x)} */
    public boolean modulePolls() {
        return abi == BatchAbi.V2;
    }

    /**
     * {@return whether the module records timestamps itself, inside the op's interrupt handler
     * and without the allowlist (2.x); on 1.x the library reads them with extra ops instead}
     */
    public boolean moduleTimestamps() {
        return abi == BatchAbi.V2;
    }

    /** {@return "msr-safe 1.x (32-byte ops)" or "msr-safe 2.x (88-byte ops)"} */
    @Override
    public String toString() {
        return "msr-safe " + abi.series() + " (" + abi.opSize() + "-byte ops)";
    }
}
