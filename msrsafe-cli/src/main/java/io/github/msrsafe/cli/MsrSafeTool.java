package io.github.msrsafe.cli;

import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.allowlist.AllowlistException;
import io.github.msrsafe.SimulatedDevice;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.MaxValuesExceededException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine.ParseResult;

/**
 * The msrsafe command as a {@link ToolProvider} named "msrsafe": output goes to the
 * writers passed in, the result is an exit status ({@link ExitCode}), and nothing calls
 * System.exit, so the command runs in-process (tests, jshell, other tools).
 *
 * <p>Errors are one line on the error writer, {@code msrsafe: <what went wrong>}; with
 * {@code --debug} the stack trace follows.
 *
 * {@snippet lang=java :
 * ToolProvider msrsafe = ToolProvider.findFirst("msrsafe").orElseThrow();
 * int status = msrsafe.run(System.out, System.err, "--device", "sim", "read", "-a", "0x10");
 * }
 */
public final class MsrSafeTool implements ToolProvider {

    private static final String PREFIX = "msrsafe: ";
    private static final String DEVICE = "--device";
    // One match of an exclusive group in picocli's message: "[-x | -X | ...]={--hexadecimal}".
    private static final Pattern GROUP_MATCH = Pattern.compile("=\\{([^}]*)\\}");

    private final InputStream in;
    private final Function<DeviceChoice, SimulatedDevice> simulator;

    /** A tool that reads standard input for {@code batch -} and {@code allowlist install -}. */
    public MsrSafeTool() {
        this(System.in);
    }

    /**
     * A tool that reads {@code in} where a command is given "-" as its file.
     *
     * @param in the input for {@code batch -} and {@code allowlist install -}
     */
    public MsrSafeTool(InputStream in) {
        this(in, MsrSafeCommand::standardSimulator);
    }

    /**
     * A tool whose {@code --device sim[:CPUS][:VERSION]} is the device {@code simulator} returns for
     * the choice: tests hand in one device, with its own clock and state, to every run.
     */
    MsrSafeTool(InputStream in, Function<DeviceChoice, SimulatedDevice> simulator) {
        this.in = Objects.requireNonNull(in, "in");
        this.simulator = Objects.requireNonNull(simulator, "simulator");
    }

    @Override
    public String name() {
        return "msrsafe";
    }

    @Override
    public Optional<String> description() {
        return Optional.of("reads and writes MSRs through msr_safe: registers, batches, allowlists, saved state");
    }

    /**
     * Runs the command on writers. {@code read -r} (raw bytes) needs a byte stream and
     * is refused here; {@link #run(PrintStream, PrintStream, String...)} has one.
     */
    @Override
    public int run(PrintWriter out, PrintWriter err, String... args) {
        return run(null, out, err, args);
    }

