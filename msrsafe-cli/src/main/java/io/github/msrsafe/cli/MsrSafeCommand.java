package io.github.msrsafe.cli;

import io.github.msrsafe.DeviceNotFoundException;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.SimulatedDevice;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The top command, {@code msrsafe}: holds the global options and the run's streams, and
 * opens the device the subcommands work on. The subcommands are listed in
 * {@link CommandTree}, which builds only those a run needs.
 */
@Command(name = "msrsafe",
        header = "Read and write model-specific registers through msr_safe.",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        synopsisSubcommandLabel = "COMMAND",
        description = {
            "Reads and writes model-specific registers through LLNL's msr_safe kernel module:",
            "single registers like rdmsr and wrmsr, batches of many operations in one ioctl,",
            "the allowlist that says which registers users may touch, and saving and restoring the",
            "state of every writable register (msrsave's file format). Works on /dev/cpu,",
            "on another directory laid out like it, or on a simulated device (--device sim).",
        })
final class MsrSafeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--device", paramLabel = "DEVICE", scope = ScopeType.INHERIT,
            description = "/dev/cpu (the default), another directory laid out like it,"
                    + " or 'sim' (or 'sim:CPUS', 'sim:VERSION', 'sim:CPUS:VERSION', e.g. 'sim:8:2.0.4')"
                    + " for the simulated device, msr-safe 1.8.0 unless VERSION says 2.x.")
    private String device;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error as well as its message.")
    private boolean debug;

    private final InputStream in;
    private final Function<DeviceChoice, SimulatedDevice> simulator;
    private final OutputStream bytes;

    /**
     * @param in        what "-" reads
     * @param simulator the simulated device for {@code --device sim[:CPUS][:VERSION]}, given the choice
     * @param bytes     standard output as bytes, for binary output; null when the tool runs on writers only
     */
    MsrSafeCommand(InputStream in, Function<DeviceChoice, SimulatedDevice> simulator, OutputStream bytes) {
        this.in = in;
        this.simulator = simulator;
        this.bytes = bytes;
    }

    /** Standard output as bytes (the stream {@link #out()} writes to), if the tool was given one. */
    Optional<OutputStream> bytes() {
        return Optional.ofNullable(bytes);
    }

    /** A fresh standard simulated device: {@link SimulatedDevice#standard()} with its registers and allowlist. */
    static SimulatedDevice standardSimulator(DeviceChoice choice) {
        SimulatedDevice standard = choice.simulatedCpus() == 0 ? SimulatedDevice.standard()
                : SimulatedDevice.standard(choice.simulatedCpus());
        if (choice.simulatedVersion() == null) {
            return standard;
        }
        return SimulatedDevice.builder().cpus(standard.cpuCount()).registers(SimulatedDevice.standardRegisters())
                .allowlist(SimulatedDevice.standardAllowlist()).moduleVersion(choice.simulatedVersion()).build();
    }

    @Override
    public Integer call() {
        throw CliException.usage("no command given; see 'msrsafe --help' for the commands");
    }

    /** The root command of the command that is running. */
    static MsrSafeCommand of(CommandSpec spec) {
        return (MsrSafeCommand) spec.root().userObject();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    InputStream in() {
        return in;
    }

    /**
     * The bytes of an input file, or of standard input for "-": at most {@code limit + 1}
     * bytes, so that a huge file, a device or an endless pipe is read no further than one
     * just too large. The caller refuses a result longer than {@code limit}, naming the size
     * ({@link #sizeOf}).
     *
     * @param what names the file in messages, e.g. "batch file"
     * @throws CliException (usage) if it cannot be read, saying why
     */
    byte[] readInput(String name, String what, int limit) {
        try {
            if (name.equals("-")) {
                return in.readNBytes(limit + 1);
            }
            Path path = Path.of(name);
            if (Files.isDirectory(path)) {
                throw CliException.usage("cannot read " + what + " " + name + ": it is a directory; name a file in it");
            }
            try (InputStream file = Files.newInputStream(path)) {
                return file.readNBytes(limit + 1);
            }
        } catch (NoSuchFileException e) {
            throw CliException.usage("cannot read " + what + " " + name + ": no such file");
        } catch (AccessDeniedException e) {
            throw CliException.usage("cannot read " + what + " " + name + ": permission denied");
        } catch (FileSystemException e) {
            throw CliException.usage("cannot read " + what + " " + name + ": "
                    + (e.getReason() != null ? e.getReason() : e.getMessage()));
        } catch (IOException | InvalidPathException e) {
            throw CliException.usage("cannot read " + what + " " + name + ": " + e.getMessage());
        }
    }

    /** The size of a regular file read past its limit, for messages; -1 for standard input, a device or a pipe. */
    static long sizeOf(String name) {
        try {
            Path path = Path.of(name);
            if (!name.equals("-") && Files.isRegularFile(path)) {
                return Files.size(path);
            }
        } catch (IOException | InvalidPathException e) {
            // the size is only for the message
        }
        return -1;
    }

    /** How messages name an input: "<stdin>" for "-". */
    static String inputName(String name) {
        return name.equals("-") ? "<stdin>" : name;
    }

    boolean debug() {
        return debug;
    }

    DeviceChoice deviceChoice() {
        return device == null ? DeviceChoice.DEFAULT : DeviceChoice.parse(device);
    }

    /**
     * Opens the chosen device. When the default /dev/cpu has neither msr_safe nor msr, the
     * error says so and points at the simulated device.
     */
    MsrSafe open() throws MsrSafeException {
        DeviceChoice choice = deviceChoice();
        if (choice.simulated()) {
            return simulator.apply(choice).open();
        }
        try {
            return MsrSafe.open(choice.root());
        } catch (DeviceNotFoundException e) {
            if (choice.explicit()) {
                throw e;
            }
            throw new CliException(ExitCode.DEVICE_MISSING, e.getMessage() + " (with msrsafe: --device sim)", e);
        } catch (IllegalCallerException e) {
            throw new CliException(ExitCode.SYSTEM, e.getMessage()
                    + " (bin/msrsafe passes --enable-native-access=io.github.msrsafe)", e);
        }
    }

}
