package io.github.msrsafe.cli;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * MSR names the command understands, from the register catalog. Addresses are always
 * accepted as numbers; names only where the catalog knows them.
 */
final class MsrNames {

    private MsrNames() {}

    /**
     * The address of an MSR given by number or by name.
     *
     * @throws CliException (usage) for a malformed number, an address above 0xFFFFFFFF or an unknown name
     */
    static long parse(String text) {
        String trimmed = text.strip();
        if (Numbers.looksNumeric(trimmed)) {
            long address = Numbers.parseU64(trimmed, "MSR address");
            if (Long.compareUnsigned(address, io.github.msrsafe.MsrSafe.MAX_MSR) > 0) {
                throw CliException.usage("MSR address " + trimmed + " is above 0xFFFFFFFF; msr_safe truncates"
                        + " the address to 32 bits, so it cannot be reached");
            }
            return address;
        }
        OptionalLong address = address(trimmed);
        if (address.isPresent()) {
            return address.getAsLong();
        }
        throw CliException.usage("unknown MSR name '" + trimmed + "': give the address as a number (e.g. 0xE7)");
    }

    /** The address the catalog gives {@code name}, case-insensitively. */
    static OptionalLong address(String name) {
        return OptionalLong.empty();
    }

    /** The catalog's name for {@code address}, if it has one. */
    static Optional<String> name(long address) {
        return Optional.empty();
    }

    /** "0xE7 (IA32_MPERF)", or "0xE7" when the catalog has no name for it. */
    static String describe(long address) {
        return Numbers.hex(address) + name(address).map(n -> " (" + n + ")").orElse("");
    }
}
