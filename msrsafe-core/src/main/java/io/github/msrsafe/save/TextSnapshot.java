package io.github.msrsafe.save;

import io.github.msrsafe.CpuRanges;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.internal.text.Hex;
import io.github.msrsafe.save.SnapshotException.Problem;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The self-describing text form of an {@link MsrSnapshot}: header lines that
 * name the format, the time, the allowlist's fingerprint and the CPUs, one
 * line per slot ({@code cpu msr mask value}), and an {@code end} line with the
 * slot count so that truncation is detected. The reader is strict: every slot
 * in CPU-major order, each CPU with the same entries as the first, and the
 * fingerprint recomputed from the listed entries must match the header (an
 * edited mask or a dropped line is refused).
 */
final class TextSnapshot {

    static final String MAGIC = "msrsafe-snapshot 1";
    /** The first line the writer puts out, a comment; {@link SnapshotFormat#detect} looks for it. */
    static final String FIRST_LINE = "# MSR state saved by msrsafe-java.";
    static final String FAILED = "failed";
    static final String READ_ONLY = "read-only";
    /** Larger files are refused before they are read (4096 CPUs x 1024 entries fit). */
    static final long MAX_BYTES = 256L << 20;
    /**
     * A data line as the writer puts it out is 52 bytes; one written or edited by hand may
     * have more space. Restore refuses a file larger than its node's slots at this size.
     */
    static final int MAX_DATA_LINE_BYTES = 256;
    /** What the header and comments of a snapshot may take beside its data lines. */
    static final long MAX_HEADER_AND_COMMENTS = 4L << 20;

    private TextSnapshot() {}

    static String format(MsrSnapshot snapshot) {
        List<Integer> cpus = snapshot.cpus();
        List<AllowlistEntry> entries = snapshot.entries();
        StringBuilder text = new StringBuilder(64 * (snapshot.slotCount() + 8));
        text.append(FIRST_LINE).append(" After \"columns\": one line per CPU and allowlist entry,\n")
            .append("# the value ANDed with the write mask; \"failed\" = could not be read, \"read-only\" = mask 0.\n")
            .append("# Restore refuses this file unless the installed allowlist has the same fingerprint.\n")
            .append(MAGIC).append('\n')
            .append("saved ").append(snapshot.savedAt()).append('\n')
            .append("allowlist ").append(snapshot.allowlistFingerprint()).append(" entries ").append(entries.size()).append('\n')
            .append("cpus ").append(CpuRanges.format(cpus)).append('\n')
            .append("columns cpu msr mask value\n");
        for (int p = 0; p < cpus.size(); p++) {
            for (int i = 0; i < entries.size(); i++) {
                AllowlistEntry entry = entries.get(i);
                text.append(cpus.get(p)).append(' ')
                    .append(String.format(Locale.ROOT, "0x%08X 0x%016X ", entry.address(), entry.writeMask()));
                if (entry.writeMask() == 0) {
                    text.append(READ_ONLY);
                } else if (snapshot.failedRead(p, i)) {
                    text.append(FAILED);
                } else {
                    text.append(String.format(Locale.ROOT, "0x%016X", snapshot.slot(p, i)));
                }
                text.append('\n');
            }
        }
        return text.append("end ").append(snapshot.slotCount()).append('\n').toString();
    }

    static MsrSnapshot parse(String text, Path source) throws SnapshotException {
        return new Parser(text, source, null, null).parse();
    }

    /**
     * Parses a snapshot meant for a node with these CPUs and this allowlist: a header that
     * names other CPUs, or an allowlist of another length, is refused before the data lines are
     * read, so no header makes the parser allocate more than the node's own slots.
     */
    static MsrSnapshot parse(String text, Path source, List<Integer> nodeCpus, List<AllowlistEntry> nodeEntries)
            throws SnapshotException {
        return new Parser(text, source, nodeCpus, nodeEntries).parse();
    }

    /**
     * The fewest bytes a data line can take: {@code "0 0x0 0x0 0x0\n"}. A header promising
     * more lines than the text can hold at this size is refused before anything is allocated.
     */
    static final int MIN_DATA_LINE_BYTES = 14;

    /** The longest line read; a longer one is refused before it is copied (the CPU list of 65536 CPUs fits). */
    static final int MAX_LINE = 1 << 20;

    private static final class Parser {
        private final String text;
        private final Path source;
        private final List<Integer> nodeCpus;          // null: not checked
        private final List<AllowlistEntry> nodeEntries;
        private int position;  // where the next line starts
        private int next;      // the 1-based number of the line last read

        Parser(String text, Path source, List<Integer> nodeCpus, List<AllowlistEntry> nodeEntries) {
            this.text = text;
            this.source = source;
            this.nodeCpus = nodeCpus;
            this.nodeEntries = nodeEntries;
        }

