package io.github.msrsafe.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code msrsafe completion}: the bash (and zsh) completion script. */
@Command(name = "completion",
        header = "Print the bash completion script.",
        mixinStandardHelpOptions = true,
        description = {
            "Prints a bash completion script for msrsafe (zsh can use it too, after",
            "'autoload -U +X bashcompinit && bashcompinit'). Load it in the current shell with",
            "",
            "  source <(msrsafe completion)",
            "",
            "or install it as /etc/bash_completion.d/msrsafe.",
        })
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("msrsafe", spec.root().commandLine()));
        return ExitCode.OK.status();
    }
}
