package io.github.msrsafe.registers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the allowlists/ files at the repository root against the catalog and
 * the format rules in allowlists/README.md, with plain line checks (the
 * allowlist parser is tested on its own).
 */
class CuratedAllowlistsTest {

    /** One entry line: canonical address and mask, then the register name as the comment. */
    private static final Pattern ENTRY = Pattern.compile("(0x[0-9A-F]{8}) (0x[0-9A-F]{16}) # ([A-Z][A-Z0-9_]*)");

    private static final RegisterCatalog CATALOG = RegisterCatalog.builtIn();

    /**
     * allowlists/ at the repository root: the system property
     * {@code msrsafe.allowlists.dir} if set, else {@code ../allowlists} from
     * msrsafe-core, where surefire runs.
     */
    static Path allowlistsDirectory() {
        String configured = System.getProperty("msrsafe.allowlists.dir");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "allowlists");
        assertTrue(Files.isDirectory(dir), "no allowlists directory at " + dir.toAbsolutePath());
        return dir;
    }

    static Stream<Path> allowlistFiles() throws IOException {
        try (Stream<Path> files = Files.list(allowlistsDirectory())) {
            List<Path> list = files.filter(file -> file.getFileName().toString().startsWith("al_")).sorted().toList();
            assertTrue(!list.isEmpty(), "allowlists/ has no al_* files");
            return list.stream();
        }
    }

    @Test
    void thereIsOneCanonicallyNamedFilePerCatalogProcessorAndNothingElse() throws IOException {
        Set<String> expected = CATALOG.cpus().stream().map(AllowlistSelector::fileName)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> actual = allowlistFiles().map(file -> file.getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, actual);
        assertTrue(Files.isRegularFile(allowlistsDirectory().resolve("README.md")), "allowlists/README.md");
    }

    @ParameterizedTest
    @MethodSource("allowlistFiles")
    void fileIsWellFormedAndAgreesWithTheCatalog(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String name = file.getFileName().toString();
        CpuIdentity cpu = CATALOG.cpus().stream()
                .filter(c -> AllowlistSelector.fileName(c).equals(name))
                .findFirst().orElseThrow(() -> new AssertionError(name + " is for no processor in the catalog"));

        assertEquals(List.of(), problems(name, bytes, CATALOG));

        String text = new String(bytes, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("# " + name + ": "), name + " starts with a header naming itself");
        assertTrue(text.contains("REVIEW BEFORE USE"), name + " tells sites to review it");
        // The file is the catalog's register set for its processor: nothing more, nothing less.
        Set<Long> listed = new TreeSet<>();
        for (String line : text.split("\n")) {
            Matcher entry = ENTRY.matcher(line);
            if (entry.matches()) {
                listed.add(Long.decode(entry.group(1)));
            }
        }
        Set<Long> catalogued = CATALOG.registersFor(cpu).stream().map(Register::address)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(catalogued, listed, name + " lists exactly the catalog's registers for " + cpu);
    }

    @Test
    void theChecksCatchEachKindOfMistake() {
        String good = "# header\n0x00000610 0x00FFFFFF00FFFFFF # MSR_PKG_POWER_LIMIT\n"
                + "0x00000611 0x0000000000000000 # MSR_PKG_ENERGY_STATUS\n";
        assertEquals(List.of(), problems("t", ascii(good), CATALOG));
        assertEquals(List.of("t: does not end with a newline (the module rejects it with EILSEQ)"),
                problems("t", ascii(good.strip()), CATALOG));
        assertEquals(List.of("t:4: 0x00000611 is listed twice (the module empties its allowlist: ENOTUNIQ)"),
                problems("t", ascii(good + "0x00000611 0x0000000000000000 # MSR_PKG_ENERGY_STATUS\n"), CATALOG));
        assertEquals(List.of("t:2: write mask 0x0000000000000001 grants bits the catalog marks read-only in "
                        + "MSR_PKG_ENERGY_STATUS (0xFFFFFFFFFFFFFFFF)"),
                problems("t", ascii("# h\n0x00000611 0x0000000000000001 # MSR_PKG_ENERGY_STATUS\n"), CATALOG));
        assertEquals(List.of("t:1: comment names MSR_PKG_POWER_LIMIT but the catalog calls 0x00000611 MSR_PKG_ENERGY_STATUS"),
                problems("t", ascii("0x00000611 0x0000000000000000 # MSR_PKG_POWER_LIMIT\n"), CATALOG));
        assertEquals(List.of("t:1: 0x00001234 is not in the register catalog"),
                problems("t", ascii("0x00001234 0x0000000000000000 # SOMETHING\n"), CATALOG));
        assertEquals(List.of("t:1: not '0x%08X 0x%016X # NAME': 0x611 0x0 # MSR_PKG_ENERGY_STATUS"),
                problems("t", ascii("0x611 0x0 # MSR_PKG_ENERGY_STATUS\n" + good), CATALOG));
        assertEquals(List.of("t:1: not '0x%08X 0x%016X # NAME': 0x00000611 0x0000000000000000# MSR_PKG_ENERGY_STATUS"),
                problems("t", ascii("0x00000611 0x0000000000000000# MSR_PKG_ENERGY_STATUS\n" + good), CATALOG));
        assertEquals(List.of("t: has no entries (the module rejects it with ENOMSG)"),
                problems("t", ascii("# only a comment\n"), CATALOG));
        assertEquals(List.of("t: byte 0x09 at offset 1 is not printable ASCII"),
                problems("t", ascii("#\theader\n0x00000611 0x0000000000000000 # MSR_PKG_ENERGY_STATUS\n"), CATALOG));
        assertEquals(List.of("t:2: 0x00000610 is not above the line before (keep entries in address order)"),
                problems("t", ascii("0x00000611 0x0000000000000000 # MSR_PKG_ENERGY_STATUS\n"
                        + "0x00000610 0x0000000000000000 # MSR_PKG_POWER_LIMIT\n"), CATALOG));
    }

    /**
     * Everything wrong with one allowlist file, as {@code name:line: message};
     * an empty list means the file passes.
     */
    static List<String> problems(String name, byte[] bytes, RegisterCatalog catalog) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            if (b != '\n' && (b < 0x20 || b > 0x7E)) {
                // Plain ASCII only: the module treats 0xA0, \v, \f, \r and \t as spaces and NUL as the end.
                problems.add("%s: byte 0x%02X at offset %d is not printable ASCII".formatted(name, b, i));
                return problems;
            }
        }
        if (bytes.length == 0 || bytes[bytes.length - 1] != '\n') {
            problems.add(name + ": does not end with a newline (the module rejects it with EILSEQ)");
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        Set<Long> seen = new HashSet<>();
        long previous = -1;
        int entries = 0;
        String[] lines = text.split("\n", -1);
        for (int index = 0; index < lines.length; index++) {
            String line = lines[index];
            String where = name + ":" + (index + 1) + ": ";
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher entry = ENTRY.matcher(line);
            if (!entry.matches()) {
                problems.add(where + "not '0x%08X 0x%016X # NAME': " + line);
                continue;
            }
            entries++;
            long address = Long.decode(entry.group(1));
            long writeMask = Long.parseUnsignedLong(entry.group(2).substring(2), 16);
            if (!seen.add(address)) {
                problems.add(where + entry.group(1) + " is listed twice (the module empties its allowlist: ENOTUNIQ)");
                continue;
            }
            if (address <= previous) {
                problems.add(where + entry.group(1) + " is not above the line before (keep entries in address order)");
            }
            previous = address;
            var register = catalog.byAddress(address);
            if (register.isEmpty()) {
                problems.add(where + entry.group(1) + " is not in the register catalog");
                continue;
            }
            if (!register.get().name().equals(entry.group(3))) {
                problems.add(where + "comment names " + entry.group(3) + " but the catalog calls " + entry.group(1)
                        + " " + register.get().name());
            }
            if ((writeMask & register.get().readOnlyBits()) != 0) {
                problems.add(where + "write mask %s grants bits the catalog marks read-only in %s (0x%016X)"
                        .formatted(entry.group(2), register.get().name(), register.get().readOnlyBits()));
            }
        }
        if (entries == 0) {
            problems.add(name + ": has no entries (the module rejects it with ENOMSG)");
        }
        return problems;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
