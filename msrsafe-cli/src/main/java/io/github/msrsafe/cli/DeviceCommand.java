package io.github.msrsafe.cli;

import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A subcommand that works on the device chosen by {@code --device}: opens it, runs, closes it. */
abstract class DeviceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws MsrSafeException {
        try (MsrSafe msr = root().open()) {
            return run(msr).status();
        }
    }

    /** Does the work on an open device. */
    abstract ExitCode run(MsrSafe msr) throws MsrSafeException;

    MsrSafeCommand root() {
        return MsrSafeCommand.of(spec);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Reports a failure that does not end the command (the others are thrown): one line on stderr. */
    void warn(String message) {
        err().println(MsrSafeTool.errorLine(message));
    }
}
