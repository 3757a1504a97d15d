package io.github.msrsafe.registers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The registers that power and performance tools use on the server processors
 * this project ships allowlists for: Intel Skylake-SP/Cascade Lake (06_55),
 * Ice Lake-SP (06_6A), Sapphire Rapids (06_8F), Emerald Rapids (06_CF), Granite
 * Rapids (06_AD), Sierra Forest (06_AF); AMD Zen 2 (17_31), Zen 3 (19_01), Zen 4
 * (19_11), Zen 5 (1A_02) and Zen 5c (1A_11). Immutable and safe to share between threads.
 *
 * {@snippet :
 * RegisterCatalog catalog = RegisterCatalog.builtIn();
 * Register energy = catalog.byName("msr_pkg_energy_status").orElseThrow();   // any case
 * long readOnly = catalog.readOnlyBits(0x198);                               // all bits: IA32_PERF_STATUS
 * }
 *
 * <p>The data is a text table in this module
 * ({@code io/github/msrsafe/registers/registers.txt}), read once on first use:
 * one reviewable line per register, in address order, so that checking it
 * against the manuals and adding a processor family is an edit of data, not of
 * code. docs/registers.md describes the table.
 *
 * <p>The catalog is not a complete MSR list: it names what the curated
 * allowlists grant and what telemetry reads. An address it does not know has
 * no name and {@link #readOnlyBits(long) readOnlyBits} 0.
 */
public final class RegisterCatalog {

    private static final String RESOURCE = "registers.txt";
    /** Prefixes {@link #find} drops, longest first. */
    private static final String[] PREFIXES = {"MSR_IA32_", "IA32_", "MSR_"};
    /** Names this many edits away from an unknown one are offered as "did you mean". */
    private static final int SUGGESTION_DISTANCE = 3;
    private static final Pattern CPU_KEY = Pattern.compile("([0-9A-F]{2})_([0-9A-F]{2})");

    private final List<Register> registers;
    private final Map<Long, Register> byAddress;
    private final Map<String, Register> byName;
    private final Map<Long, List<String>> aliases;
    private final Map<CpuIdentity, String> cpuNames;
    private final Map<CpuIdentity, List<Register>> byCpu;

    private RegisterCatalog(List<Register> registers, Map<String, Register> byName,
                            Map<Long, List<String>> aliases, Map<CpuIdentity, String> cpuNames,
                            Map<CpuIdentity, List<Register>> byCpu) {
        this.registers = List.copyOf(registers);
        Map<Long, Register> addresses = new HashMap<>();
        for (Register register : registers) {
            addresses.put(register.address(), register);
        }
        this.byAddress = Map.copyOf(addresses);
        this.byName = Map.copyOf(byName);
        Map<Long, List<String>> aliasCopy = new HashMap<>();
        for (Map.Entry<Long, List<String>> entry : aliases.entrySet()) {
            aliasCopy.put(entry.getKey(), List.copyOf(entry.getValue()));
        }
        this.aliases = Map.copyOf(aliasCopy);
        this.cpuNames = Collections.unmodifiableMap(new LinkedHashMap<>(cpuNames));
        Map<CpuIdentity, List<Register>> cpuCopy = new HashMap<>();
        for (Map.Entry<CpuIdentity, List<Register>> entry : byCpu.entrySet()) {
            cpuCopy.put(entry.getKey(), List.copyOf(entry.getValue()));
        }
        this.byCpu = Map.copyOf(cpuCopy);
    }

    /** {@return the catalog shipped in this module, parsed on first use} */
    public static RegisterCatalog builtIn() {
        return BuiltIn.CATALOG;
    }

    /** {@return every register in the catalog, in ascending address order} */
    public List<Register> registers() {
        return registers;
    }

    /**
     * {@return the register at {@code address}, or empty if the catalog does not know it}
     *
     * @param address the MSR address
     */
    public Optional<Register> byAddress(long address) {
        return Optional.ofNullable(byAddress.get(address));
    }

    /**
     * The register called {@code name}, ignoring case and surrounding spaces:
     * its manual name ({@code IA32_MPERF}), one of its other known names
     * ({@code MPERF}, {@code MSR_AMD_PKG_ENERGY_STATUS}), or the Linux
     * msr-index.h spelling {@code MSR_IA32_<name>} of an architectural register.
     *
     * @param name the name to look up
     * @return the register, or empty if no register has that name
     */
    public Optional<Register> byName(String name) {
        Objects.requireNonNull(name, "name");
        String key = name.strip().toUpperCase(Locale.ROOT);
        Register found = byName.get(key);
        if (found == null && key.startsWith("MSR_IA32_")) {
            found = byName.get(key.substring("MSR_".length()));
        }
        return Optional.ofNullable(found);
    }

    /**
     * The register a person most likely means by {@code name}: forgiving of case, of
     * surrounding spaces, and of the {@code IA32_} / {@code MSR_} / {@code MSR_IA32_}
     * prefixes that manuals, Linux and tools add or drop. The first of these that
     * names a register wins:
     * <ol>
     * <li>the name as given ({@link #byName}: a manual name, an alias, or Linux's
     *     {@code MSR_IA32_} spelling);</li>
     * <li>the name without its {@code MSR_IA32_}, {@code IA32_} or {@code MSR_} prefix;</li>
     * <li>that bare name with {@code IA32_} before it: architectural registers first;</li>
     * <li>that bare name with {@code MSR_} before it: then Intel's model-specific ones.</li>
     * </ol>
     * Only whole names match, never a prefix of a name, so {@code perf_ctl} finds
     * IA32_PERF_CTL (0x199, step 3) and not AMD's PERF_CTL0, and {@code pkg_energy_status}
     * finds MSR_PKG_ENERGY_STATUS (step 4).
     *
     * {@snippet :
     * RegisterCatalog catalog = RegisterCatalog.builtIn();
     * catalog.find("perf_ctl");        // IA32_PERF_CTL, 0x199
     * catalog.find("mperf");           // IA32_MPERF, 0xE7 (an alias)
     * catalog.find("MSR_HWCR");        // HWCR, 0xC0010015 (prefix dropped)
     * }
     *
     * @param name the name to look up
     * @return the register, or empty if no register answers to it
     */
    public Optional<Register> find(String name) {
        Optional<Register> exact = byName(name);
        if (exact.isPresent()) {
            return exact;
        }
        String key = name.strip().toUpperCase(Locale.ROOT);
        String bare = key;
        for (String prefix : PREFIXES) {
            if (key.startsWith(prefix)) {
                bare = key.substring(prefix.length());
                break;
            }
        }
        for (String candidate : new String[] {bare, "IA32_" + bare, "MSR_" + bare}) {
            Register found = byName.get(candidate);
            if (found != null) {
                return Optional.of(found);
            }
        }
        return Optional.empty();
    }

    /**
     * The register {@code name} names ({@link #find}), or an exception that says what
     * names come close.
     *
     * @param name the name to look up
     * @return the register
     * @throws IllegalArgumentException if {@code name} is blank, or (naming {@code name} and up to three
     *                                  similar names) if no register answers to it
     */
    public Register require(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("the MSR name is empty: give a register name (e.g. IA32_PERF_CTL) or"
                    + " an address");
        }
        return find(name).orElseThrow(() -> {
            List<String> near = similarNames(name);
            return new IllegalArgumentException("unknown MSR name '" + name.strip() + "'"
                    + (near.isEmpty() ? "" : " (did you mean " + String.join(" or ", near) + "?)")
                    + "; the register catalog (docs/registers.md) names " + registers.size()
                    + " registers: give others by address");
        });
    }

    /**
     * Up to three register names closest to {@code name} in spelling (a few typing
     * mistakes away, ignoring case), nearest first: for "did you mean" in messages.
     *
     * @param name a name that was not found
     * @return the registers' manual names, possibly empty
     */
    public List<String> similarNames(String name) {
        String key = name.strip().toUpperCase(Locale.ROOT);
        record Near(String name, int distance) {}
        List<Near> near = new ArrayList<>();
        for (Register register : registers) {
            List<String> names = new ArrayList<>(aliases(register.address()));
            names.add(0, register.name());
            for (String candidate : names) {
                // The distance is at least the difference in length: skip the rest unexamined,
                // so that a name of any length costs at most the catalog's names squared.
                if (Math.abs(key.length() - candidate.length()) > SUGGESTION_DISTANCE) {
                    continue;
                }
                int distance = editDistance(key, candidate);
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

    /**
     * {@return every name {@link #byName} accepts, manual names and aliases, in alphabetical order}
     * For shell completion and pickers.
     */
    public List<String> names() {
        return byName.keySet().stream().sorted().toList();
    }

    /**
     * {@return the other names {@link #byName} accepts for the register at {@code address} (empty if none or unknown)}
     *
     * @param address the MSR address
     */
    public List<String> aliases(long address) {
        return aliases.getOrDefault(address, List.of());
    }

    /**
     * The bits of {@code address} that are read-only by architecture (see
     * {@link Register#readOnlyBits()}); 0 if the catalog does not know the
     * address. An allowlist write mask that overlaps them grants nothing the
     * hardware will honour and is almost certainly a mistake.
     *
     * @param address the MSR address
     * @return the read-only bits, or 0
     */
    public long readOnlyBits(long address) {
        Register register = byAddress.get(address);
        return register == null ? 0L : register.readOnlyBits();
    }

    /** {@return the processors the catalog has register sets for, in catalog order} */
    public List<CpuIdentity> cpus() {
        return List.copyOf(cpuNames.keySet());
    }

    /**
     * {@return the product names of {@code cpu}, e.g. "Ice Lake-SP (3rd gen Xeon Scalable)", or empty if not covered}
     *
     * @param cpu the processor
     */
    public Optional<String> cpuName(CpuIdentity cpu) {
        return Optional.ofNullable(cpuNames.get(Objects.requireNonNull(cpu, "cpu")));
    }

    /**
     * The registers of {@code cpu} (vendor, family and model must all match a
     * covered processor), in ascending address order; empty if the catalog
     * does not cover it.
     *
     * @param cpu the processor
     * @return its registers
     */
    public List<Register> registersFor(CpuIdentity cpu) {
        return byCpu.getOrDefault(Objects.requireNonNull(cpu, "cpu"), List.of());
    }

    /** The canonical {@code FF_MM} key of a CPU in the table, e.g. {@code 06_8F}. */
    static String cpuKey(CpuIdentity cpu) {
        return "%02X_%02X".formatted(cpu.family(), cpu.model());
    }

    /**
     * Parses the table format described in registers.txt and docs/registers.md.
     *
     * @param source names the text in error messages
     * @throws IllegalArgumentException naming {@code source} and the line, for any malformed line
     */
    static RegisterCatalog parse(String source, List<String> lines) {
        Map<String, CpuIdentity> cpusByKey = new LinkedHashMap<>();
        Map<CpuIdentity, String> cpuNames = new LinkedHashMap<>();
        Map<CpuIdentity, List<Register>> byCpu = new HashMap<>();
        List<Register> registers = new ArrayList<>();
        Map<String, Register> byName = new HashMap<>();
        Map<Long, List<String>> aliases = new TreeMap<>();
        long previousAddress = -1;
        int lineNumber = 0;
        for (String line : lines) {
            lineNumber++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            // StringBuilder, not +: keeps the string-concatenation bootstrap off a cold start.
            String where = new StringBuilder(source).append(':').append(lineNumber).append(": ").toString();
            String[] fields = fields(text, 6);
            switch (fields[0]) {
                case "cpu" -> {
                    if (!registers.isEmpty()) {
                        throw new IllegalArgumentException(where + "cpu lines must come before the registers");
                    }
                    String[] cpuFields = fields(text, 4);
                    if (cpuFields.length < 4) {
                        throw new IllegalArgumentException(where + "expected: cpu FF_MM vendor_id product names");
                    }
                    var key = CPU_KEY.matcher(cpuFields[1]);
                    if (!key.matches()) {
                        throw new IllegalArgumentException(where + "CPU key '" + cpuFields[1]
                                + "' is not two upper-case hex digits, '_', two hex digits (e.g. 06_8F)");
                    }
                    CpuIdentity cpu = new CpuIdentity(cpuFields[2],
                            Integer.parseInt(key.group(1), 16), Integer.parseInt(key.group(2), 16));
                    if (cpusByKey.putIfAbsent(cpuFields[1], cpu) != null) {
                        throw new IllegalArgumentException(where + "CPU " + cpuFields[1] + " is listed twice");
                    }
                    cpuNames.put(cpu, cpuFields[3]);
                    byCpu.put(cpu, new ArrayList<>());
                }
                case "alias" -> {
                    if (fields.length < 3) {
                        throw new IllegalArgumentException(where + "expected: alias NAME OTHER_NAME...");
                    }
                    Register register = byName.get(fields[1]);
                    if (register == null || !register.name().equals(fields[1])) {
                        throw new IllegalArgumentException(where + "alias for '" + fields[1]
                                + "', which is not the name of a register above");
                    }
                    List<String> names = aliases.get(register.address());
                    if (names == null) {
                        names = new ArrayList<>();
                        aliases.put(register.address(), names);
                    }
                    for (String alias : fields(text, Integer.MAX_VALUE)) {
                        if (alias.equals("alias") || alias.equals(fields[1])) {
                            continue;
                        }
                        claimName(byName, alias, register, where);
                        names.add(alias);
                    }
                }
                default -> {
                    if (!aliases.isEmpty()) {
                        throw new IllegalArgumentException(where + "register lines must come before the alias lines");
                    }
                    Register register = register(fields, where);
                    if (register.address() <= previousAddress) {
                        throw new IllegalArgumentException(where + "address 0x%08X is not above the previous 0x%08X"
                                .formatted(register.address(), previousAddress));
                    }
                    previousAddress = register.address();
                    claimName(byName, register.name(), register, where);
                    registers.add(register);
                    for (CpuIdentity cpu : cpus(fields[4], cpusByKey, where)) {
                        byCpu.get(cpu).add(register);
                    }
                }
            }
        }
        if (registers.isEmpty()) {
            throw new IllegalArgumentException(source + ": no registers");
        }
        return new RegisterCatalog(registers, byName, aliases, cpuNames, byCpu);
    }

    private static Register register(String[] fields, String where) {
        if (fields.length < 6) {
            throw new IllegalArgumentException(where
                    + "expected: 0xADDRESS NAME SCOPE 0xREADONLYBITS CPUS description");
        }
        if (!isHex(fields[0], 8)) {
            throw new IllegalArgumentException(where + "address '" + fields[0] + "' is not of the form 0x%08X");
        }
        if (!isHex(fields[3], 16)) {
            throw new IllegalArgumentException(where + "read-only bits '" + fields[3] + "' are not of the form 0x%016X");
        }
        Register.Scope scope;
        try {
            scope = Register.Scope.valueOf(fields[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "scope '" + fields[2] + "' is not THREAD, CORE or PACKAGE", e);
        }
        try {
            return new Register(Long.parseLong(fields[0].substring(2), 16), fields[1], scope,
                    Long.parseUnsignedLong(fields[3].substring(2), 16), fields[5]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
        }
    }

    private static List<CpuIdentity> cpus(String field, Map<String, CpuIdentity> cpusByKey, String where) {
        if (field.equals("-")) {
            return List.of();
        }
        List<CpuIdentity> cpus = new ArrayList<>();
        for (String token : field.split(",")) {
            List<CpuIdentity> matched = switch (token) {
                case "intel" -> vendor(cpusByKey, CpuIdentity.INTEL);
                case "amd" -> vendor(cpusByKey, CpuIdentity.AMD);
                default -> {
                    CpuIdentity cpu = cpusByKey.get(token);
                    if (cpu == null) {
                        throw new IllegalArgumentException(where + "CPU '" + token
                                + "' is not intel, amd, '-' or a key of a cpu line above");
                    }
                    yield List.of(cpu);
                }
            };
            for (CpuIdentity cpu : matched) {
                if (cpus.contains(cpu)) {
                    throw new IllegalArgumentException(where + "CPU " + cpuKey(cpu) + " is named twice");
                }
                cpus.add(cpu);
            }
        }
        return cpus;
    }

    private static List<CpuIdentity> vendor(Map<String, CpuIdentity> cpusByKey, String vendor) {
        List<CpuIdentity> cpus = new ArrayList<>();
        for (CpuIdentity cpu : cpusByKey.values()) {
            if (cpu.vendor().equals(vendor)) {
                cpus.add(cpu);
            }
        }
        return cpus;
    }

    private static void claimName(Map<String, Register> byName, String name, Register register, String where) {
        if (!Register.isName(name)) {
            throw new IllegalArgumentException(where + "name '" + name + "' is not upper-case letters, digits and '_'");
        }
        Register previous = byName.putIfAbsent(name, register);
        if (previous != null) {
            throw new IllegalArgumentException(where + "name " + name + " already belongs to " + previous);
        }
    }

    // Plain loops rather than regular expressions for the per-line work: the table is
    // parsed once per JVM, mostly in the interpreter, and a cold command-line lint pays
    // for it (measured in a fresh JVM: a parse took ~10 ms of CPU with regexes, ~5 ms without).

    /** The whitespace-separated fields of {@code text}; the last of at most {@code limit} keeps the rest of the line. */
    static String[] fields(String text, int limit) {
        List<String> fields = new ArrayList<>(Math.min(limit, 8));
        int length = text.length();
        int start = 0;
        while (start < length) {
            while (start < length && Character.isWhitespace(text.charAt(start))) {
                start++;
            }
            if (start == length) {
                break;
            }
            if (fields.size() == limit - 1) {
                fields.add(text.substring(start).strip());
                break;
            }
            int end = start;
            while (end < length && !Character.isWhitespace(text.charAt(end))) {
                end++;
            }
            fields.add(text.substring(start, end));
            start = end;
        }
        return fields.toArray(new String[0]);
    }

    /** True for {@code 0x} followed by exactly {@code digits} upper-case hex digits. */
    static boolean isHex(String token, int digits) {
        if (token.length() != 2 + digits || !token.startsWith("0x")) {
            return false;
        }
        for (int i = 2; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    private static int editDistance(String a, String b) {
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

    /** Holder: the built-in table is read the first time someone asks for it. */
    private static final class BuiltIn {
        static final RegisterCatalog CATALOG = load();

        private static RegisterCatalog load() {
            try (InputStream in = RegisterCatalog.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("msrsafe-core is missing its resource io/github/msrsafe/registers/"
                            + RESOURCE + " (a broken build or repackaging)");
                }
                var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                List<String> lines = new ArrayList<>(200);
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                }
                return parse(RESOURCE, lines);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the built-in register catalog", e);
            }
        }
    }
}
