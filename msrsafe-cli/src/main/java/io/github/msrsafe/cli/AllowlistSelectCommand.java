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
import java.util.Comparator;
import java.util.Optional;
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
            if (e.getReason() == null) {
                throw CliException.usage("no such directory: " + directory);
            }
            throw CliException.usage(e.getReason() + ". " + whatToDo(cpu));
        } catch (IOException e) {
            throw CliException.usage("cannot list " + directory + ": " + e.getMessage());
        }
        if (!install) {
            root.out().println(file);
            return ExitCode.OK.status();
        }
        byte[] text = AllowlistCommand.readAllowlist(root, file.toString());
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
                throw CliException.usage("cannot read " + cpuinfo + ": " + (Files.exists(cpuinfo) ? "permission denied"
                        : "no such file") + "; --cpuinfo names a copy of some machine's /proc/cpuinfo");
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

    /**
     * What a site can do for a processor with no file: start from the nearest covered
     * model of the same vendor, trim it to the manual, lint it; or name another CPU.
     */
    private String whatToDo(CpuIdentity cpu) {
        String own = AllowlistSelector.fileName(cpu);
        StringBuilder advice = new StringBuilder("To cover it: copy ");
        nearest(cpu).ifPresentOrElse(
                near -> advice.append(near.file()).append(RegisterCatalog.builtIn().cpus().stream()
                                .filter(near::fits).findFirst().flatMap(RegisterCatalog.builtIn()::cpuName)
                                .map(name -> " (" + name + ")").orElse(""))
                        .append(" to ").append(directory.resolve(own)),
                () -> advice.append("the file of a similar processor to ").append(directory.resolve(own)));
        return advice.append(", delete the registers this model's manual does not list and the write masks you do"
                        + " not need, check it with 'msrsafe allowlist lint ").append(directory.resolve(own))
                .append("', and run this again; or give another processor with --cpu FF_MM."
                        + " allowlists/README.md, 'Adding a processor', has the details")
                .toString();
    }

    /** The covered file closest to {@code cpu}: same vendor, then same family, then the nearest model number. */
    private Optional<AllowlistSelector.Candidate> nearest(CpuIdentity cpu) {
        try {
            return AllowlistSelector.candidates(directory).stream()
                    .filter(candidate -> vendorOf(candidate).equals(cpu.vendor()))
                    .min(Comparator
                            .comparingInt((AllowlistSelector.Candidate candidate) -> candidate.family() == cpu.family() ? 0 : 1)
                            .thenComparingInt(candidate -> Math.abs(candidate.family() - cpu.family()))
                            .thenComparingInt(candidate -> Math.abs(candidate.model() - cpu.model())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String vendorOf(AllowlistSelector.Candidate candidate) {
        return fromKey("%02X_%02X".formatted(candidate.family(), candidate.model())).vendor();
    }
}
