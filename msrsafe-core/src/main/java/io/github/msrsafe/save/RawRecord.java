package io.github.msrsafe.save;

import io.github.msrsafe.CpuRanges;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.save.SnapshotException.Problem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What a raw (msrsave) file was saved against, kept in a small text file beside it
 * ({@code FILE.fingerprint}): the SHA-256 and length of the raw bytes, the CPUs and the
 * allowlist's fingerprint. The raw format has no header, so without this record restore
 * cannot tell whether its slots map to the installed allowlist's registers: the same entries
 * in another order have the same length and the same masks. The raw file itself stays
 * msrsave's exact bytes.
 *
 * <p>The record names the raw bytes by hash, so a record left beside a file that was
 * rewritten since (by msrsave, or by a save interrupted between the two renames) does not
 * vouch for it.
 *
 * @param rawSha256  {@code sha256:} and the hex SHA-256 of the raw file's bytes
 * @param rawBytes   the raw file's length
 * @param savedAt    when the state was read
 * @param allowlist  the allowlist's fingerprint ({@link MsrSnapshot#allowlistFingerprint(List)})
 * @param entryCount the allowlist's entry count
 * @param cpus       the CPUs, ascending
 */
record RawRecord(String rawSha256, long rawBytes, Instant savedAt, String allowlist, int entryCount, List<Integer> cpus) {

    static final String SUFFIX = ".fingerprint";
    static final String MAGIC = "msrsafe-raw-record 1";
    /** A record is a few lines; the CPU list of the largest node is a few kilobytes. */
    static final int MAX_BYTES = 1 << 20;

    RawRecord {
        cpus = List.copyOf(cpus);
    }

    /** {@return the record file kept beside {@code rawFile}: its name and {@value #SUFFIX}} */
    static Path pathFor(Path rawFile) {
        Path name = rawFile.getFileName();
        if (name == null) {
            throw new IllegalArgumentException(rawFile + " names no file (a root directory)");
        }
        return rawFile.resolveSibling(name + SUFFIX);
    }

    static RawRecord of(MsrSnapshot snapshot, byte[] raw) {
        return new RawRecord(sha256(raw), raw.length, snapshot.savedAt(), snapshot.allowlistFingerprint(),
                snapshot.entries().size(), snapshot.cpus());
    }

    String toText() {
        return "# msrsafe-java: what the raw msrsave file beside this one was saved against. 'msrsafe restore'\n"
                + "# refuses the raw file under another allowlist or on other CPUs; keep the two files together.\n"
                + MAGIC + "\n"
                + "raw " + rawSha256 + " bytes " + rawBytes + "\n"
                + "saved " + savedAt + "\n"
                + "allowlist " + allowlist + " entries " + entryCount + "\n"
                + "cpus " + CpuRanges.format(cpus) + "\n";
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Whether this record describes exactly these raw bytes. */
    boolean describes(byte[] raw) {
        return raw.length == rawBytes && sha256(raw).equals(rawSha256);
    }

    /**
     * Refuses the raw file when its record says it was saved on other CPUs or under another
     * allowlist than {@code cpus} and {@code entries}.
     */
    void check(List<Integer> cpus, List<AllowlistEntry> entries, Path rawFile) throws SnapshotException {
        if (!this.cpus.equals(cpus)) {
            throw new SnapshotException(Problem.CPU_MISMATCH, rawFile, "its record (" + pathFor(rawFile).getFileName()
                    + ") says it was saved on CPUs " + CpuRanges.format(this.cpus) + " but CPUs " + CpuRanges.format(cpus)
                    + " are online now; bring the same CPUs online (or save again). Nothing was restored.");
        }
        String installed = MsrSnapshot.allowlistFingerprint(entries);
        if (!allowlist.equals(installed)) {
            throw new SnapshotException(Problem.ALLOWLIST_MISMATCH, rawFile, "its record (" + pathFor(rawFile).getFileName()
                    + ") says it was saved under allowlist " + allowlist + " (" + entryCount + " entries) but allowlist "
                    + installed + " (" + entries.size() + " entries) is installed"
                    + (entryCount == entries.size() ? ": the same length, so other entries, other masks or another order;"
                            + " its values would land in the wrong registers" : "")
                    + ". Install the allowlist it was saved under, or save again. Nothing was restored.");
        }
    }

    /**
     * The record beside {@code rawFile}; empty if there is none.
     *
     * @throws SnapshotException (MALFORMED) if there is one but it is not a record
     */
    static Optional<RawRecord> read(Path rawFile) throws IOException {
        Path file = pathFor(rawFile);
        if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        byte[] bytes = StateFiles.readRegular(file, MAX_BYTES, "a raw file's record");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw damaged(file, rawFile, "it is not text");
        }
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            String content = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (!content.isBlank() && !content.startsWith("#")) {
                lines.add(content.strip());
            }
        }
        if (lines.size() != 5 || !lines.get(0).equals(MAGIC)) {
            throw damaged(file, rawFile, "it does not hold the five lines of a record, starting \"" + MAGIC + "\"");
        }
        String[] raw = lines.get(1).split("\\s+");
        String[] saved = lines.get(2).split("\\s+");
        String[] allowlist = lines.get(3).split("\\s+");
        String[] cpus = lines.get(4).split("\\s+");
        if (raw.length != 4 || !raw[0].equals("raw") || !isSha256(raw[1]) || !raw[2].equals("bytes")
                || saved.length != 2 || !saved[0].equals("saved")
                || allowlist.length != 4 || !allowlist[0].equals("allowlist") || !isSha256(allowlist[1])
                || !allowlist[2].equals("entries") || cpus.length != 2 || !cpus[0].equals("cpus")) {
            throw damaged(file, rawFile, "its lines are not \"raw sha256:HEX bytes N\", \"saved TIME\","
                    + " \"allowlist sha256:HEX entries N\" and \"cpus LIST\"");
        }
        try {
            long bytesCount = Long.parseLong(raw[3]);
            int entryCount = Integer.parseInt(allowlist[3]);
            List<Integer> cpuList = CpuRanges.parse(cpus[1]);
            if (bytesCount < 0 || entryCount < 0
                    || bytesCount != (long) cpuList.size() * entryCount * MsrSnapshot.RAW_SLOT_BYTES) {
                throw damaged(file, rawFile, "its byte count is not its CPUs x entries x 8");
            }
            return Optional.of(new RawRecord(raw[1], bytesCount, Instant.parse(saved[1]), allowlist[1], entryCount, cpuList));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw damaged(file, rawFile, "a count or the time is malformed");
        } catch (IllegalArgumentException e) {
            throw damaged(file, rawFile, e.getMessage());
        }
    }

    private static boolean isSha256(String token) {
        return token.length() == "sha256:".length() + 64 && token.startsWith("sha256:")
                && token.substring("sha256:".length()).chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    private static SnapshotException damaged(Path file, Path rawFile, String why) {
        return new SnapshotException(Problem.MALFORMED, rawFile, "its record " + file + " is damaged: " + why
                + ". Save again; or, if you know the raw file was saved under the installed allowlist on these CPUs,"
                + " remove the record and restore with --force (RestoreOptions.withForce). Nothing was restored.");
    }
}
