package io.github.msrsafe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/troubleshooting.md is keyed by the messages the library and the msrsafe command
 * print. Each {@code ### `message`} heading (outside the last section, which quotes the
 * JVM, Maven and picocli) must still occur in a string of the main sources of
 * msrsafe-core or msrsafe-cli, piece by piece between the {@code …} that stand for the
 * varying parts; so a reworded message cannot leave the page describing one that no
 * longer exists.
 */
class DocsTroubleshootingTest {

    private static final Path DOC = Path.of("..", "docs", "troubleshooting.md");
    private static final List<Path> SOURCES = List.of(
            Path.of("src", "main", "java"), Path.of("..", "msrsafe-cli", "src", "main", "java"));
    private static final String NOT_OURS = "## From the JVM";
    private static final Pattern HEADING = Pattern.compile("^### `(.+)`$");
    // A string literal, and the join of two literals by + (across lines), which the messages use to wrap.
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    private static final Pattern JOIN = Pattern.compile("\"\\s*\\+\\s*\"");

    @Test
    void everyMessageOnThePageIsOneTheCodePrints() throws IOException {
        List<String> strings = stringsOfTheCode();
        assertTrue(strings.size() > 500, "found only " + strings.size() + " string literals in " + SOURCES);
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (String message : documentedMessages()) {
            checked++;
            for (String piece : message.split("…")) {
                String text = piece.strip();
                if (!text.isEmpty() && strings.stream().noneMatch(string -> string.contains(text))) {
                    missing.add("'" + text + "' (of: " + message + ")");
                }
            }
        }
        assertTrue(checked >= 40, "only " + checked + " messages found in " + DOC);
        assertEquals(List.of(), missing, "troubleshooting.md quotes text that no code prints any more");
    }

    @Test
    void theCheckFindsAReworded() throws IOException {
        // The check itself must be able to fail: a message with one word changed is not found.
        List<String> strings = stringsOfTheCode();
        String real = "is not in the allowlist; an administrator must add it to /dev/cpu/msr_allowlist";
        assertTrue(strings.stream().anyMatch(string -> string.contains(real)));
        String reworded = real.replace("administrator", "admin");
        assertTrue(strings.stream().noneMatch(string -> string.contains(reworded)));
    }

    /**
     * Messages the command cannot print, by the file that makes them or a piece of the message,
     * each with the reason. Everything else the sources can say must have an entry.
     */
    private static final Map<String, String> NOT_PRINTED_BY_THE_COMMAND = Map.ofEntries(
            Map.entry("registers/RegisterCatalog.java", "parses the catalog built into the jar, never user input"),
            Map.entry("registers/Register.java", "checks the catalog's own entries"),
            Map.entry("SimulatedRegister.java", "builder checks; the command builds the standard simulated device"),
            Map.entry("SimulatedDevice.java", "builder checks; the command builds the standard device of 1 to 4096 CPUs,"
                    + " msr-safe 1.x or 2.x"),
            Map.entry("PollResult.java", "record invariants; the library builds every PollResult from an executed poll"),
            Map.entry("internal/abi/BatchAbi.java", "the gate for 2.x op words; the add methods compose only words it passes"),
            Map.entry("internal/sim/", "the simulator's test accessors (peek, poke); the command does not call them"),
            Map.entry("telemetry/Sample.java", "accessors asked for a CPU or signal the sampler was not built for"),
            Map.entry("telemetry/PackagePowerLimit.java", "power-limit encoding; the command only reads limits"),
            Map.entry("telemetry/PowerLimit.java", "power-limit values; the command only reads limits"),
            Map.entry("telemetry/PowerLimitControl.java", "power-limit writes; the command does not write limits"),
            Map.entry("telemetry/Derivations.java", "counter widths the library passes itself"),
            Map.entry("telemetry/RaplUnits.java", "units decoded by the library, positive by construction"),
            Map.entry("a topology needs at least one CPU", "the command builds a topology of the online CPUs, never none"),
            Map.entry("CPUs must be listed once each in ascending order", "the library lists them so"),
            Map.entry("CPU, package and core ids must not be negative", "ids are parsed as non-negative first"),
            Map.entry("is not in this topology", "an accessor asked for a CPU it was not built with"),
            Map.entry("a sampler needs at least one signal", "the command refuses an empty --show first"),
            Map.entry("DRAM energy unit must be a positive number", "a constant of the library"),
            Map.entry("allowlist/AllowlistException.java", "constructor checks; the parser passes 1-based places"),
            Map.entry("allowlist/lint/Finding.java", "constructor checks; the linter passes 1-based places"),
            Map.entry("unknown allowlist lint rule", "the command takes no rule ids"),
            Map.entry("is listed more than once in", "Allowlist.of with repeats; the command parses text, which reports ENOTUNIQ"),
            Map.entry("CPU numbers must be non-negative and ascending", "snapshot invariants, met by save and the readers"),
            Map.entry("allowlist address", "snapshot invariant: the allowlist parser refuses repeats first"),
            Map.entry("entries need", "snapshot invariant"),
            Map.entry("is not in this snapshot", "accessors the command does not call"),
            Map.entry("names no file (a root directory)", "the command refuses a directory before"),
            Map.entry("the batch device is opened with openBatch", "the library's own use of the native layer"),
            Map.entry("cli/ManPages.java", "the build's man page generator, run by Maven, not by users"),
            Map.entry("BatchOp.java", "record invariants; the library builds every BatchOp from an executed batch"),
            Map.entry("is thrown as", "constructor invariant: each failure kind has one exception class"),
            Map.entry("/N/msr_safe or", "the native layer's errno text; MsrSafe words what the command prints"),
            Map.entry("the batch already holds", "the sampler fills only batches it made empty"),
            Map.entry("are not all inside this batch of", "MsrBatch.values; the command reads values one op at a time"),
            Map.entry("the arrays differ in length", "MsrBatch.addReads/addWrites; the command adds ops one at a time"),
            Map.entry("is not one little-endian 8-byte word", "a class-initialisation check of the op layouts, which the ABI test covers"),
            Map.entry("is outside this batch of", "an accessor asked for an op the batch does not have; the command asks for its own"),
            Map.entry("does not fit the module's u32 encoding", "ModuleVersion.of with a bad number; the command parses"),
            Map.entry("CPU vendor '", "CpuIdentity constructor checks; the command parses cpuinfo or FF_MM first"),
            Map.entry("is outside 0..0xFF", "CpuIdentity constructor checks; FF_MM and cpuinfo give a byte"),
            Map.entry("internal/sys/DeviceNode.java", "an invariant of the library's own device names"),
            Map.entry("internal/text/JsonWriter.java", "a bug: the library and the command give the JSON writer only values it can write"),
            Map.entry("cli/Table.java", "a bug: the command's rows always have the table's columns"),
            Map.entry("cli/WarmUp.java", "the command's own constants"),
            Map.entry("format AUTO is for reading", "the command refuses --format auto for save first"),
            Map.entry("(family 0x%X model 0x%X)", "a file name and family in a message that has its entry"),
            Map.entry("al_%02X_%X", "a file name, not a message"),
            Map.entry("is not a frequency signal", "a bug guard of the sampler's own dispatch"),
            Map.entry("maximum package power must be a positive number of watts", "a library option the command does not set"),
            Map.entry("telemetry/TurboRatioLimits.java", "an accessor the command does not call"),
            Map.entry("bad limits:", "the exporter's own constants"),
            Map.entry("request head not complete in time", "answered to the HTTP client as 408, not printed"));

