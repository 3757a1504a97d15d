package io.github.msrsafe.allowlist;

/**
 * One allowlist entry: an MSR address and the bits of it that may be written.
 * A write mask of 0 makes the register read-only.
 *
 * <p>Both values are unsigned 64-bit, as the module stores them; print them
 * with {@link Long#toHexString} or {@link #kernelLine()}, not as signed decimals.
 *
 * @param address   the MSR address (the kernel stores 64 bits; only addresses below 2^32 are reachable)
 * @param writeMask the writable bits
 */
public record AllowlistEntry(long address, long writeMask) {

    /** {@return the line the module prints for this entry when the allowlist is read: {@code 0x%08llX 0x%016llX\n}} */
    public String kernelLine() {
        return appendKernelLine(new StringBuilder(30)).toString();
    }

    /**
     * The canonical source line: the kernel line, then {@code " # "} and
     * {@code comment} if it is not blank. Line breaks, NUL and other control
     * bytes in the comment become spaces (a line break would end the comment,
     * a NUL would end the whole allowlist).
     *
     * @param comment the comment, or null or blank for none
     * @return the line, ending in {@code '\n'}
     */
    public String canonicalLine(String comment) {
        StringBuilder line = appendKernelLine(new StringBuilder(64));
        if (comment != null && !comment.isBlank()) {
            line.setLength(line.length() - 1);
            line.append(" # ");
            comment.strip().chars().forEach(c -> line.append(c < 0x20 || c == 0x7F ? ' ' : (char) c));
            line.append('\n');
        }
        return line.toString();
    }

    /** {@return true if the module's per-CPU device can reach this address (below 2^32)} */
    public boolean reachable() {
        return (address >>> 32) == 0;
    }

    /** {@return true if no bit may be written (the module refuses every write)} */
    public boolean readOnly() {
        return writeMask == 0;
    }

    StringBuilder appendKernelLine(StringBuilder out) {
        out.append("0x");
        appendHex(out, address, 8);
        out.append(" 0x");
        appendHex(out, writeMask, 16);
        return out.append('\n');
    }

    /** Upper-case hex, at least {@code minDigits} digits, like printf's {@code %0NllX}. */
    static void appendHex(StringBuilder out, long value, int minDigits) {
        int digits = Math.max(minDigits, (64 - Long.numberOfLeadingZeros(value) + 3) / 4);
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            out.append("0123456789ABCDEF".charAt((int) (value >>> shift) & 0xF));
        }
    }
}
