package io.github.msrsafe.cli;

import io.github.msrsafe.ModuleVersion;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.internal.text.JsonWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code msrsafe version}: this tool's and the library's version, the loaded module's, and whether they fit. */
@Command(name = "version",
        header = "Print the versions of msrsafe and of the loaded msr_safe module.",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the version of msrsafe and of the msr_safe module loaded on the device, whether",
            "this library can work with that module, and whether batches run as the msr_batch ioctl",
            "or are emulated by per-CPU calls. The library's version is printed even when the device",
            "is missing (the exit status then says so).",
        })
final class VersionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws MsrSafeException {
        MsrSafeCommand root = MsrSafeCommand.of(spec);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("msrsafe", toolVersion());
        document.put("supportedModule", ModuleVersion.SUPPORTED.toString());
        String libraryLine = libraryLine();
        if (!json) {
            root.out().println(libraryLine);
            root.out().flush();
        }
        try (MsrSafe msr = root.open()) {
            document.put("device", msr.root());
            document.put("driver", Drivers.label(msr.driver()));
            Optional<ModuleVersion> module = msr.moduleVersion();
            document.put("module", module.map(ModuleVersion::toString).orElse(null));
            document.put("compatible", module.map(ModuleVersion::isCompatible).orElse(null));
            document.put("batchLayout", msr.batchLayout().toString());
            document.put("batchEmulated", msr.batchEmulated());
            if (json) {
                root.out().println(JsonWriter.write(document));
            } else {
                root.out().println(moduleLine(msr, module));
                root.out().println(Drivers.batches(msr));
            }
            return ExitCode.OK.status();
        } catch (MsrSafeException | CliException e) {
            if (json) {
                document.put("device", root.deviceChoice().toString());
                document.put("error", e.getMessage());
                root.out().println(JsonWriter.write(document));
            }
            throw e;
        }
    }

    private static String moduleLine(MsrSafe msr, Optional<ModuleVersion> module) {
        return switch (msr.driver()) {
            case STOCK_MSR -> "driver: the stock msr driver at " + msr.root()
                    + " (msr_safe is not loaded: no allowlist)";
            case MSR_SAFE, SIMULATED -> module
                    .map(version -> "module: " + Drivers.label(msr.driver()) + " " + version + " at " + msr.root() + ": "
                            + (version.isCompatible()
                                    ? "compatible, batches in the " + msr.batchLayout() + " layout"
                                    : "NOT compatible (this library speaks the msr_safe 1.x batch ABI from 1.6, and 2.x's;"
                                            + " batches go in the " + msr.batchLayout() + " layout)"))
                    .orElse("module: " + Drivers.label(msr.driver()) + " at " + msr.root()
                            + ": version unknown (no msr_safe_version: a module older than 1.6)");
        };
    }

    /** The tool's version and the module versions it speaks. */
    static String libraryLine() {
        return "msrsafe " + toolVersion() + " (library for msr_safe 1.x from 1.6, and 2.x)";
    }

    /** This tool's version (the library's, built together with it). */
    static String toolVersion() {
        Optional<String> moduleVersion = MsrSafe.class.getModule().getDescriptor() == null
                ? Optional.empty()
                : MsrSafe.class.getModule().getDescriptor().rawVersion();
        return moduleVersion.orElseGet(VersionCommand::builtVersion);
    }

    private static String builtVersion() {
        Properties properties = new Properties();
        try (InputStream in = VersionCommand.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return "unknown";
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version", "unknown");
    }

    /** For {@code msrsafe --version}: the tool's version only, never touching a device. */
    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {libraryLine()};
        }
    }
}
