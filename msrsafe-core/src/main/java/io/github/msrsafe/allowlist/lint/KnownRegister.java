package io.github.msrsafe.allowlist.lint;

import java.util.Objects;

/**
 * What the linter needs to know of one MSR from a register catalog.
 *
 * @param name         the architectural name, e.g. {@code IA32_TIME_STAMP_COUNTER}
 * @param readOnlyBits the bits no write can change (all ones for a read-only register). The built-in
 *                     catalog gives the bits the manuals document as read-only, not reserved bits; a
 *                     lookup of your own may add them
 */
public record KnownRegister(String name, long readOnlyBits) {
    /**
     * Checks the name.
     *
     * @throws NullPointerException if name is null
     */
    public KnownRegister {
        Objects.requireNonNull(name, "name");
    }
}
