package io.github.msrsafe;

import io.github.msrsafe.internal.abi.MsrStructs;

/**
 * A register a batch op can have read right after it, on the op's CPU, as a timestamp:
 * the time stamp counter, the two frequency counters and the two thermal status
 * registers. Ask for them with {@link MsrBatch#addRead(int, long, java.util.Set)} and
 * the other {@code add} methods that take a set; read them with
 * {@link MsrBatch#timestamp(int, Timestamp)}.
 *
 * <p>msr-safe 2.x records them itself, inside the same interrupt handler as the op and
 * whether or not the allowlist lists them. On 1.x the library adds a read of each after
 * the op, in the same ioctl and on the same CPU: the module runs them right after the
 * op, but each is a separate op that the allowlist must permit and that counts against
 * the ops one ioctl can carry. {@link BatchLayout#moduleTimestamps()} says which applies.
 */
public enum Timestamp {
    /** IA32_TIME_STAMP_COUNTER (0x10). */
    TSC(MsrStructs.TSC_MSR, "IA32_TIME_STAMP_COUNTER"),
    /** IA32_MPERF (0xE7): counts at the nominal frequency while the CPU is in C0. */
    MPERF(MsrStructs.MPERF_MSR, "IA32_MPERF"),
    /** IA32_APERF (0xE8): counts at the actual frequency while the CPU is in C0. */
    APERF(MsrStructs.APERF_MSR, "IA32_APERF"),
    /** IA32_THERM_STATUS (0x19C): the core's thermal status and temperature readout. */
    THERM_STATUS(MsrStructs.THERM_MSR, "IA32_THERM_STATUS"),
    /** IA32_PACKAGE_THERM_STATUS (0x1B1): the package's thermal status and temperature readout. */
    PACKAGE_THERM_STATUS(MsrStructs.PTHERM_MSR, "IA32_PACKAGE_THERM_STATUS");

    private final long msr;
    private final String registerName;

    Timestamp(int msr, String registerName) {
        this.msr = msr;
        this.registerName = registerName;
    }

    /** {@return the register's address} */
    public long msr() {
        return msr;
    }

    /** {@return the register's name in the Intel SDM} */
    public String registerName() {
        return registerName;
    }
}
