package io.github.msrsafe.cli;

import io.github.msrsafe.registers.Register;
import io.github.msrsafe.registers.RegisterCatalog;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * MSR names the command understands, from the library's register catalog. Addresses
 * are always accepted as numbers; names where the catalog knows them (any case, and
 * the other spellings it lists, such as MPERF or MSR_IA32_MPERF).
 */
final class MsrNames {

    /** Names this many edits away from an unknown one are offered as "did you mean". */
    private static final int SUGGESTION_DISTANCE = 3;

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
        if (Numbers.looksNumeric(trimmed)) {
            long address = Numbers.parseU64(trimmed, "MSR address");
            if (Long.compareUnsigned(address, io.github.msrsafe.MsrSafe.MAX_MSR) > 0) {
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

    /** The address the catalog gives {@code name}, case-insensitively. */
    static OptionalLong address(String name) {
        return RegisterCatalog.builtIn().byName(name).map(r -> OptionalLong.of(r.address())).orElse(OptionalLong.empty());
    }

    /** The catalog's name for {@code address}, if it has one. */
    static Optional<String> name(long address) {
        return RegisterCatalog.builtIn().byAddress(address).map(Register::name);
    }

    /** "0xE7 IA32_MPERF", or "0xE7" when the catalog has no name for it. */
    static String describe(long address) {
        return Numbers.hex(address) + name(address).map(n -> " " + n).orElse("");
    }

    /** Up to three catalog names closest to {@code name}, nearest first. */
    static List<String> suggestions(String name) {
        String key = name.toUpperCase(Locale.ROOT);
        record Near(String name, int distance) {}
        List<Near> near = new ArrayList<>();
        RegisterCatalog catalog = RegisterCatalog.builtIn();
        for (Register register : catalog.registers()) {
            List<String> names = new ArrayList<>(catalog.aliases(register.address()));
            names.add(0, register.name());
            for (String candidate : names) {
                int distance = distance(key, candidate.toUpperCase(Locale.ROOT));
                if (distance <= SUGGESTION_DISTANCE) {
                    near.add(new Near(register.name(), distance));
                }
            }
        }
        return near.stream()
                .sorted(Comparator.comparingInt(Near::distance).thenComparing(Near::name))
                .map(Near::name)
                .distinct()
                .limit(3)
                .toList();
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
