package io.github.msrsafe.cli;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.internal.text.Hex;
import io.github.msrsafe.save.MsrState;
import io.github.msrsafe.save.RestoreOptions;
import io.github.msrsafe.save.RestoreReport;
import io.github.msrsafe.save.SnapshotException;
import io.github.msrsafe.save.SnapshotFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code msrsafe restore FILE}: msrsave's restore mode through batches. Refuses, writing
 * nothing, a file that does not fit the node; reports every register it could not restore.
 */
@Command(name = "restore",
        header = "Restore MSR state saved by 'msrsafe save' or msrsave.",
        mixinStandardHelpOptions = true,
        description = {
            "Puts back the register values saved in FILE. Reads the current values with one batch,",
            "and writes, with one more, only the registers whose masked value changed: the saved",
            "bits under the write mask, the current bits outside it. Like msrsave, it does not read",
            "them back unless --verify asks. Prints msrsave's report: 'offset, read, restored' and",
            "one line per register written.",
            "",
            "Before writing anything, it refuses a file saved with other CPUs online or under another",
            "allowlist (text files: by their CPU list and allowlist fingerprint; raw files: by their",
            "size and the record 'msrsafe save' keeps beside them in FILE.fingerprint), and a damaged",
            "file. A raw file without that record (msrsave's) cannot show which allowlist it was saved",
            "under: the same entries in another order would put each value into another register, so",
            "it is refused (status 14) unless --force says it fits. Registers whose read failed when",
            "saving are skipped. The exit status is 3 if any register could not be restored; each one",
            "is named on stderr.",
        })
final class RestoreCommand extends DeviceCommand {

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
            description = "raw (msrsave's file), text, or auto: text if the file starts like one, else raw."
                    + " Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = {"-n", "--dry-run"},
            description = "Show what would be written, per CPU, and write nothing.")
    boolean dryRun;

    @Option(names = "--verify",
            description = "Read the written registers back and report any that do not hold the saved bits"
                    + " (msrsave does not check). A counter that keeps counting (a PMC or fixed counter perf or"
                    + " the NMI watchdog uses, APERF/MPERF) never reads back what was written, so it is reported.")
    boolean verify;

    @Option(names = "--force",
            description = "Restore a raw file that has no record of the allowlist it was saved under (msrsave's file, or"
                    + " one copied without FILE.fingerprint), on your word that it was saved under the installed allowlist"
                    + " on these CPUs. The size and age checks still apply; a record of another allowlist is refused.")
    boolean force;

    @Parameters(paramLabel = "FILE", description = "The saved state.")
    String file;

    @Override
    ExitCode run(MsrSafe msr) throws MsrSafeException {
        SnapshotFormat fileFormat = parseFormat(format);
        Path path = SaveCommand.path(file, "restore from");
        RestoreOptions options = RestoreOptions.defaults().withFormat(fileFormat).withDryRun(dryRun)
                .withVerify(verify).withForce(force);
        RestoreReport report;
        try {
            report = MsrState.restore(msr, path, options);
        } catch (SnapshotException e) {
            throw refused(e);
        } catch (MsrSafeException e) {
            throw e; // the device's own failure, with its own exit status
        } catch (IOException e) {
            throw CliException.usage("cannot read state file " + file + ": " + SaveCommand.ioReason(e)
                    + "; nothing was restored");
        }
        if (report.forced()) {
            warn("warning: " + file + " cannot show which allowlist it was saved under; restored on --force's word"
                    + " that it fits the installed one");
        }
        if (dryRun) {
            printPlan(report);
        } else {
            report.msrsaveLines().forEach(out()::println);
        }
        for (RestoreReport.NotRestored skipped : report.notRestored()) {
            String label = switch (skipped.reason()) {
                case SAVED_READ_FAILED -> "skipped: ";
                case VERIFY_FAILED -> "not confirmed: ";
                default -> "not restored: ";
            };
            warn(label + skipped.describe());
        }
        if (!report.complete()) {
            int failures = report.failures().size();
            warn(failures + (failures == 1 ? " register was" : " registers were") + " not restored or not confirmed"
                    + (dryRun ? " (dry run: nothing was written)" : ""));
            return ExitCode.OPS_FAILED;
        }
        return ExitCode.OK;
    }

    /** The dry run's table: per CPU and register, the saved value, the current one and what would be written. */
    private void printPlan(RestoreReport report) {
        List<RestoreReport.Restored> planned = report.restored();
        if (!planned.isEmpty()) {
            Table table = new Table(">CPU", "MSR", "MASK", "SAVED", "CURRENT", "WOULD WRITE");
            for (RestoreReport.Restored r : planned) {
                table.add(r.cpu(), MsrNames.describe(r.msr()), Hex.of16(r.writeMask()), Hex.of16(r.saved()),
                        Hex.of16(r.read()), Hex.of16(r.restored()));
            }
            out().print(table.render());
        }
        out().printf(Locale.ROOT, "dry run: %d register%s would be written, %d already hold their saved value;"
                        + " nothing was written%n", planned.size(), planned.size() == 1 ? "" : "s", report.unchanged());
    }

    /** A refused file: its own exit status, and the message says nothing was written. */
    private static CliException refused(SnapshotException e) {
        ExitCode code = ExitCode.ofRestore(e.problem().category());
        String message = e.getMessage();
        // Most of the library's refusals say so already; the ones about a damaged file do not.
        if (!message.contains("Nothing was restored")) {
            message += "; nothing was restored";
        }
        return new CliException(code, "cannot restore: " + message, e);
    }

    /** raw (or msrsave), text or auto, in any case. */
    static SnapshotFormat parseFormat(String text) {
        try {
            return SnapshotFormat.parse(text);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--format: " + e.getMessage());
        }
    }
}
