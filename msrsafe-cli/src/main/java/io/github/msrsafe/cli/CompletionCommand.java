package io.github.msrsafe.cli;

import io.github.msrsafe.registers.RegisterCatalog;
import io.github.msrsafe.telemetry.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Spec;

/** {@code msrsafe completion}: the bash (and zsh) completion script. */
@Command(name = "completion",
        header = "Print the bash completion script.",
        mixinStandardHelpOptions = true,
        description = {
            "Prints a bash completion script for msrsafe (zsh can use it too, after",
            "'autoload -U +X bashcompinit && bashcompinit'). Besides commands and options it",
            "completes register names where an MSR is asked for, 'sim' for --device, and signal",
            "names for --show. Load it in the current shell with",
            "",
            "  source <(msrsafe completion)",
            "",
            "or install it as /etc/bash_completion.d/msrsafe (the distribution installs it).",
        })
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        withCandidates(root);
        spec.commandLine().getOut().print(AutoComplete.bash("msrsafe", root));
        return ExitCode.OK.status();
    }

    private static List<String> candidates(OptionSpec option, List<String> devices, List<String> signals) {
        return switch (option.longestName()) {
            case "--device" -> devices;
            case "--show" -> signals;
            default -> null;
        };
    }

    /**
     * Gives the options and parameters whose values come from a known set their candidates:
     * {@code MSR} parameters the register catalog's names, {@code --device} the simulated
     * device and /dev/cpu, {@code --show} the telemetry signals.
     */
    static void withCandidates(CommandLine root) {
        List<String> registers = RegisterCatalog.builtIn().names();
        List<String> devices = List.of("sim", "/dev/cpu");
        List<String> signals = new ArrayList<>();
        for (Signal signal : Signal.values()) {
            signals.add(signal.columnName());
        }
        signals.add(SignalChoice.ALL);
        // An inherited option (--device) is copied into every subcommand when added to its owner:
        // drop the copies first, then replace the owner's, which hands the new one down again.
        List<CommandLine> commands = MsrSafeTool.allCommands(root);
        for (CommandLine command : commands) {
            for (OptionSpec option : List.copyOf(command.getCommandSpec().options())) {
                if (option.inherited() && candidates(option, devices, signals) != null) {
                    command.getCommandSpec().remove(option);
                }
            }
        }
        for (CommandLine command : commands) {
            CommandSpec commandSpec = command.getCommandSpec();
            for (OptionSpec option : List.copyOf(commandSpec.options())) {
                List<String> candidates = candidates(option, devices, signals);
                if (candidates != null && !option.inherited()) {
                    commandSpec.remove(option);
                    commandSpec.addOption(OptionSpec.builder(option).completionCandidates(candidates).build());
                }
            }
            for (PositionalParamSpec parameter : List.copyOf(commandSpec.positionalParameters())) {
                if (parameter.paramLabel().equals("MSR")) {
                    commandSpec.remove(parameter);
                    commandSpec.addPositional(PositionalParamSpec.builder(parameter).completionCandidates(registers).build());
                }
            }
        }
    }
}
