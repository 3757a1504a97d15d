package io.github.msrsafe.cli;

import static io.github.msrsafe.cli.ExitCode.ALLOWLIST_REJECTED;
import static io.github.msrsafe.cli.ExitCode.FINDINGS;
import static io.github.msrsafe.cli.ExitCode.OPS_FAILED;
import static io.github.msrsafe.cli.ExitCode.SAVE_FAILED;
import static io.github.msrsafe.cli.ExitCode.STATE_DAMAGED;
import static io.github.msrsafe.cli.ExitCode.STATE_MISMATCH;
import static io.github.msrsafe.cli.ExitCode.STATE_UNVERIFIED;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;

/**
 * The msrsafe commands: each one's name, class and exit statuses, and how to build the
 * picocli model of just the command a run needs. Building the model of every subcommand
 * costs more than a third of a short command's start (picocli reflects over each command's
 * fields and annotations); a run builds the root and the path to the command it runs, and
 * the whole tree only for help, man pages, completion or a command it does not know.
 *
 * <p>A new command goes here, with the exit statuses it can return besides those of every
 * command ({@link #COMMON}) and of every command that opens the device ({@link #DEVICE}).
 * {@code CommandTreeTest} checks the names against the classes' annotations and that every
 * {@link ExitCode} belongs to some command.
 */
final class CommandTree {

    /** What every command can return: success, a usage error, the launcher's and a bug's status. */
    static final Set<ExitCode> COMMON = Collections.unmodifiableSet(
            EnumSet.of(ExitCode.OK, ExitCode.USAGE, ExitCode.UNAVAILABLE, ExitCode.INTERNAL));

    /** What every command that opens the device and touches registers can return besides {@link #COMMON}. */
    static final Set<ExitCode> DEVICE = Collections.unmodifiableSet(EnumSet.of(ExitCode.NOT_ALLOWED,
            ExitCode.ACCESS_DENIED, ExitCode.DEVICE_MISSING, ExitCode.CPU_UNAVAILABLE, ExitCode.MSR_FAULT,
            ExitCode.DEVICE_ERROR, ExitCode.SYSTEM));

    /**
     * One command.
     *
     * @param name       its name, as its {@code @Command} annotation gives it
     * @param type       the annotated class picocli builds the command from
     * @param wholeTree  whether running it needs the model of every command (completion does)
     * @param statuses   the exit statuses it can return, {@link #COMMON} included
     * @param children   its subcommands, in the order help lists them
     */
    record Node(String name, Class<?> type, boolean wholeTree, Set<ExitCode> statuses, List<Node> children) {
        Node {
            statuses = Collections.unmodifiableSet(EnumSet.copyOf(statuses));
            children = List.copyOf(children);
        }

        Optional<Node> child(String childName) {
            return children.stream().filter(child -> child.name.equals(childName)).findFirst();
        }
    }

    /** The root, {@code msrsafe}, whose page lists every exit status. */
    static final Node ROOT = new Node("msrsafe", MsrSafeCommand.class, false, EnumSet.allOf(ExitCode.class), List.of(
            device("read", ReadCommand.class, OPS_FAILED),
            device("write", WriteCommand.class, OPS_FAILED),
            device("batch", BatchCommand.class, OPS_FAILED),
            device("save", SaveCommand.class, SAVE_FAILED),
            device("restore", RestoreCommand.class, OPS_FAILED, STATE_MISMATCH, STATE_DAMAGED, STATE_UNVERIFIED),
            group("allowlist", AllowlistCommand.class,
                    device("show", AllowlistCommand.Show.class),
                    device("install", AllowlistCommand.Install.class, ALLOWLIST_REJECTED),
                    device("clear", AllowlistCommand.Clear.class),
                    plain("lint", AllowlistLintCommand.class, FINDINGS),
                    device("select", AllowlistSelectCommand.class)),
            device("version", VersionCommand.class),
            device("cpus", CpusCommand.class),
            device("latency", LatencyCommand.class),
            new Node("completion", CompletionCommand.class, true, COMMON, List.of()),
            device("stat", StatCommand.class),
            device("exporter", ExporterCommand.class)));

    private CommandTree() {}

    private static Node device(String name, Class<?> type, ExitCode... own) {
        Set<ExitCode> statuses = EnumSet.copyOf(COMMON);
        statuses.addAll(DEVICE);
        statuses.addAll(List.of(own));
        return new Node(name, type, false, statuses, List.of());
    }

    private static Node plain(String name, Class<?> type, ExitCode... own) {
        Set<ExitCode> statuses = EnumSet.copyOf(COMMON);
        statuses.addAll(List.of(own));
        return new Node(name, type, false, statuses, List.of());
    }

    private static Node group(String name, Class<?> type, Node... children) {
        return new Node(name, type, false, COMMON, List.of(children));
    }

    /**
     * The picocli model for a run with {@code args}: the root with only the subcommand the
     * arguments name (and so on down), or every command where the arguments name none,
     * ask for help at that level, or run a command that needs them all.
     *
     * @param root the root command's instance (it carries the run's input and simulator)
     */
    static CommandLine forArguments(MsrSafeCommand root, String... args) {
        List<Node> path = path(args);
        CommandLine commandLine = new CommandLine(root);
        addChildren(commandLine, ROOT, path, 0);
        return commandLine;
    }

    /** The model of every command, for help of the root, man pages and completion. */
    static CommandLine whole(MsrSafeCommand root) {
        return forArguments(root);
    }

    /** The node of a built command. */
    static Optional<Node> node(CommandLine command) {
        return node(command.getCommandSpec().qualifiedName(" "));
    }

    /** The node of a command by its qualified name ("msrsafe allowlist lint"). */
    static Optional<Node> node(String qualifiedName) {
        String[] names = qualifiedName.split(" ");
        if (!names[0].equals(ROOT.name())) {
            return Optional.empty();
        }
        Optional<Node> node = Optional.of(ROOT);
        for (int i = 1; i < names.length && node.isPresent(); i++) {
            String name = names[i];
            node = node.flatMap(parent -> parent.child(name));
        }
        return node;
    }

    private static void addChildren(CommandLine parent, Node node, List<Node> path, int depth) {
        List<Node> chosen = depth < path.size() ? List.of(path.get(depth)) : node.children();
        for (Node child : chosen) {
            CommandLine built = new CommandLine(child.type());
            addChildren(built, child, path, depth + 1);
            parent.addSubcommand(child.name(), built);
        }
    }

    /**
     * The commands {@code args} name, from the root down, as far as a run needs only them: it
     * stops before a level where the next word is not a subcommand, and is empty when the path
     * holds a command that needs the whole tree. Options are skipped; the only option of the
     * root that takes a value is {@code --device}.
     */
    static List<Node> path(String... args) {
        List<Node> path = new ArrayList<>();
        Node current = ROOT;
        for (int i = 0; i < args.length && !current.children().isEmpty(); i++) {
            String arg = args[i];
            if (arg.equals("--device")) {
                i++;
                continue;
            }
            if (arg.startsWith("-")) {
                if (arg.equals("--")) {
                    break;
                }
                continue;
            }
            Optional<Node> child = current.child(arg);
            if (child.isEmpty()) {
                break;
            }
            if (child.get().wholeTree()) {
                return List.of();
            }
            path.add(child.get());
            current = child.get();
        }
        return path;
    }
}
