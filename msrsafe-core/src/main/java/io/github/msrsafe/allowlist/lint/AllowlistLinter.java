package io.github.msrsafe.allowlist.lint;

import io.github.msrsafe.Errno;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.internal.allowlist.AllowlistFiles;
import io.github.msrsafe.internal.allowlist.AllowlistScanner;
import io.github.msrsafe.internal.allowlist.Kstrtoull;
import io.github.msrsafe.internal.allowlist.LineMap;
import io.github.msrsafe.internal.allowlist.Tokens;
import io.github.msrsafe.internal.allowlist.Verdicts;
import io.github.msrsafe.internal.text.Hex;
import io.github.msrsafe.registers.RegisterCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Lints allowlist files for CI: everything the msr_safe module would reject
 * ({@link Severity#ERROR}, rules named after the errno), and what it would
 * accept although it is almost certainly wrong ({@link Severity#WARNING}),
 * and non-canonical formatting ({@link Severity#INFO}). See {@link Rule}.
 *
 * <p>Unlike {@link Allowlist#parse}, which stops where the module stops, the
 * linter goes on after an error to report every problem: token boundaries do
 * not depend on whether a number converts. It stops only where the module's
 * scan cannot go on (the end of input).
 *
 * {@snippet :
 * LintReport report = new AllowlistLinter().lint(List.of(Path.of("allowlists")));
 * System.out.print(report.toText());
 * System.exit(report.exitStatus(Severity.WARNING));
 * }
 */
public final class AllowlistLinter {

    private final RegisterLookup registers;

    /** A linter without a register catalog: {@link Rule#WRITABLE_READ_ONLY_BITS} never fires. */
    public AllowlistLinter() {
        this(RegisterLookup.NONE);
    }

    /**
     * A linter that checks write masks against this library's built-in register catalog
     * ({@link io.github.msrsafe.registers.RegisterCatalog#builtIn()}): what the CLI's
     * {@code allowlist lint} uses.
     *
     * @return the linter
     */
    public static AllowlistLinter withBuiltInCatalog() {
        RegisterCatalog catalog = RegisterCatalog.builtIn();
        return new AllowlistLinter(address -> catalog.byAddress(address)
                .map(register -> new KnownRegister(register.name(), register.readOnlyBits())));
    }

    /**
     * A linter that checks write masks against {@code registers}.
     *
     * @param registers what is known of each MSR, or {@link RegisterLookup#NONE}
     */
    public AllowlistLinter(RegisterLookup registers) {
        this.registers = Objects.requireNonNull(registers, "registers");
    }

    /**
     * Lints files and directories. A directory is searched recursively for
     * {@linkplain #isAllowlistFileName allowlist files}; a file named directly
     * is always linted. Files are linted in the order given, each directory's
     * files sorted by path, so the report is deterministic. A path that cannot
     * be read, and a directory that holds no allowlist file, becomes a
     * {@link LintReport.Problem} (exit status 2). At most one byte more than the
     * module accepts is read of each file; a larger file gets the one finding
     * {@link Rule#E2BIG_TOO_LARGE}, since the module rejects it whole.
     *
     * @param paths files and directories
     * @return the report on every file linted
     */
    public LintReport lint(List<Path> paths) {
        List<String> files = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        List<LintReport.Problem> problems = new ArrayList<>();
        List<ModuleVerdict> verdicts = new ArrayList<>();
        for (Path path : paths) {
            List<Path> targets;
            try {
                targets = Files.isDirectory(path) ? allowlistFilesUnder(path) : List.of(path);
            } catch (IOException | UncheckedIOException e) {
                problems.add(new LintReport.Problem(path.toString(), "cannot list directory: " + describe(e)));
                continue;
            }
            if (targets.isEmpty()) {
                problems.add(new LintReport.Problem(path.toString(), "no allowlist files in this directory (names"
                        + " starting al_ or containing 'allowlist', not hidden, not .md, .txt or .html); name a file"
                        + " to lint it whatever its name"));
            }
            for (Path file : targets) {
                String name = file.toString();
                try {
                    // At most one byte more than the module accepts: a huge file, a device or an endless pipe is
                    // read no further than a file just too large.
                    AllowlistFiles.Text text = AllowlistFiles.read(file);
                    files.add(name);
                    findings.addAll(text.tooLarge() ? List.of(tooLarge(text, name)) : lint(text.bytes(), name));
                    verdicts.add(ModuleVerdict.of(text.bytes(), name));
                } catch (IOException e) {
                    problems.add(new LintReport.Problem(name, "cannot read: " + describe(e)));
                }
            }
        }
        return new LintReport(files, findings, problems, verdicts);
    }

    /** The one finding of a text the module rejects whole: more than one write may carry. */
    private static Finding tooLarge(AllowlistFiles.Text text, String file) {
        LineMap lines = new LineMap(text.bytes(), Allowlist.MAX_WRITE_BYTES + 1);
        int offset = Allowlist.MAX_WRITE_BYTES;
        return new Finding(Rule.E2BIG_TOO_LARGE, Rule.E2BIG_TOO_LARGE.severity(), file, lines.line(offset),
                lines.column(offset), Verdicts.tooLarge(text.size()));
    }

    private static String describe(Exception e) {
        Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
        if (cause instanceof NoSuchFileException) {
            return "no such file";
        }
        if (cause instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (cause instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
            return fileSystem.getReason();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    /**
     * {@return allowlist files under {@code directory}, recursively, sorted by path}
     *
     * @param directory the directory to search
     * @throws IOException if the directory cannot be walked
     */
    public static List<Path> allowlistFilesUnder(Path directory) throws IOException {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile)
                    .filter(file -> isAllowlistFileName(file.getFileName().toString()))
                    .filter(file -> !hiddenBelow(directory, file))
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        }
    }

    private static boolean hiddenBelow(Path root, Path file) {
        for (Path part : root.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * True for names a directory search lints: {@code al_*} (the module's
     * README names, e.g. {@code al_06_55}) or containing "allowlist" in any
     * case (e.g. {@code default_allowlist}), except documentation ({@code .md},
     * {@code .txt}, {@code .html}) and hidden files.
     *
     * @param name a file name, without directories
     * @return whether a directory search lints a file of that name
     */
    public static boolean isAllowlistFileName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith(".") || lower.endsWith(".md") || lower.endsWith(".txt") || lower.endsWith(".html")) {
            return false;
        }
        return lower.startsWith("al_") || lower.contains("allowlist");
    }

    /**
     * Lints one text (the bytes as a write would pass them).
     *
     * @param text the allowlist's bytes
     * @param file the name findings give the text
     * @return the findings, in text order
     */
    public List<Finding> lint(byte[] text, String file) {
        return new Pass(text, file).run();
    }

    /** The state of linting one text. */
    private final class Pass {
        private final byte[] text;
        private final String file;
        private final LineMap lines;
        private final List<Finding> findings = new ArrayList<>();
        private final Map<Long, Integer> firstOffsetOf = new HashMap<>();
        private final long[] value = new long[1];
        private int previousMaskLine = -1;
        private int entries;

        Pass(byte[] text, String file) {
            this.text = text;
            this.file = file;
            this.lines = new LineMap(text, Math.min(text.length, Allowlist.MAX_WRITE_BYTES + 1));
        }

        List<Finding> run() {
            if (text.length <= Allowlist.CLEARING_WRITE_BYTES) {
                report(Rule.CLEARS_ALLOWLIST, 0, "this file is " + text.length + " byte" + (text.length == 1 ? "" : "s")
                        + ": a write of at most 2 bytes empties the allowlist instead of installing one");
                return findings;
            }
            if (text.length > Allowlist.MAX_WRITE_BYTES) {
                // The module rejects the whole text: nothing else in it matters until it is split.
                report(Rule.E2BIG_TOO_LARGE, Allowlist.MAX_WRITE_BYTES, Verdicts.tooLarge(text.length));
                return findings;
            }
            AllowlistScanner scanner = new AllowlistScanner(text);
            checkAfterNul(scanner.limit());
            int addressStart = -1;
            int addressEnd = -1;
            boolean addressValid = false;
            long address = 0;
            int findingsAtAddress = 0;
            boolean truncated = false;
            List<int[]> commentSpans = new ArrayList<>();
            scan:
            for (AllowlistScanner.Item item = scanner.next(); ; item = scanner.next()) {
                switch (item) {
                    case COMMENT -> {
                        commentSpans.add(new int[] {scanner.start(), scanner.end()});
                        checkComment(scanner.start(), scanner.end());
                    }
                    case ADDRESS -> {
                        entries++;
                        findingsAtAddress = findings.size();
                        addressStart = scanner.start();
                        addressEnd = scanner.end();
                        addressValid = convert(addressStart, addressEnd, false);
                        address = value[0];
                    }
                    case MASK -> {
                        boolean maskValid = convert(scanner.start(), scanner.end(), true);
                        checkEntry(addressStart, addressEnd, addressValid, address, scanner.start(), scanner.end(),
                                maskValid, value[0], findingsAtAddress);
                    }
                    case TRUNCATED -> {
                        truncated = true;
                        truncated(scanner, addressStart, addressEnd);
                        break scan;
                    }
                    case END -> {
                        break scan;
                    }
                }
            }
            if (entries == 0 && !truncated) {
                report(Rule.ENOMSG_NO_ENTRIES, scanner.limit(), Verdicts.noEntries(scanner.limit() < text.length));
            }
            checkNoBreakSpaces(scanner.limit(), commentSpans);
            findings.sort(Comparator.comparingInt(Finding::line).thenComparingInt(Finding::column));
            return findings;
        }

        private void report(Rule rule, int offset, String message) {
            findings.add(new Finding(rule, rule.severity(), file, lines.line(offset), lines.column(offset), message));
        }

        /** Converts a token, reporting a failure; the value is in {@code value[0]} if true. */
        private boolean convert(int start, int end, boolean mask) {
            int errno = Kstrtoull.convert(text, start, end, value);
            if (errno == 0) {
                checkOctal(start, end);
                return true;
            }
            Rule rule = errno == Errno.ERANGE.number() ? Rule.ERANGE_NUMBER_TOO_LARGE
                    : contains(start, end, (byte) '#') ? Rule.EINVAL_GLUED_COMMENT
                    : Rule.EINVAL_NOT_A_NUMBER;
            report(rule, start, Verdicts.notANumber(text, start, end, mask, errno, lines));
            return false;
        }

        private boolean contains(int start, int end, byte wanted) {
            for (int at = start; at < end; at++) {
                if (text[at] == wanted) {
                    return true;
                }
            }
            return false;
        }

        private void truncated(AllowlistScanner scanner, int addressStart, int addressEnd) {
            int start = scanner.start();
            int end = scanner.end();
            String message = Verdicts.truncated(text, start, end, scanner.expectingMask(), lines, addressStart,
                    addressEnd);
            if (start == end) {
                report(Rule.EILSEQ_MISSING_WRITE_MASK, addressStart, message);
            } else if (!scanner.expectingMask() && end == text.length) {
                // An address at the very end: it has no mask, whatever else is missing.
                report(Rule.EILSEQ_MISSING_WRITE_MASK, start, "address " + Tokens.printable(text, start, end)
                        + " is the last thing in the file: it has no write mask and no newline (EILSEQ)");
            } else if (end < text.length) {
                report(Rule.EILSEQ_NUL_IN_TOKEN, start, message);
            } else {
                report(Rule.EILSEQ_MISSING_FINAL_NEWLINE, start, message);
            }
        }

        private void checkEntry(int addressStart, int addressEnd, boolean addressValid, long address,
                int maskStart, int maskEnd, boolean maskValid, long mask, int findingsBefore) {
            int addressLine = lines.line(addressStart);
            int maskLine = lines.line(maskStart);
            if (addressLine == previousMaskLine) {
                report(Rule.SEVERAL_ENTRIES_ON_LINE, addressStart, "another entry starts on this line, after a"
                        + " complete entry: is " + Tokens.printable(text, addressStart, addressEnd)
                        + " a stray third number? The module takes it as an address and the next number as its"
                        + " write mask");
            }
            if (maskLine != addressLine) {
                report(Rule.ENTRY_SPANS_LINES, maskStart, "this is the write mask of the address at line "
                        + addressLine + " (" + Tokens.printable(text, addressStart, addressEnd)
                        + "): lines mean nothing to the module, so a line with one number takes the next number"
                        + " as its mask");
            }
            previousMaskLine = maskLine;
            if (addressValid) {
                Integer first = firstOffsetOf.putIfAbsent(address, addressStart);
                if (first != null) {
                    report(Rule.ENOTUNIQ_DUPLICATE_ADDRESS, addressStart,
                            Verdicts.duplicate(Tokens.printable(text, addressStart, addressEnd), address,
                                    lines.line(first), lines.column(first))
                                    + "; installing this file leaves the live allowlist EMPTY");
                }
                if ((address >>> 32) != 0) {
                    report(Rule.UNREACHABLE_ADDRESS, addressStart, "address " + Hex.of(address)
                            + " is at or above 2^32: the module accepts it, but MSR addresses are 32-bit and the"
                            + " per-CPU device truncates offsets to 32 bits, so no access can reach this entry");
                }
            }
            if (addressValid && maskValid && mask != 0) {
                Optional<KnownRegister> known = registers.find(address);
                if (known.isPresent() && (mask & known.get().readOnlyBits()) != 0) {
                    KnownRegister register = known.get();
                    report(Rule.WRITABLE_READ_ONLY_BITS, maskStart, "write mask " + Hex.of(mask) + " of "
                            + register.name() + " (" + Hex.of(address) + ") allows bits "
                            + Hex.of(mask & register.readOnlyBits()) + ", which the register catalog"
                            + " marks read-only"
                            + ((mask & ~register.readOnlyBits()) == 0 ? "; the register has no writable bit"
                                    + " there, use write mask 0"
                                    : "; the writable bits are " + Hex.of(mask & ~register.readOnlyBits())));
                }
            }
            if (findings.size() == findingsBefore && addressValid && maskValid) {
                checkCanonical(addressStart, addressEnd, maskStart, maskEnd, new AllowlistEntry(address, mask));
            }
        }

        /** Warns about an octal number whose value differs from its decimal reading (from 8 on). */
        private void checkOctal(int start, int end) {
            int digits = text[start] == '+' ? start + 1 : start;
            if (end - digits < 2 || text[digits] != '0' || (text[digits + 1] | 0x20) == 'x' || value[0] < 8) {
                return;
            }
            String written = new String(text, digits, end - digits, StandardCharsets.US_ASCII);
            String decimal = written.replaceFirst("^0+", "");
            report(Rule.OCTAL_NUMBER, start, Tokens.printable(text, start, end) + " has a leading 0, so the module"
                    + " reads it as octal: " + value[0] + " (" + Hex.of(value[0]) + "), not " + decimal + " or 0x"
                    + decimal + "; write it in hex with 0x");
        }

        private void checkCanonical(int addressStart, int addressEnd, int maskStart, int maskEnd,
                AllowlistEntry entry) {
            String canonical = entry.kernelLine();
            String canonicalAddress = canonical.substring(0, canonical.indexOf(' '));
            String canonicalMask = canonical.substring(canonical.indexOf(' ') + 1, canonical.length() - 1);
            boolean ok = lines.column(addressStart) == 1
                    && equalsAscii(addressStart, addressEnd, canonicalAddress)
                    && maskStart == addressEnd + 1 && text[addressEnd] == ' '
                    && equalsAscii(maskStart, maskEnd, canonicalMask)
                    && restOfLineIsEmptyOrComment(maskEnd);
            if (!ok) {
                report(Rule.NON_CANONICAL, addressStart, "not in canonical form; write "
                        + canonical.strip() + " (add ' # name' for a comment)");
            }
        }

        private boolean equalsAscii(int start, int end, String expected) {
            if (end - start != expected.length()) {
                return false;
            }
            for (int i = 0; i < expected.length(); i++) {
                if (text[start + i] != expected.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** After a canonical mask: the '\n', or spaces and a '#' comment. No tabs, no trailing blanks, no \r. */
        private boolean restOfLineIsEmptyOrComment(int at) {
            if (at < text.length && text[at] == '\n') {
                return true;
            }
            int spaces = at;
            while (spaces < text.length && text[spaces] == ' ') {
                spaces++;
            }
            if (spaces == at || spaces == text.length || text[spaces] != '#') {
                return false;
            }
            int lineEnd = spaces;
            while (lineEnd < text.length && text[lineEnd] != '\n') {
                lineEnd++;
            }
            return text[lineEnd - 1] != '\r' && text[lineEnd - 1] != ' ' && text[lineEnd - 1] != '\t';
        }

        private void checkComment(int start, int end) {
            for (int at = start; at < end; at++) {
                if (text[at] == '\r') {
                    for (int after = at + 1; after < end; after++) {
                        if (!Tokens.isSpace(text[after])) {
                            report(Rule.COMMENT_HIDES_TEXT, after, "this text follows a \\r inside the comment that"
                                    + " starts at line " + lines.line(start) + ", column " + lines.column(start)
                                    + "; the comment runs to the next \\n, so the module never reads it");
                            return;
                        }
                    }
                    return;
                }
            }
        }

        private void checkAfterNul(int limit) {
            if (limit == text.length) {
                return;
            }
            for (int at = limit + 1; at < text.length; at++) {
                if (text[at] != 0 && !Tokens.isSpace(text[at])) {
                    report(Rule.IGNORED_AFTER_NUL, limit, "a NUL byte ends the text here for the module; the "
                            + (text.length - limit - 1) + " bytes after it are ignored");
                    return;
                }
            }
        }

        /** One finding per line that uses the byte 0xA0 as whitespace outside comments. */
        private void checkNoBreakSpaces(int limit, List<int[]> commentSpans) {
            int comment = 0;
            int lastLine = -1;
            for (int at = 0; at < limit; at++) {
                while (comment < commentSpans.size() && commentSpans.get(comment)[1] <= at) {
                    comment++;
                }
                boolean inComment = comment < commentSpans.size() && commentSpans.get(comment)[0] <= at;
                if (text[at] == (byte) 0xA0 && !inComment && lines.line(at) != lastLine) {
                    lastLine = lines.line(at);
                    boolean utf8 = at > 0 && text[at - 1] == (byte) 0xC2;
                    report(Rule.NO_BREAK_SPACE, at, "the byte 0xA0 (no-break space) separates tokens here"
                            + (utf8 ? "; it is the second byte of a UTF-8 no-break space, whose first byte 0xC2"
                                    + " is left in the token before it" : "; use a plain space"));
                }
            }
        }
    }

}