    @Test
    void everyMessageTheCommandCanPrintHasAnEntry() throws IOException {
        // Found in the sources, not in the page: a message added anywhere needs an entry (or a reason above).
        List<MessageSites.Site> sites = MessageSites.under(Path.of(".."), SOURCES);
        assertTrue(sites.size() > 150, "found only " + sites.size() + " message sites in " + SOURCES);
        // The enumeration reaches every way the code makes messages: thrown, warned, noted, returned by factories.
        for (String known : List.of("no allowlist for family", "unknown signal '", "cannot listen on",
                "is wider than 64 bits", "was written but the register reads back", "failed to read MSR",
                "is not in the allowlist; an administrator must add it", "is already listed at line")) {
            assertTrue(sites.stream().anyMatch(site -> site.holds(known)), "the enumeration misses '" + known + "'");
        }
        List<String> pieces = headingPieces();
        List<String> missing = new ArrayList<>();
        java.util.Set<String> usedExemptions = new java.util.HashSet<>();
        for (MessageSites.Site site : sites) {
            java.util.Optional<String> exempt = NOT_PRINTED_BY_THE_COMMAND.keySet().stream()
                    .filter(key -> site.file().contains(key) || site.holds(key)).findFirst();
            if (exempt.isPresent()) {
                usedExemptions.add(exempt.get());
            } else if (pieces.stream().noneMatch(site::holds)) {
                missing.add(site.toString());
            }
        }
        assertEquals(List.of(), missing, "messages the command can print without an entry in troubleshooting.md");
        List<String> stale = NOT_PRINTED_BY_THE_COMMAND.keySet().stream().filter(key -> !usedExemptions.contains(key))
                .sorted().toList();
        assertEquals(List.of(), stale, "exemptions that match no message any more");
    }

    @Test
    void theEnumerationFindsAMessageNoOneListed() {
        // The check must be able to fail: a new message in a new file is a site, and no heading covers it.
        String source = "class X { void f(int n) { if (n < 0) throw CliException.usage(\"the frobnicator \" + n"
                + " + \" is out of flux; recalibrate\"); warn(e.getMessage()); } }";
        List<MessageSites.Site> sites = MessageSites.in("X.java", source);
        assertEquals(1, sites.size(), sites.toString());
        assertEquals("the frobnicator…is out of flux; recalibrate", sites.get(0).template());
        assertTrue(headingPiecesUnchecked().stream().noneMatch(sites.get(0)::holds));
    }

    /** The pieces of every heading (between the "…"), long enough to name a message. */
    private static List<String> headingPieces() throws IOException {
        List<String> pieces = new ArrayList<>();
        for (String heading : documentedMessages()) {
            for (String piece : heading.split("…")) {
                if (piece.strip().length() >= 6) {
                    pieces.add(piece.strip());
                }
            }
        }
        return pieces;
    }

    private static List<String> headingPiecesUnchecked() {
        try {
            return headingPieces();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> documentedMessages() throws IOException {
        List<String> messages = new ArrayList<>();
        for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
            if (line.startsWith(NOT_OURS)) {
                break;
            }
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                messages.add(heading.group(1));
            }
        }
        return messages;
    }

    private static List<String> stringsOfTheCode() throws IOException {
        List<String> strings = new ArrayList<>();
        for (Path root : SOURCES) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                    try {
                        String source = JOIN.matcher(Files.readString(file, StandardCharsets.UTF_8)).replaceAll("");
                        Matcher literal = LITERAL.matcher(source);
                        while (literal.find()) {
                            strings.add(literal.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
        return strings;
    }
}