    /**
     * Runs the command on streams: text in each stream's charset, and the raw bytes of
     * {@code read -r} as they are on {@code out}.
     */
    @Override
    public int run(PrintStream out, PrintStream err, String... args) {
        PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, out.charset()));
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, err.charset()));
        try {
            return run(out, outWriter, errWriter, args);
        } finally {
            out.flush();
        }
    }

    private int run(OutputStream bytes, PrintWriter out, PrintWriter err, String... args) {
        try {
            return commandLine(in, simulator, bytes, out, err, args).execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The whole command tree writing to {@code out} and {@code err}; also what man pages and completion are made from. */
    static CommandLine commandLine(InputStream in, Function<DeviceChoice, SimulatedDevice> simulator, PrintWriter out, PrintWriter err) {
        return commandLine(in, simulator, null, out, err);
    }

    /** As above, with {@code bytes} (may be null) for binary output, on the same stream as {@code out}. */
    static CommandLine commandLine(InputStream in, Function<DeviceChoice, SimulatedDevice> simulator, OutputStream bytes,
                                   PrintWriter out, PrintWriter err) {
        return configured(CommandTree.whole(new MsrSafeCommand(in, simulator, bytes)), out, err);
    }

    /**
     * The commands a run with {@code args} needs (see {@link CommandTree#forArguments}), writing to
     * {@code out} and {@code err}, and binary output to {@code bytes} (may be null).
     */
    static CommandLine commandLine(InputStream in, Function<DeviceChoice, SimulatedDevice> simulator, OutputStream bytes,
                                   PrintWriter out, PrintWriter err, String... args) {
        return configured(CommandTree.forArguments(new MsrSafeCommand(in, simulator, bytes), args), out, err);
    }

    private static CommandLine configured(CommandLine commandLine, PrintWriter out, PrintWriter err) {
        commandLine.setOut(out);
        commandLine.setErr(err);
        // Help looks the same on a terminal, in a pipe and in the man pages.
        commandLine.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF));
        commandLine.setUsageHelpAutoWidth(false);
        commandLine.setUsageHelpWidth(100);
        commandLine.setExitCodeExceptionMapper(exception -> ExitCode.INTERNAL.status());
        commandLine.setParameterExceptionHandler(MsrSafeTool::usageError);
        commandLine.setExecutionExceptionHandler(MsrSafeTool::failure);
        commandLine.setExecutionStrategy(MsrSafeTool::execute);
        VersionCommand.Provider version = new VersionCommand.Provider();
        for (CommandLine command : allCommands(commandLine)) {
            // -V on any command (and the man pages' version) says the tool's version.
            command.getCommandSpec().versionProvider(version);
            command.getCommandSpec().usageMessage()
                    .descriptionHeading("%n")
                    .parameterListHeading("%nParameters:%n")
                    .optionListHeading("%nOptions:%n")
                    .commandListHeading("%nCommands:%n")
                    .exitCodeListHeading("%nExit status:%n")
                    .exitCodeList(exitStatusHelp(CommandTree.node(command).map(CommandTree.Node::statuses)
                            .orElse(CommandTree.COMMON)));
        }
        return commandLine;
    }

    /**
     * Runs the command the arguments chose, as picocli's default strategy does, once the
     * modules it needs are known to be there: the exporter's Prometheus client and HTTP server
     * are resolved only for it (the launchers add them; {@code java -m} needs {@code --add-modules}).
     */
    private static int execute(ParseResult parseResult) {
        requireOneDevice(parseResult);
        ParseResult last = parseResult;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        boolean help = last.isUsageHelpRequested() || last.isVersionHelpRequested();
        if (!help && last.commandSpec().userObject() instanceof ExporterCommand) {
            Optional<String> missing = ExporterModules.missing();
            if (missing.isPresent()) {
                last.commandSpec().commandLine().getErr().println(PREFIX + "exporter needs the module " + missing.get()
                        + ", which this JVM did not load; run it with the msrsafe launcher, or add to the java command: "
                        + "--add-modules " + String.join(",", ExporterModules.ROOTS));
                return ExitCode.UNAVAILABLE.status();
            }
        }
        return new CommandLine.RunLast().execute(parseResult);
    }

    /**
     * Refuses {@code --device} given both before and after the command ({@code --device sim read
     * --device /dev/cpu 0x10}): each level has its own copy of the option, so picocli's "only
     * once" check does not see the two, and one would silently win.
     */
    private static void requireOneDevice(ParseResult parseResult) {
        List<String> given = new ArrayList<>();
        for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption(DEVICE)) {
                // Each level's own copy of the option keeps what was typed there; the value they set is shared.
                List<String> typed = level.matchedOption(DEVICE).originalStringValues();
                given.add(Numbers.quoted(typed.isEmpty() ? "" : typed.getLast()));
            }
        }
        if (given.size() > 1) {
            throw new ParameterException(parseResult.commandSpec().commandLine(), DEVICE + " is given " + given.size()
                    + " times (" + String.join(", ", given) + "), before and after the command; give it once");
        }
    }

    /** The root and every subcommand, breadth first. */
    static List<CommandLine> allCommands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>();
        ArrayDeque<CommandLine> pending = new ArrayDeque<>();
        pending.add(root);
        while (!pending.isEmpty()) {
            CommandLine command = pending.removeFirst();
            all.add(command);
            pending.addAll(command.getSubcommands().values());
        }
        return all;
    }

    private static Map<String, String> exitStatusHelp(Set<ExitCode> codes) {
        Map<String, String> statuses = new LinkedHashMap<>();
        for (ExitCode code : codes) {
            statuses.put(String.format(Locale.ROOT, "%3d", code.status()), code.meaning());
        }
        return statuses;
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        PrintWriter err = e.getCommandLine().getErr();
        err.println(errorLine(mistake(e, spec) + " (see '" + spec.qualifiedName() + " --help')"));
        return ExitCode.USAGE.status();
    }

    /**
     * picocli's message for a command-line mistake, in the command's words where picocli's are
     * its own internals ("expected only one match but got [-x | -X ...]={--hexadecimal} and ...")
     * or do not say what was wrong ("Unmatched arguments from index 0: 'reed', '0x10'").
     */
    static String mistake(ParameterException e, CommandSpec spec) {
        String message = String.valueOf(e.getMessage()).strip();
        if (message.startsWith("Error: ")) {
            message = message.substring("Error: ".length());
        }
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().getFirst();
            List<String> near = unmatched.getSuggestions();
            String suggestion = near.isEmpty() ? "" : " (did you mean " + String.join(" or ", near.stream()
                    .limit(3).map(name -> "'" + Numbers.quoted(name) + "'").toList()) + "?)";
            if (unmatched.isUnknownOption()) {
                return "unknown option '" + Numbers.quoted(first) + "'" + suggestion;
            }
            if (!spec.subcommands().isEmpty() && spec.positionalParameters().isEmpty()) {
                return "unknown command '" + Numbers.quoted(first) + "'" + suggestion + "; the commands are "
                        + String.join(", ", spec.subcommands().keySet());
            }
            return "unexpected argument '" + Numbers.quoted(first) + "'"
                    + (unmatched.getUnmatched().size() > 1 ? " (and " + (unmatched.getUnmatched().size() - 1)
                    + " more after it)" : "") + ": " + spec.qualifiedName() + " takes no more arguments";
        }
        Matcher matches = GROUP_MATCH.matcher(message);
        if (e instanceof MaxValuesExceededException && message.startsWith("expected only one match")) {
            // An exclusive group matched twice: the same option repeated (-a -a), or two of the group given twice.
            List<String> options = new ArrayList<>();
            while (matches.find()) {
                for (String name : matches.group(1).split(",")) {
                    String option = optionNames(spec, name.strip());
                    if (!options.contains(option)) {
                        options.add(option);
                    }
                }
            }
            if (options.size() == 1) {
                return options.getFirst() + " is given more than once; give it once";
            }
            if (!options.isEmpty()) {
                return String.join(", ", options) + " are given together or repeated; they exclude each other:"
                        + " give one of them, once";
            }
        }
        return message;
    }

    /** "-a/--all" for "--all": every name of the option, as the help lists them. */
    private static String optionNames(CommandSpec spec, String name) {
        CommandLine.Model.OptionSpec option = spec.findOption(name);
        return option == null ? name : String.join("/", option.names());
    }

    /**
     * One error line as the command prints it: {@code msrsafe: } and the message on one line,
     * its control characters escaped (a path or name holding ESC cannot restyle the terminal).
     */
    static String errorLine(String message) {
        return PREFIX + oneLine(message);
    }

    private static int failure(Exception e, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        boolean debug = MsrSafeCommand.of(commandLine.getCommandSpec()).debug();
        ExitCode code;
        String message;
        switch (e) {
            case CliException cli -> {
                code = cli.exitCode();
                message = cli.getMessage();
            }
            case MsrSafeException device -> {
                code = ExitCode.of(device.kind());
                message = device.getMessage();
            }
            case AllowlistException text -> {
                code = ExitCode.ALLOWLIST_REJECTED;
                message = text.getMessage();
            }
            case IllegalArgumentException mistake -> {
                // The library's word for a caller mistake: the message names the bad value.
                code = ExitCode.USAGE;
                message = mistake.getMessage();
            }
            case UncheckedIOException io -> {
                code = ExitCode.DEVICE_ERROR;
                message = io.getCause().getMessage();
            }
            default -> {
                code = ExitCode.INTERNAL;
                message = "internal error: " + e + (debug ? "" : " (run with --debug for the stack trace)");
            }
        }
        err.println(errorLine(message));
        if (debug) {
            e.printStackTrace(err);
        }
        return code.status();
    }

    /** Messages are one line: a multi-line message is joined. */
    private static String oneLine(String message) {
        return message == null ? "(no message)"
                : Numbers.escapeControls(message.strip().replaceAll("\\s*\\R\\s*", "; "), new StringBuilder()).toString();
    }
}
