package io.github.msrsafe.allowlist;

/**
 * One allowlist entry: an MSR address and the bits of it that may be written.
 * A write mask of 0 makes the register read-only.
 *
 * @param address   the MSR address (the kernel stores 64 bits; only addresses below 2^32 are reachable)
 * @param writeMask the writable bits
 */
public record AllowlistEntry(long address, long writeMask) {

    /** The line the module prints for this entry when the allowlist is read: {@code 0x%08llX 0x%016llX\n}. */
    public String kernelLine() {
        return String.format("0x%08X 0x%016X%n", address, writeMask).replace(System.lineSeparator(), "\n");
    }
}
