package io.github.msrsafe.registers;

import java.util.Objects;

/**
 * One model-specific register as the catalog knows it: where it is, what the
 * manual calls it, which CPUs share it and which of its bits the architecture
 * makes read-only.
 *
 * @param address      the MSR address, below 2^32 (msr_safe cannot reach higher addresses)
 * @param name         the name the Intel SDM or AMD PPR gives it, upper case, e.g. {@code MSR_PKG_ENERGY_STATUS}
 * @param scope        which logical CPUs share one copy of the register
 * @param readOnlyBits the bits the manual documents as read-only; all 64 bits when a write to the
 *                     register faults; 0 when no bit is documented read-only. Reserved bits are not
 *                     counted: writing them faults too, but that is a caller's mistake, not a grant
 *                     an allowlist should be warned about.
 * @param description  what the register holds, in one or two sentences
 */
public record Register(long address, String name, Scope scope, long readOnlyBits, String description) {

    /** Which logical CPUs share one copy of a register: a write on one is seen by the others. */
    public enum Scope {
        /** One copy per logical CPU (hardware thread). */
        THREAD,
        /** One copy per physical core, shared by its hardware threads. */
        CORE,
        /** One copy per package (socket), shared by all its cores. */
        PACKAGE
    }

    /** Every bit read-only: a write to the register faults. */
    public static final long ALL_BITS = -1L;

    private static final long MAX_ADDRESS = 0xFFFF_FFFFL;

    /**
     * Checks the register.
     *
     * @throws IllegalArgumentException if the address is not below 2^32 or the name is not upper-case letters,
     *                                  digits and '_'
     * @throws NullPointerException     if name, scope or description is null
     */
    public Register {
        if (address < 0 || address > MAX_ADDRESS) {
            throw new IllegalArgumentException(
                    "MSR address 0x%X is not below 2^32; msr_safe cannot reach it".formatted(address));
        }
        Objects.requireNonNull(name, "name");
        if (!isName(name)) {
            throw new IllegalArgumentException(
                    "register name '" + name + "' is not upper-case letters, digits and '_'");
        }
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(description, "description");
    }

    /** Upper-case letters, digits and '_', starting with a letter. */
    static boolean isName(String text) {
        if (text.isEmpty() || text.charAt(0) < 'A' || text.charAt(0) > 'Z') {
            return false;
        }
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '_') {
                return false;
            }
        }
        return true;
    }

    /** {@return true if a write to this register faults (every bit is read-only)} */
    public boolean isReadOnly() {
        return readOnlyBits == ALL_BITS;
    }

    /** {@code 0x00000611 MSR_PKG_ENERGY_STATUS (PACKAGE)}. */
    @Override
    public String toString() {
        return "0x%08X %s (%s)".formatted(address, name, scope);
    }
}
