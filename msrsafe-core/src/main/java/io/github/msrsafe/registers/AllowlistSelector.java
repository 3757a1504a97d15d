package io.github.msrsafe.registers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the allowlist file for a processor in a directory of allowlists named
 * after the processor's family and model, as the msr-safe module's README and
 * allowlists/ directory do.
 *
 * <p>The rule: a file is named {@code al_}, the display family as two hex
 * digits, then the display model in hex. The canonical spelling, which
 * {@link #fileName} produces and this project's allowlists/ uses, is
 * {@code al_%02X_%X}: upper case with an underscore, e.g. {@code al_06_55},
 * {@code al_06_8F}, {@code al_19_1}, {@code al_19_11} (the spelling of the
 * module's current allowlists/). Also accepted, since sites already have such
 * files: the README's {@code printf 'al_%.2x%x'} spelling without the
 * underscore ({@code al_0655}, {@code al_068f}, {@code al_191}), any letter
 * case, and a model with a leading zero ({@code al_19_01}). The family is
 * always exactly two digits, which keeps the spelling without an underscore
 * unambiguous. Names with anything after the model ({@code al_06_55.orig})
 * are not allowlists.
 *
 * {@snippet :
 * Path allowlist = AllowlistSelector.require(Path.of("/etc/msr-safe/allowlists"), CpuIdentity.current());
 * }
 */
public final class AllowlistSelector {

    private static final Pattern FILE_NAME = Pattern.compile("al_([0-9A-Fa-f]{2})_?([0-9A-Fa-f]{1,2})");

    private AllowlistSelector() {
    }

    /**
     * A file in an allowlist directory whose name follows the rule.
     *
     * @param file   the file
     * @param family the family its name encodes
     * @param model  the model its name encodes
     */
    public record Candidate(Path file, int family, int model) {
        /**
         * Checks the file.
         *
         * @throws NullPointerException if file is null
         */
        public Candidate {
            Objects.requireNonNull(file, "file");
        }

        /** {@return true if the file name is the canonical spelling {@link AllowlistSelector#fileName} produces} */
        public boolean canonical() {
            return String.valueOf(file.getFileName()).equals(canonicalName(family, model));
        }

        /**
         * {@return true if this file is meant for {@code cpu}'s family and model}
         *
         * @param cpu the processor
         */
        public boolean fits(CpuIdentity cpu) {
            return cpu.family() == family && cpu.model() == model;
        }

        /** {@code al_06_55 (family 0x6 model 0x55)}. */
        @Override
        public String toString() {
            return "%s (family 0x%X model 0x%X)".formatted(file.getFileName(), family, model);
        }
    }

    /**
     * {@return the canonical allowlist file name for {@code cpu}: {@code al_%02X_%X}, e.g. {@code al_06_8F},
     * {@code al_19_1}}
     *
     * @param cpu the processor
     */
    public static String fileName(CpuIdentity cpu) {
        Objects.requireNonNull(cpu, "cpu");
        return canonicalName(cpu.family(), cpu.model());
    }

    /**
     * {@return the family and model {@code file}'s name encodes, or empty if the name does not follow the rule}
     *
     * @param file a path whose last element is the file name
     */
    public static Optional<Candidate> candidate(Path file) {
        Objects.requireNonNull(file, "file");
        Path name = file.getFileName();
        if (name == null) {
            return Optional.empty();
        }
        Matcher matcher = FILE_NAME.matcher(name.toString());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Candidate(file,
                Integer.parseInt(matcher.group(1), 16), Integer.parseInt(matcher.group(2), 16)));
    }

    /**
     * The regular files in {@code directory} whose names follow the rule, by
     * family and model, the canonical spelling first where two spell the same
     * processor.
     *
     * @param directory the allowlist directory
     * @return the candidates, in that order
     * @throws IOException if the directory cannot be listed (NoSuchFileException if it does not exist)
     */
    public static List<Candidate> candidates(Path directory) throws IOException {
        Objects.requireNonNull(directory, "directory");
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile)
                    .map(AllowlistSelector::candidate)
                    .flatMap(Optional::stream)
                    .sorted(Comparator.comparingInt(Candidate::family)
                            .thenComparingInt(Candidate::model)
                            .thenComparing(candidate -> !candidate.canonical())
                            .thenComparing(candidate -> candidate.file().getFileName().toString()))
                    .toList();
        }
    }

    /**
     * The allowlist in {@code directory} for {@code cpu}'s family and model:
     * the canonical spelling if present, else the first other spelling in name
     * order; empty if there is none.
     *
     * @param directory the allowlist directory
     * @param cpu       the processor
     * @return the file, or empty
     * @throws IOException if the directory cannot be listed
     */
    public static Optional<Path> select(Path directory, CpuIdentity cpu) throws IOException {
        Objects.requireNonNull(cpu, "cpu");
        return candidates(directory).stream().filter(candidate -> candidate.fits(cpu)).findFirst().map(Candidate::file);
    }

    /**
     * Like {@link #select} but a missing allowlist is an error whose message
     * names the processor and what the directory offers, e.g. {@code no
     * allowlist for family 0x6 model 0x9A (GenuineIntel) in /etc/al: looked for
     * al_06_9A; available: al_06_55 (family 0x6 model 0x55), al_19_1 (family 0x19 model 0x1)}.
     *
     * @param directory the allowlist directory
     * @param cpu       the processor
     * @return the file
     * @throws NoSuchFileException if no file fits, carrying that message
     * @throws IOException if the directory cannot be listed
     */
    public static Path require(Path directory, CpuIdentity cpu) throws IOException {
        Objects.requireNonNull(cpu, "cpu");
        List<Candidate> candidates = candidates(directory);
        for (Candidate candidate : candidates) {
            if (candidate.fits(cpu)) {
                return candidate.file();
            }
        }
        throw new NoSuchFileException(directory.resolve(fileName(cpu)).toString(), null, missingMessage(directory, cpu, candidates));
    }

    static String missingMessage(Path directory, CpuIdentity cpu, List<Candidate> candidates) {
        String available = candidates.isEmpty()
                ? "none (no file named al_<family>_<model>)"
                : candidates.stream().map(Candidate::toString).collect(Collectors.joining(", "));
        return "no allowlist for family 0x%X model 0x%X (%s) in %s: looked for %s; available: %s"
                .formatted(cpu.family(), cpu.model(), cpu.vendor(), directory, fileName(cpu), available);
    }

    private static String canonicalName(int family, int model) {
        return "al_%02X_%X".formatted(family, model);
    }
}
