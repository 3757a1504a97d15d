package io.github.msrsafe.cli;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.internal.text.Hex;
import io.github.msrsafe.registers.Register;
import io.github.msrsafe.registers.RegisterCatalog;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * MSR names the command understands, from the library's register catalog. Addresses
 * are always accepted as numbers; names where the catalog knows them (any case, the
 * other spellings it lists, such as MPERF or MSR_IA32_MPERF, and with or without the
 * IA32_ or MSR_ prefix, such as perf_ctl).
 */
final class MsrNames {

    /**
     * Names longer than this get no suggestions: no catalog name is near them, and the edit
     * distance costs their length times every name's.
     */
    private static final int LONGEST_SUGGESTED = 64;

    private MsrNames() {}

    /**
     * The address of an MSR given by number or by name.
     *
     * @throws CliException (usage) for a malformed number, an address above 0xFFFFFFFF or an unknown name
     */
    static long parse(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw CliException.usage("the MSR is empty: give an address (e.g. 0x10) or a name (e.g."
                    + " IA32_TIME_STAMP_COUNTER)");
        }
        if (Numbers.looksNumeric(trimmed)) {
            long address = Numbers.parseU64(trimmed, "MSR address", "MSR addresses are 0 to 0xFFFFFFFF");
            if (Long.compareUnsigned(address, MsrSafe.MAX_MSR) > 0) {
                throw CliException.usage("MSR address " + Numbers.quoted(trimmed) + " is above 0xFFFFFFFF; msr_safe truncates"
                        + " the address to 32 bits, so it cannot be reached");
            }
            return address;
        }
        OptionalLong address = address(trimmed);
        if (address.isPresent()) {
            return address.getAsLong();
        }
        List<String> near = trimmed.length() > LONGEST_SUGGESTED ? List.of() : suggestions(trimmed);
        throw CliException.usage("unknown MSR name '" + Numbers.quoted(trimmed) + "'"
                + (near.isEmpty() ? "" : " (did you mean " + String.join(" or ", near) + "?)")
                + "; give the address as a number (e.g. 0xE7) for registers the catalog does not name");
    }

    /** The address of the register {@code name} names, forgiving case and IA32_/MSR_ prefixes ({@link RegisterCatalog#find}). */
    static OptionalLong address(String name) {
        return RegisterCatalog.builtIn().find(name).map(r -> OptionalLong.of(r.address())).orElse(OptionalLong.empty());
    }

    /** The catalog's name for {@code address}, if it has one. */
    static Optional<String> name(long address) {
        return RegisterCatalog.builtIn().byAddress(address).map(Register::name);
    }

    /** "0xE7 IA32_MPERF", or "0xE7" when the catalog has no name for it. */
    static String describe(long address) {
        return Hex.of(address) + name(address).map(n -> " " + n).orElse("");
    }

    /** Up to three catalog names closest to {@code name}, nearest first. */
    static List<String> suggestions(String name) {
        return RegisterCatalog.builtIn().similarNames(name);
    }
}