        MsrSnapshot parse() throws SnapshotException {
            String magic = nextLine("the format line \"" + MAGIC + "\"");
            if (!magic.equals(MAGIC)) {
                throw malformed("line " + next + " is \"" + abbreviate(magic) + "\", not \"" + MAGIC
                        + "\": this is not a msrsafe-java text snapshot (or a newer format)");
            }
            String[] saved = fields(nextLine("the \"saved\" line"), "saved", 2);
            Instant savedAt;
            try {
                savedAt = Instant.parse(saved[1]);
            } catch (DateTimeParseException e) {
                throw malformed("line " + next + ": \"" + abbreviate(saved[1]) + "\" is not an ISO-8601 instant");
            }
            String[] allowlist = fields(nextLine("the \"allowlist\" line"), "allowlist", 4);
            String fingerprint = allowlist[1];
            if (!allowlist[2].equals("entries")) {
                throw malformed("line " + next + " must read \"allowlist sha256:<hex> entries <count>\"");
            }
            int entryCount = parseCount(allowlist[3], "entry count");
            List<Integer> cpus;
            String[] cpuLine = fields(nextLine("the \"cpus\" line"), "cpus", 2);
            try {
                cpus = CpuRanges.parse(cpuLine[1]); // each element checked before it is expanded
            } catch (IllegalArgumentException e) {
                throw malformed("line " + next + ": " + e.getMessage());
            }
            String columns = nextLine("the \"columns\" line");
            if (!columns.equals("columns cpu msr mask value")) {
                throw malformed("line " + next + " must read \"columns cpu msr mask value\"");
            }
            long slotCount = (long) cpus.size() * entryCount;
            checkHeader(cpus, entryCount, fingerprint, slotCount);
            List<AllowlistEntry> entries = new ArrayList<>((int) Math.min(entryCount, slotCount));
            long[] slots = new long[(int) slotCount];
            for (int slot = 0; slot < slotCount; slot++) {
                int cpuPosition = slot / entryCount;
                int entryIndex = slot % entryCount;
                String line = nextLine("the line for CPU " + cpus.get(cpuPosition) + ", allowlist entry "
                        + (entryIndex + 1) + " of " + entryCount + " (" + slot + " of " + slotCount + " lines read)");
                String[] field = line.trim().split("\\s+");
                if (field.length != 4) {
                    throw malformed("line " + next + ": expected \"cpu msr mask value\", found \"" + abbreviate(line) + "\"");
                }
                int cpu = parseCount(field[0], "CPU number");
                if (cpu != cpus.get(cpuPosition)) {
                    throw malformed("line " + next + ": expected CPU " + cpus.get(cpuPosition) + " (lines go CPU by CPU, "
                            + entryCount + " per CPU), found CPU " + cpu);
                }
                AllowlistEntry entry = new AllowlistEntry(parseHex(field[1], "MSR address"), parseHex(field[2], "write mask"));
                if (cpuPosition == 0) {
                    entries.add(entry);
                } else if (!entries.get(entryIndex).equals(entry)) {
                    AllowlistEntry expected = entries.get(entryIndex);
                    throw malformed("line " + next + ": CPU " + cpu + " lists " + Hex.of(entry.address())
                            + " mask " + Hex.of(entry.writeMask()) + " where CPU " + cpus.get(0) + " listed "
                            + Hex.of(expected.address()) + " mask " + Hex.of(expected.writeMask()));
                }
                slots[slot] = parseValue(field[3], entry);
            }
            String[] end = fields(nextLine("the \"end " + slotCount + "\" line"), "end", 2);
            if (parseCount(end[1], "line count") != slotCount) {
                throw malformed("line " + next + ": the end line counts " + abbreviate(end[1]) + " lines, but the header"
                        + " implies " + slotCount + " (" + cpus.size() + " CPUs x " + entryCount + " entries)");
            }
            while (position < text.length()) {
                String extra = line();
                if (!extra.isBlank()) {
                    throw new SnapshotException(Problem.TRAILING_DATA, source, "line " + next
                            + " follows the end line: \"" + abbreviate(extra)
                            + "\"; the file was appended to or concatenated, so it is not used");
                }
            }
            String recomputed;
            try {
                MsrSnapshot snapshot = new MsrSnapshot(cpus, entries, slots, savedAt);
                recomputed = snapshot.allowlistFingerprint();
                if (recomputed.equals(fingerprint)) {
                    return snapshot;
                }
            } catch (IllegalArgumentException e) {
                throw malformed(e.getMessage());
            }
            throw malformed("the header's allowlist fingerprint " + abbreviate(fingerprint) + " does not match the entries"
                    + " listed (" + recomputed + "): the file was edited or damaged");
        }

