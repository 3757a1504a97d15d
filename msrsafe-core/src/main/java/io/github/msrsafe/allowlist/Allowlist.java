package io.github.msrsafe.allowlist;

import java.util.List;
import java.util.OptionalLong;

/**
 * An allowlist as the msr_safe module holds it: entries in install order,
 * each address once. Immutable.
 *
 * <p>STUB: the parser and formatter are being written (issue 3); the
 * signatures below are the contract other code builds on.
 */
public final class Allowlist {

    /** The header the module prints before the first entry: {@code printf("%-10s %-18s\n", "#MSR", "Write mask")}. */
    public static final String KERNEL_HEADER = String.format("%-10s %-18s", "#MSR", "Write mask") + "\n";

    /** The empty allowlist (what a write of at most 2 bytes leaves). */
    public static final Allowlist EMPTY = new Allowlist(List.of());

    private final List<AllowlistEntry> entries;

    private Allowlist(List<AllowlistEntry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** An allowlist of these entries in this order; IllegalArgumentException if an address repeats. */
    public static Allowlist of(List<AllowlistEntry> entries) {
        throw new UnsupportedOperationException("issue 3");
    }

    /**
     * The allowlist the module would hold after {@code write(2)} of these bytes
     * to /dev/cpu/msr_allowlist: {@link #EMPTY} for a write of at most 2 bytes,
     * else the parsed entries.
     *
     * @throws AllowlistException with the errno the module returns and where it failed
     */
    public static Allowlist parse(byte[] written) throws AllowlistException {
        throw new UnsupportedOperationException("issue 3");
    }

    public List<AllowlistEntry> entries() {
        return entries;
    }

    /** The write mask of {@code address}, or empty if the address is not listed. */
    public OptionalLong writeMask(long address) {
        throw new UnsupportedOperationException("issue 3");
    }

    /** The whole text reading /dev/cpu/msr_allowlist returns for this list ("" if empty). */
    public String toKernelFormat() {
        throw new UnsupportedOperationException("issue 3");
    }
}
