package io.github.msrsafe.cli;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.allowlist.AllowlistEntry;
import io.github.msrsafe.allowlist.AllowlistException;
import io.github.msrsafe.internal.text.Hex;
import io.github.msrsafe.internal.text.JsonWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code msrsafe allowlist ...}: the allowlist that says which MSRs users may read and write.
 * The subcommands are listed in {@link CommandTree}.
 */
@Command(name = "allowlist",
        header = "Show, install, clear, check or select an allowlist.",
        mixinStandardHelpOptions = true,
        synopsisSubcommandLabel = "COMMAND",
        description = {
            "Shows, installs, clears, checks and selects msr_safe allowlists. Installing and",
            "clearing need write access to /dev/cpu/msr_allowlist (the msr-admin group).",
        })
final class AllowlistCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        throw CliException.usage("allowlist needs a command: show, install, clear, lint or select");
    }

    /** {@code allowlist show}: the installed allowlist, as the module reads it back. */
    @Command(name = "show",
            header = "Print the installed allowlist.",
            mixinStandardHelpOptions = true,
            description = {
                "Prints the installed allowlist exactly as reading /dev/cpu/msr_allowlist does (so the",
                "output can be installed again), or with register names as comments, or as JSON.",
            })
    static final class Show extends DeviceCommand {

        @Option(names = {"-n", "--names"}, description = "One entry per line with the register's name as a comment, without the header.")
        boolean names;

        @Option(names = "--json", description = "Print JSON: address, write mask and name of each entry.")
        boolean json;

        @Override
        ExitCode run(MsrSafe msr) throws MsrSafeException {
            Allowlist allowlist = msr.allowlist();
            if (json) {
                List<Object> entries = new ArrayList<>();
                for (AllowlistEntry entry : allowlist.entries()) {
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("msr", Hex.of(entry.address()));
                    MsrNames.name(entry.address()).ifPresent(name -> json.put("name", name));
                    json.put("writeMask", Hex.of16(entry.writeMask()));
                    entries.add(json);
                }
                out().println(JsonWriter.write(entries));
            } else if (names) {
                out().print(allowlist.toCanonicalText(MsrNames::name));
            } else {
                out().print(allowlist.toKernelFormat());
            }
            return ExitCode.OK;
        }
    }

    /** {@code allowlist install FILE}: checks the text the way the module will, then installs it. */
    @Command(name = "install",
            header = "Check an allowlist file and install it.",
            mixinStandardHelpOptions = true,
            description = {
                "Installs an allowlist, replacing the installed one, after checking it exactly as the",
                "module will: a mistake is reported with its line, column and token (instead of the",
                "module's bare errno), and nothing is written. A duplicate address would leave the",
                "module's allowlist empty; it is caught here first. So is a file of at most 2 bytes (an",
                "empty file, or a program that failed before it wrote its list to standard input), which",
                "the module takes as 'empty the allowlist': 'allowlist clear' does that on purpose.",
            })
    static final class Install implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = {"-n", "--dry-run"}, description = "Check the file only; do not open the device or install anything.")
        boolean dryRun;

        @Parameters(paramLabel = "FILE", description = "The allowlist file, or - for standard input.")
        String file;

        @Override
        public Integer call() throws MsrSafeException, AllowlistException {
            MsrSafeCommand root = MsrSafeCommand.of(spec);
            String source = MsrSafeCommand.inputName(file);
            byte[] text = readAllowlist(root, file);
            if (text.length <= Allowlist.CLEARING_WRITE_BYTES) {
                // The module would empty the allowlist: an empty file or a producer that failed
                // (`make-list | msrsafe allowlist install -`) must not lock every user out unasked.
                throw new CliException(ExitCode.ALLOWLIST_REJECTED, source + ": the text is " + text.length
                        + (text.length == 1 ? " byte" : " bytes") + ", and the module empties the allowlist for a"
                        + " write of at most 2 bytes instead of installing one; nothing was written, the installed"
                        + " allowlist is unchanged. To empty it, run 'msrsafe allowlist clear'");
            }
            Allowlist allowlist = checked(text, source);
            long writable = allowlist.entries().stream().filter(entry -> entry.writeMask() != 0).count();
            String entries = allowlist.size() + (allowlist.size() == 1 ? " entry" : " entries") + " (" + writable + " writable)";
            if (dryRun) {
                root.out().println(source + ": would install " + entries);
                return ExitCode.OK.status();
            }
            try (MsrSafe msr = root.open()) {
                msr.installAllowlist(text);
                root.out().println("installed " + entries + " from " + source + " on " + msr.root());
            }
            return ExitCode.OK.status();
        }
    }

    /**
     * The bytes of an allowlist file (or "-"), refused when the module would refuse them for
     * their size alone: at most one byte more than one write may carry is read.
     *
     * @throws CliException (allowlist rejected) for a text larger than the module accepts
     */
    static byte[] readAllowlist(MsrSafeCommand root, String file) {
        byte[] text = root.readInput(file, "allowlist", Allowlist.MAX_WRITE_BYTES);
        if (text.length > Allowlist.MAX_WRITE_BYTES) {
            long size = MsrSafeCommand.sizeOf(file);
            throw new CliException(ExitCode.ALLOWLIST_REJECTED, MsrSafeCommand.inputName(file) + ": the text is "
                    + (size < 0 ? "" : size + " bytes, ") + "more than the " + Allowlist.MAX_WRITE_BYTES
                    + " bytes (128 KiB) the module accepts in one write (E2BIG): remove comments or entries"
                    + " (msrsafe checked it first: nothing was written, the installed allowlist is unchanged)");
        }
        return text;
    }

    /**
     * The allowlist {@code text} holds, checked as the module will check it.
     *
     * @throws CliException (allowlist rejected) with the diagnosis, saying that nothing was written
     */
    static Allowlist checked(byte[] text, String source) {
        try {
            return Allowlist.parse(text, source);
        } catch (AllowlistException e) {
            throw new CliException(ExitCode.ALLOWLIST_REJECTED,
                    e.getMessage() + " (msrsafe checked it first: nothing was written, the installed allowlist is unchanged)", e);
        }
    }

    /** {@code allowlist clear}: empties the allowlist. */
    @Command(name = "clear",
            header = "Empty the allowlist.",
            mixinStandardHelpOptions = true,
            description = "Empties the allowlist, as 'echo > /dev/cpu/msr_allowlist' does: no MSR is then accessible.")
    static final class Clear extends DeviceCommand {

        @Override
        ExitCode run(MsrSafe msr) throws MsrSafeException {
            msr.clearAllowlist();
            out().println("cleared the allowlist on " + msr.root());
            return ExitCode.OK;
        }
    }
}
