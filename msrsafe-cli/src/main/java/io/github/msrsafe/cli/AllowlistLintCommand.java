package io.github.msrsafe.cli;

import io.github.msrsafe.allowlist.lint.AllowlistLinter;
import io.github.msrsafe.allowlist.lint.LintReport;
import io.github.msrsafe.allowlist.lint.Severity;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code msrsafe allowlist lint}: everything the module would reject, and what it would accept by mistake. */
@Command(name = "lint",
        header = "Check allowlist files for errors, likely mistakes and style.",
        mixinStandardHelpOptions = true,
        description = {
            "Checks allowlist files without installing them: errors are what the msr_safe module would",
            "reject (named after the errno it returns), warnings what it would accept although it is",
            "almost certainly wrong (a write mask on bits the register catalog says are read-only, an",
            "address above 0xFFFFFFFF), infos non-canonical formatting. A directory is searched for",
            "allowlist files (al_* or *allowlist*). No device is needed.",
            "",
            "Exit status 0 when nothing is at or above --fail-on, 1 when something is, 2 when a file",
            "cannot be read or a directory holds no allowlist file (each named on stderr). At most",
            "128 KiB + 1 byte of a file is read: a larger one is reported as too large (E2BIG).",
        })
final class AllowlistLintCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (file:line:column: severity: message [rule]), json or sarif (SARIF 2.1.0, for code scanning). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "error",
            description = "The least severity that makes the exit status 1: error, warning or info. Default: ${DEFAULT-VALUE}.")
    String failOn;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Allowlist files or directories.")
    List<String> paths;

    @Override
    public Integer call() {
        LintReport.Format outputFormat = parse(() -> LintReport.Format.parse(format), "--format");
        Severity threshold = parse(() -> Severity.parse(failOn), "--fail-on");
        List<Path> files = new ArrayList<>();
        for (String path : paths) {
            try {
                files.add(Path.of(path));
            } catch (InvalidPathException e) {
                throw CliException.usage("not a path: " + path);
            }
        }
        LintReport report = AllowlistLinter.withBuiltInCatalog().lint(files);
        // A path that could not be read is an error of the run, not a finding: stderr, as every other error.
        for (LintReport.Problem problem : report.problems()) {
            spec.commandLine().getErr().println(MsrSafeTool.errorLine(problem.file() + ": " + problem.message()));
        }
        String text = outputFormat == LintReport.Format.TEXT
                ? (report.files().isEmpty() ? "" : new LintReport(report.files(), report.findings(), List.of()).toText())
                : report.format(outputFormat);
        if (!text.isEmpty()) {
            spec.commandLine().getOut().print(text.endsWith("\n") ? text : text + "\n");
        }
        return switch (report.exitStatus(threshold)) {
            case LintReport.EXIT_CLEAN -> ExitCode.OK.status();
            case LintReport.EXIT_FINDINGS -> ExitCode.FINDINGS.status();
            default -> ExitCode.USAGE.status();
        };
    }

    private static <T> T parse(Supplier<T> parser, String option) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw CliException.usage(option + ": " + e.getMessage().toLowerCase(Locale.ROOT).charAt(0) + e.getMessage().substring(1));
        }
    }
}
