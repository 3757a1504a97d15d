package io.github.msrsafe.cli;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.save.MsrSnapshot;
import io.github.msrsafe.save.MsrState;
import io.github.msrsafe.save.SaveOptions;
import io.github.msrsafe.save.SaveResult;
import io.github.msrsafe.save.SnapshotException;
import io.github.msrsafe.save.SnapshotFormat;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code msrsafe save FILE}: msrsave's save mode through one batch. Saves every writable
 * allowlisted register of every online CPU, atomically (temporary file, then rename).
 */
@Command(name = "save",
        header = "Save the state of every writable allowlisted MSR on every CPU to a file (like msrsave).",
        mixinStandardHelpOptions = true,
        description = {
            "Reads every register of the installed allowlist whose write mask is not 0, on every",
            "online CPU, with one batch, and writes the values (ANDed with their masks) to FILE.",
            "The default raw format is msrsave's, byte for byte: msrsave can restore the file and",
            "'msrsafe restore' can restore msrsave's. Beside it, FILE.fingerprint records the CPUs and",
            "the allowlist's fingerprint, which restore checks (a raw file alone cannot show them; keep",
            "the two together). --format text writes one self-describing file (CPUs, time, the",
            "allowlist's fingerprint) that cannot be restored under another allowlist.",
            "",
            "The file is written to a temporary file and renamed, so an existing FILE is replaced",
            "whole or not at all. A register that cannot be read is saved as msrsave's failed-read",
            "marker (restore skips it) and reported as a warning; the save still succeeds, as",
            "msrsave's does. Reading the installed allowlist needs the msr-admin group (or root).",
        })
final class SaveCommand extends DeviceCommand {

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "raw",
            description = "raw (msrsave's file) or text (self-describing). Default: ${DEFAULT-VALUE}.")
    String format;

    @Parameters(paramLabel = "FILE", description = "Where to save the state.")
    String file;

    @Override
    ExitCode run(MsrSafe msr) throws MsrSafeException {
        SnapshotFormat fileFormat = parseFormat(format);
        Path path = path(file, "save to");
        if (Files.isDirectory(path)) {
            // Refused before any register is read: the library would find out only when it writes.
            throw CliException.usage("cannot save to " + file + ": it is a directory; name a file in it, e.g. "
                    + path.resolve("state.msr"));
        }
        requireReplaceable(file, path);
        if (fileFormat == SnapshotFormat.RAW) {
            requireReplaceable(file, MsrSnapshot.rawRecordFile(path));
        }
        SaveResult result;
        try {
            result = MsrState.save(msr, path, SaveOptions.defaults().withFormat(fileFormat));
        } catch (SnapshotException e) {
            throw new CliException(ExitCode.SAVE_FAILED, "cannot save: " + e.getMessage(), e);
        } catch (MsrSafeException e) {
            throw e; // the device's own failure, with its own exit status
        } catch (IOException e) {
            throw new CliException(ExitCode.SAVE_FAILED, "cannot write " + file + ": " + ioReason(e)
                    + "; an existing file is unchanged", e);
        }
        for (SaveResult.FailedRead failed : result.failedReads()) {
            warn("warning: " + failed.describe());
        }
        int cpus = result.snapshot().cpus().size();
        int failedCount = result.failedReads().size();
        out().printf(Locale.ROOT, "saved %d register%s on CPU%s %s to %s (%s)%s%n",
                result.registersRead(), result.registersRead() == 1 ? "" : "s", cpus == 1 ? "" : "s",
                CpuList.format(result.snapshot().cpus()), file, fileFormat == SnapshotFormat.RAW
                        ? "raw format, allowlist recorded in " + MsrSnapshot.rawRecordFile(path) : "text format",
                failedCount == 0 ? "" : "; " + failedCount + " could not be read and will not be restored");
        return ExitCode.OK;
    }

    /**
     * Refuses, before any register is read, a {@code target} that exists and is not a regular file
     * or a link: save renames its new file over the name, which would remove a device node (as
     * root, {@code save /dev/null} replaced the system's /dev/null), a pipe or a socket.
     */
    private static void requireReplaceable(String file, Path target) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException absentOrUnreadable) {
            return; // absent is the usual case; anything else the save itself reports
        }
        if (attributes.isOther()) {
            String what = target.toString().equals(file) ? "it" : "its record " + target;
            throw CliException.usage("cannot save to " + file + ": " + what + " is a device, a pipe or a socket, not a"
                    + " regular file; save renames a new file over the name, which would remove that node. Name a"
                    + " regular file, e.g. /run/msr-safe/state.msr");
        }
    }

    /** raw or text; auto, which only a reader can use, is a usage error. */
    static SnapshotFormat parseFormat(String text) {
        SnapshotFormat parsed = RestoreCommand.parseFormat(text);
        if (parsed == SnapshotFormat.AUTO) {
            throw CliException.usage("--format auto is for restore; save writes raw (msrsave's) or text");
        }
        return parsed;
    }

    /**
     * The path {@code name} spells; an empty name or one that is not a path is a usage error.
     *
     * @param action what the command does with it, for messages: "save to", "restore from"
     */
    static Path path(String name, String action) {
        if (name.isBlank()) {
            throw CliException.usage("cannot " + action + " '" + name + "': the file name is empty; name the state file");
        }
        try {
            return Path.of(name);
        } catch (InvalidPathException e) {
            throw CliException.usage("cannot " + action + " " + name + ": not a path (" + e.getReason() + ")");
        }
    }

    /** What went wrong with a file, in words: the JDK's messages for these two are only the path. */
    static String ioReason(IOException e) {
        return switch (e) {
            case NoSuchFileException x -> "no such file or directory";
            case AccessDeniedException x -> "permission denied";
            case FileSystemException x when x.getReason() != null -> x.getReason();
            default -> String.valueOf(e.getMessage());
        };
    }
}