        /**
         * Refuses, before any slot is allocated, a header whose lines the rest of the text cannot
         * hold, and one that does not fit the node (when it is known).
         */
        private void checkHeader(List<Integer> cpus, int entryCount, String fingerprint, long slotCount)
                throws SnapshotException {
            if (nodeCpus != null && !cpus.equals(nodeCpus)) {
                throw new SnapshotException(Problem.CPU_MISMATCH, source, "the state was saved on CPUs "
                        + CpuRanges.format(cpus) + " but CPUs " + CpuRanges.format(nodeCpus)
                        + " are online now; bring the same CPUs online (or save again). Nothing was restored.");
            }
            if (nodeEntries != null && entryCount != nodeEntries.size()) {
                throw new SnapshotException(Problem.ALLOWLIST_MISMATCH, source, "the state was saved under allowlist "
                        + abbreviate(fingerprint) + " (" + entryCount + " entries) but allowlist "
                        + MsrSnapshot.allowlistFingerprint(nodeEntries) + " (" + nodeEntries.size()
                        + " entries) is installed. Nothing was restored.");
            }
            long remaining = text.length() - position;
            if (slotCount > remaining / MIN_DATA_LINE_BYTES) {
                throw new SnapshotException(Problem.TRUNCATED, source, "the header promises " + slotCount + " data lines ("
                        + cpus.size() + " CPUs x " + entryCount + " entries) of at least " + MIN_DATA_LINE_BYTES
                        + " bytes each, but only " + remaining + " bytes follow it: the file is truncated or its header"
                        + " was edited");
            }
        }

        /** The next line that is not blank or a comment; TRUNCATED if there is none. */
        private String nextLine(String what) throws SnapshotException {
            while (position < text.length()) {
                if (skippedIgnorable()) {
                    continue; // a comment or blank line costs no copy
                }
                String line = line();
                if (!line.isBlank() && !line.startsWith("#")) {
                    return line;
                }
            }
            throw new SnapshotException(Problem.TRUNCATED, source,
                    "the file ends before " + what + ": it is truncated (an interrupted copy or a full disk?)");
        }

        /** Steps over the line at {@code position} if it is a comment or blank, without copying it. */
        private boolean skippedIgnorable() {
            int end = text.indexOf('\n', position);
            if (end < 0) {
                end = text.length();
            }
            if (end - position > MAX_LINE || !(text.startsWith("#", position) || isBlank(position, end))) {
                return false;
            }
            next++;
            position = end + 1;
            return true;
        }

        private boolean isBlank(int from, int to) {
            for (int i = from; i < to; i++) {
                if (!Character.isWhitespace(text.charAt(i))) {
                    return false;
                }
            }
            return true;
        }

        /** The line at {@code position}, without its line end; refused if it is longer than {@link #MAX_LINE}. */
        private String line() throws SnapshotException {
            int end = text.indexOf('\n', position);
            if (end < 0) {
                end = text.length();
            }
            next++;
            if (end - position > MAX_LINE) {
                throw malformed("line " + next + " is " + (end - position) + " characters long, more than any line of a"
                        + " snapshot (" + MAX_LINE + "): this is not a text snapshot");
            }
            String line = text.substring(position, end);
            position = end + 1;
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        }

        private String[] fields(String line, String key, int count) throws SnapshotException {
            String[] field = line.trim().split("\\s+");
            if (!field[0].equals(key) || field.length != count) {
                throw malformed("line " + next + ": expected the \"" + key + "\" line with " + (count - 1)
                        + " value(s), found \"" + abbreviate(line) + "\"");
            }
            return field;
        }

        private int parseCount(String token, String what) throws SnapshotException {
            try {
                int value = Integer.parseInt(token);
                if (value >= 0) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw malformed("line " + next + ": " + what + " \"" + abbreviate(token) + "\" is not a non-negative decimal number");
        }

        private long parseHex(String token, String what) throws SnapshotException {
            if (token.length() > 2 && token.length() <= 18 && (token.startsWith("0x") || token.startsWith("0X"))) {
                try {
                    return Long.parseUnsignedLong(token.substring(2), 16);
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            throw malformed("line " + next + ": " + what + " \"" + abbreviate(token) + "\" is not 0x and 1 to 16 hex digits");
        }

        private long parseValue(String token, AllowlistEntry entry) throws SnapshotException {
            long mask = entry.writeMask();
            if (token.equals(READ_ONLY)) {
                if (mask != 0) {
                    throw malformed("line " + next + ": \"read-only\" for MSR " + Hex.of(entry.address())
                            + " whose write mask is " + Hex.of(mask));
                }
                return 0;
            }
            if (mask == 0) {
                throw malformed("line " + next + ": MSR " + Hex.of(entry.address())
                        + " has write mask 0, so its value must be \"read-only\"");
            }
            if (token.equals(FAILED)) {
                return MsrSnapshot.failedReadMarker(mask);
            }
            long value = parseHex(token, "value");
            if (MsrSnapshot.isFailedRead(value, mask)) {
                throw malformed("line " + next + ": value " + token + " of MSR " + Hex.of(entry.address())
                        + " has bits outside its write mask " + Hex.of(mask)
                        + (mask == -1L ? " (it equals the failed-read cookie; write \"failed\")" : ""));
            }
            return value;
        }

        private SnapshotException malformed(String reason) {
            return new SnapshotException(Problem.MALFORMED, source, reason);
        }

        private static String abbreviate(String text) {
            return text.length() <= 80 ? text : text.substring(0, 77) + "...";
        }
    }
}
