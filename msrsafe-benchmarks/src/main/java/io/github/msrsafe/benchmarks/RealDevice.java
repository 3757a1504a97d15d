package io.github.msrsafe.benchmarks;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.allowlist.AllowlistEntry;
import java.util.ArrayList;
import java.util.List;

/** Chooses registers that this user may read on the real /dev/cpu. */
final class RealDevice {

    /**
     * Registers to try when the allowlist itself is not readable (it needs the msr-admin
     * group): the time-stamp counter, MPERF and APERF, common in allowlists and harmless to read.
     */
    private static final long[] CANDIDATES = {0x10, 0xE7, 0xE8};

    private RealDevice() {}

    /**
     * The registers of the installed allowlist that read without error on the first CPU,
     * or if the allowlist cannot be read, those of {@link #CANDIDATES} that do.
     *
     * @throws IllegalStateException if there is none, saying what was tried
     */
    static List<Long> readableRegisters(MsrSafe msr) {
        List<Long> candidates = new ArrayList<>();
        String source;
        try {
            for (AllowlistEntry entry : msr.allowlist().entries()) {
                if (entry.reachable()) {
                    candidates.add(entry.address());
                }
            }
            source = "the installed allowlist";
        } catch (MsrSafeException unreadable) {
            for (long address : CANDIDATES) {
                candidates.add(address);
            }
            source = "0x10, 0xE7 and 0xE8 (the allowlist is not readable: " + unreadable.getMessage() + ")";
        }
        int cpu = msr.cpus().get(0);
        List<Long> readable = new ArrayList<>();
        for (long address : candidates) {
            try {
                msr.read(cpu, address);
                readable.add(address);
            } catch (MsrSafeException notReadable) {
                // not in the allowlist, or faults on this processor: leave it out
            }
        }
        if (readable.isEmpty()) {
            throw new IllegalStateException("no register of " + source + " is readable on CPU " + cpu);
        }
        return readable;
    }
}
