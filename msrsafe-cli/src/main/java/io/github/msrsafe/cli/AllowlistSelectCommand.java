package io.github.msrsafe.cli;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.allowlist.AllowlistException;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.registers.AllowlistSelector;
import io.github.msrsafe.registers.CpuIdentity;
import io.github.msrsafe.registers.RegisterCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code msrsafe allowlist select}: the allowlist file for this processor, and optionally install it. */
@Command(name = "select",
        header = "Find the allowlist file for this processor (and install it).",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the allowlist file in a directory that fits the processor, by the module's naming",
            "rule: al_, the display family as two hex digits, _, the display model in hex (al_06_8F for",
            "Sapphire Rapids). The processor is this machine's (/proc/cpuinfo) unless --cpu or",
            "--cpuinfo names another. With --install the file is checked and installed on the device.",
        })
final class AllowlistSelectCommand implements Callable<Integer> {

    private static final Pattern CPU_KEY = Pattern.compile("([0-9A-Fa-f]{1,2})_([0-9A-Fa-f]{1,2})");

    @Spec
    CommandSpec spec;

    @Option(names = {"-D", "--directory"}, paramLabel = "DIR", defaultValue = "${env:MSRSAFE_ALLOWLISTS:-allowlists}",
            description = "Where the allowlists are. Default: $MSRSAFE_ALLOWLISTS, else ./allowlists"
                    + " (bin/msrsafe sets it to the project's allowlists/).")
    Path directory;

    @ArgGroup(exclusive = true)
    Processor processor;

    /** Which processor to select for; this machine's when neither is given. */
    static final class Processor {
        @Option(names = "--cpu", paramLabel = "FF_MM",
                description = "Family and model in hex, as allowlist names write them, e.g. 06_8F or 19_01.")
        String key;

        @Option(names = "--cpuinfo", paramLabel = "FILE", description = "Read the processor from a /proc/cpuinfo-format file.")
        Path cpuinfo;
    }

    @Option(names = "--install", description = "Check the selected file and install it on the device.")
    boolean install;

    @Override
    public Integer call() throws MsrSafeException, AllowlistException {
        MsrSafeCommand root = MsrSafeCommand.of(spec);
        CpuIdentity cpu = identity();
        Path file;
        try {
            file = AllowlistSelector.require(directory, cpu);
        } catch (NoSuchFileException e) {
            String reason = e.getReason() != null ? e.getReason() : "no such directory: " + directory;
            throw CliException.usage(reason);
        } catch (IOException e) {
            throw CliException.usage("cannot list " + directory + ": " + e.getMessage());
        }
        if (!install) {
            root.out().println(file);
            return ExitCode.OK.status();
        }
        byte[] text = root.readInput(file.toString(), "allowlist");
        Allowlist allowlist = AllowlistCommand.checked(text, file.toString());
        try (MsrSafe msr = root.open()) {
            msr.installAllowlist(text);
            long writable = allowlist.entries().stream().filter(entry -> entry.writeMask() != 0).count();
            root.out().println("installed " + allowlist.size() + " entries (" + writable + " writable) from " + file
                    + " on " + msr.root() + RegisterCatalog.builtIn().cpuName(cpu).map(name -> " for " + name).orElse(""));
        }
        return ExitCode.OK.status();
    }

    private CpuIdentity identity() {
        try {
            if (processor != null && processor.key != null) {
                return fromKey(processor.key);
            }
            Path cpuinfo = processor != null && processor.cpuinfo != null ? processor.cpuinfo : null;
            if (cpuinfo != null && !Files.isReadable(cpuinfo)) {
                throw CliException.usage("cannot read " + cpuinfo);
            }
            return cpuinfo != null ? CpuIdentity.fromCpuinfo(cpuinfo) : CpuIdentity.current();
        } catch (IOException e) {
            throw CliException.usage("cannot tell which processor this is: " + e.getMessage()
                    + "; name it with --cpu FF_MM (e.g. 06_8F)");
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    /** "06_8F" as a CPU identity: the vendor is the catalog's for that family and model, else by family. */
    static CpuIdentity fromKey(String key) {
        Matcher match = CPU_KEY.matcher(key.strip());
        if (!match.matches()) {
            throw CliException.usage("--cpu " + key + ": expected family and model in hex as FF_MM, e.g. 06_8F or 19_01");
        }
        int family = Integer.parseInt(match.group(1), 16);
        int model = Integer.parseInt(match.group(2), 16);
        String vendor = RegisterCatalog.builtIn().cpus().stream()
                .filter(known -> known.family() == family && known.model() == model)
                .map(CpuIdentity::vendor)
                .findFirst()
                // Intel's server parts are family 6; AMD's since Zen are 0x17 and up.
                .orElse(family >= 0x17 ? CpuIdentity.AMD : CpuIdentity.INTEL);
        return new CpuIdentity(vendor, family, model);
    }
}
